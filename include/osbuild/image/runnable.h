#pragma once
// A userland that runs: every ELF program and library in the root tree must find its interpreter
// (PT_INTERP) and each library it needs (DT_NEEDED) inside the tree, where the dynamic loader
// would look: DT_RPATH (when there is no DT_RUNPATH), DT_RUNPATH ($ORIGIN expanded), then
// /lib/<triple>, /usr/lib/<triple>, /lib, /usr/lib, /lib64, /usr/lib64. Links are followed
// inside the tree (an absolute link target means the tree's own root). What would fail at exec
// is refused before the image is made.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/util/arch.h"

namespace osbuild::image {

struct MissingFile {
  std::string binary;   // "/usr/bin/hello"
  std::string missing;  // "/lib64/ld-linux-x86-64.so.2" or "libc.so.6"
  bool interpreter = false;
};

// Everything the ELF files below `root` need and do not find there, by binary then need.
std::vector<MissingFile> find_missing_files(const std::filesystem::path& root, Arch arch);

// The path inside `root` that `path` ("/lib64/ld.so") leads to through links, if it is a file.
std::optional<std::filesystem::path> resolve_in_root(const std::filesystem::path& root,
                                                     const std::string& path);

// Who ships a file of this name: "libc (usr/lib/libc.so.6, not in the run-time closure)".
using ProviderLookup = std::function<std::vector<std::string>(const std::string& file_name)>;

// Throws an Error naming the first binary, the missing file, and the packages that ship a file
// of that name (or that none does, with what to do); a count of the others.
void check_runnable(const std::filesystem::path& root, Arch arch, const ProviderLookup& providers,
                    const std::string& variant_manifest);

}  // namespace osbuild::image
