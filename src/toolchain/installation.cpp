// The folders a sealed build sandbox shows for a resolved toolchain (toolchain.h).
#include <algorithm>

#include "osbuild/toolchain/toolchain.h"

namespace osbuild::toolchain {

namespace {

bool under_usr(const fs::path& path) {
  auto it = path.begin();
  return it != path.end() && ++it != path.end() && *it == "usr";
}

// The installation a program belongs to: /opt/cross/bin/gcc → /opt/cross; zig → its folder.
fs::path installation_of(const fs::path& program) {
  std::error_code ec;
  fs::path real = fs::canonical(program, ec);
  if (ec) return {};
  fs::path dir = real.parent_path();
  return dir.filename() == "bin" ? dir.parent_path() : dir;
}

}  // namespace

std::vector<fs::path> ResolvedToolchain::installation() const {
  std::vector<fs::path> candidates = {installation_of(compiler), installation_of(real.cc),
                                      installation_of(real.cxx), installation_of(real.ar)};
  std::error_code ec;
  if (!sysroot.empty()) candidates.push_back(fs::canonical(sysroot, ec));
  std::vector<fs::path> out;
  for (auto& dir : candidates) {
    if (dir.empty() || under_usr(dir) || dir == "/") continue;
    if (std::find(out.begin(), out.end(), dir) == out.end()) out.push_back(dir);
  }
  return out;
}

}  // namespace osbuild::toolchain
