#pragma once
// What an ELF file asks of the system that runs it: its interpreter (PT_INTERP) and the shared
// libraries it needs (DT_NEEDED) with where it says to look (DT_RPATH, DT_RUNPATH). Read from the
// program headers and the dynamic section, 32- and 64-bit, either byte order; no readelf.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/util/error.h"

namespace osbuild::toolchain {

inline constexpr unsigned k_et_exec = 2;
inline constexpr unsigned k_et_dyn = 3;

struct ElfDynamicInfo {
  unsigned type = 0;     // e_type: ET_EXEC 2, ET_DYN 3, ET_REL 1, …
  unsigned machine = 0;  // e_machine
  unsigned bits = 64;    // 32 or 64
  std::string interpreter;                // empty: none (static, or a shared library)
  std::vector<std::string> needed;        // in DT_NEEDED order
  std::vector<std::string> rpath;         // DT_RPATH, split at ':'
  std::vector<std::string> runpath;       // DT_RUNPATH, split at ':'
};

// nullopt for a file that is not ELF; a Failure for an ELF file too damaged to read.
Result<std::optional<ElfDynamicInfo>> read_elf_dynamic(const std::filesystem::path& file);

}  // namespace osbuild::toolchain
