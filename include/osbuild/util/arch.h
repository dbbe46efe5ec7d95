#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/util/error.h"

namespace osbuild {

enum class Arch { x86_64, aarch64 };

inline constexpr Arch k_all_arches[] = {Arch::x86_64, Arch::aarch64};

// Accepts x86_64, aarch64 and their aliases amd64 and arm64.
Result<Arch> parse_arch(std::string_view text);
std::string_view arch_name(Arch arch);
// The GNU triple for a Linux glibc target: "aarch64-linux-gnu".
std::string gnu_triple(Arch arch);
Arch host_arch();
std::vector<std::string> arch_names();

}  // namespace osbuild
