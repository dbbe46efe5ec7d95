#include "osbuild/util/arch.h"

#include <sys/utsname.h>

#include "osbuild/util/text.h"

namespace osbuild {

Result<Arch> parse_arch(std::string_view text) {
  std::string name = to_lower(trim(text));
  if (name == "x86_64" || name == "amd64") {
    return Arch::x86_64;
  }
  if (name == "aarch64" || name == "arm64") {
    return Arch::aarch64;
  }
  return Failure{"unknown architecture '" + std::string(text) +
                 "': expected x86_64 (alias amd64) or aarch64 (alias arm64)"};
}

std::string_view arch_name(Arch arch) { return arch == Arch::x86_64 ? "x86_64" : "aarch64"; }

std::string gnu_triple(Arch arch) { return std::string(arch_name(arch)) + "-linux-gnu"; }

Arch host_arch() {
  // Asked for every package of a plan or a build; the machine does not change under a process.
  static const Arch host = [] {
    utsname u{};
    ::uname(&u);
    auto arch = parse_arch(u.machine);
    return arch ? arch.value() : Arch::x86_64;
  }();
  return host;
}

std::vector<std::string> arch_names() { return {"x86_64", "aarch64", "amd64", "arm64"}; }

}  // namespace osbuild
