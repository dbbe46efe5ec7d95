// After a build every ELF file must be for the target machine: a cross build that fell back to
// the host compiler is an error here, not a surprise at boot.
#include <cstdio>
#include <cstring>

#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/error.h"

namespace osbuild::toolchain {

namespace {

constexpr unsigned k_em_x86_64 = 62;
constexpr unsigned k_em_aarch64 = 183;

unsigned machine_of(Arch arch) {
  return arch == Arch::x86_64 ? k_em_x86_64 : k_em_aarch64;
}

std::string machine_name(unsigned machine) {
  switch (machine) {
    case k_em_x86_64:
      return "x86_64";
    case k_em_aarch64:
      return "aarch64";
    case 3:
      return "i386";
    case 40:
      return "arm";
    case 243:
      return "riscv";
    default:
      return "machine " + std::to_string(machine);
  }
}

}  // namespace

std::optional<ElfHeader> read_elf_header(const fs::path& file) {
  unsigned char h[20] = {};
  FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) return std::nullopt;
  std::size_t n = std::fread(h, 1, sizeof h, f);
  std::fclose(f);
  if (n < sizeof h || std::memcmp(h,
                                  "\x7f"
                                  "ELF",
                                  4) != 0)
    return std::nullopt;
  auto half = [big_endian = h[5] == 2](const unsigned char* p) {
    return big_endian ? (unsigned{p[0]} << 8 | p[1]) : (p[0] | unsigned{p[1]} << 8);
  };
  return ElfHeader{half(h + 16), half(h + 18)};
}

void check_elf_arch(const fs::path& tree, Arch target) {
  if (!fs::is_directory(tree)) return;
  unsigned want = machine_of(target);
  std::optional<fs::path> first;
  unsigned first_machine = 0;
  std::size_t bad = 0;
  for (auto it = fs::recursive_directory_iterator(tree); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_symlink() || !it->is_regular_file()) continue;
    auto header = read_elf_header(it->path());
    auto machine = header ? std::optional<unsigned>(header->machine) : std::nullopt;
    if (!machine || *machine == want) continue;
    if (!first) {
      first = it->path();
      first_machine = *machine;
    }
    ++bad;
  }
  if (!first) return;
  std::string others = bad > 1 ? " (and " + std::to_string(bad - 1) + " more)" : "";
  throw Error(first->string() + ": ELF file for " + machine_name(first_machine) + " (e_machine " +
                  std::to_string(first_machine) + "), but the target is " +
                  std::string(arch_name(target)) + " (e_machine " + std::to_string(want) + ")" +
                  others,
              "the build ran a compiler for the wrong machine: make it use $CC/$CXX (and "
              "--host=$OSBUILD_TARGET for autotools, $CMAKE_TOOLCHAIN_FILE for CMake)");
}

}  // namespace osbuild::toolchain
