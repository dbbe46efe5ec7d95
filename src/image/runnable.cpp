#include "osbuild/image/runnable.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>

#include "osbuild/toolchain/elf.h"
#include "osbuild/util/error.h"
#include "osbuild/util/text.h"

namespace osbuild::image {

namespace fs = std::filesystem;

namespace {

constexpr int k_max_links = 40;  // as the kernel's path walk

std::deque<std::string> components(const std::string& path) {
  std::deque<std::string> out;
  for (auto& part : split(path, '/')) {
    if (!part.empty() && part != ".") out.push_back(part);
  }
  return out;
}

std::vector<std::string> default_dirs(Arch arch, unsigned bits) {
  std::string triple = gnu_triple(arch);
  std::vector<std::string> dirs = {"/lib/" + triple, "/usr/lib/" + triple, "/lib", "/usr/lib"};
  if (bits == 64) dirs.insert(dirs.end(), {"/lib64", "/usr/lib64"});
  return dirs;
}

std::string expand_origin(std::string dir, const std::string& origin) {
  for (const char* token : {"${ORIGIN}", "$ORIGIN"}) {
    for (auto at = dir.find(token); at != std::string::npos; at = dir.find(token)) {
      dir.replace(at, std::strlen(token), origin);
    }
  }
  return dir;
}

// Where the loader looks for the libraries of `info`, for a file at `path` in the tree.
std::vector<std::string> search_dirs(const toolchain::ElfDynamicInfo& info, const std::string& path,
                                     Arch arch) {
  std::string origin = fs::path(path).parent_path().string();
  std::vector<std::string> dirs;
  if (info.runpath.empty()) {
    for (const auto& d : info.rpath) dirs.push_back(expand_origin(d, origin));
  }
  for (const auto& d : info.runpath) dirs.push_back(expand_origin(d, origin));
  for (const auto& d : default_dirs(arch, info.bits)) dirs.push_back(d);
  return dirs;
}

bool found(const fs::path& root, const std::string& name, const std::vector<std::string>& dirs) {
  if (name.find('/') != std::string::npos) return resolve_in_root(root, name).has_value();
  for (const auto& d : dirs) {
    if (resolve_in_root(root, d + "/" + name)) return true;
  }
  return false;
}

std::string what_is_missing(const std::vector<MissingFile>& of_one) {
  std::vector<std::string> names;
  for (const auto& m : of_one) {
    names.push_back(m.interpreter ? "its interpreter " + m.missing : m.missing);
  }
  std::string list = names.size() == 1 ? names[0]
                                        : join({names.begin(), names.end() - 1}, ", ") + " and " +
                                              names.back();
  return list + (names.size() == 1 ? " is" : " are");
}

// One hint per file a package ships, and one for the files none does.
std::vector<std::string> hints_for(const std::vector<MissingFile>& of_one,
                                   const ProviderLookup& providers, const std::string& manifest) {
  std::vector<std::string> hints;
  std::vector<std::string> unshipped;
  const std::string& binary = of_one.front().binary;
  for (const auto& m : of_one) {
    std::string name = fs::path(m.missing).filename().string();
    auto ships = providers ? providers(name) : std::vector<std::string>{};
    if (ships.empty()) {
      unshipped.push_back(name);
      continue;
    }
    hints.push_back(fmt::format(
        "{} is shipped by {}: add that package to included-packages in {} (or to the requires "
        "of the package that installs {}), or install the file where the loader looks",
        name, join(ships, ", "), manifest, binary));
  }
  if (!unshipped.empty()) {
    bool one = unshipped.size() == 1;
    hints.push_back(fmt::format(
        "no package of the build ships {}: link {} statically (-static), or add a package that "
        "ships {} to included-packages in {}",
        one ? "a file named " + unshipped[0] : join(unshipped, " or "), binary,
        one ? "it" : "them", manifest));
  }
  return hints;
}

}  // namespace

std::optional<fs::path> resolve_in_root(const fs::path& root, const std::string& path) {
  std::deque<std::string> todo = components(path);
  std::vector<std::string> at;
  int links = 0;
  while (!todo.empty()) {
    std::string part = todo.front();
    todo.pop_front();
    if (part == "..") {
      if (!at.empty()) at.pop_back();
      continue;
    }
    fs::path here = root / join(at, "/") / part;
    struct stat st {};
    if (::lstat(here.c_str(), &st) != 0) return std::nullopt;
    if (S_ISLNK(st.st_mode)) {
      if (++links > k_max_links) return std::nullopt;
      std::error_code ec;
      std::string target = fs::read_symlink(here, ec).string();
      if (ec) return std::nullopt;
      if (!target.empty() && target[0] == '/') at.clear();
      auto more = components(target);
      todo.insert(todo.begin(), more.begin(), more.end());
      continue;
    }
    if (!todo.empty() && !S_ISDIR(st.st_mode)) return std::nullopt;
    at.push_back(part);
  }
  fs::path out = root / join(at, "/");
  std::error_code ec;
  if (!fs::is_regular_file(out, ec)) return std::nullopt;
  return out;
}

std::vector<MissingFile> find_missing_files(const fs::path& root, Arch arch) {
  std::vector<std::pair<std::string, fs::path>> files;  // sorted by path: a stable first error
  const std::size_t prefix = root.string().size();
  for (fs::recursive_directory_iterator it(root), end; it != end; ++it) {
    if (!it->is_symlink() && it->is_regular_file()) {
      files.emplace_back(it->path().string().substr(prefix), it->path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<MissingFile> missing;
  for (const auto& [path, file] : files) {
    auto info = toolchain::read_elf_dynamic(file);
    if (!info.ok()) {
      throw Error(fmt::format("{}: a damaged ELF file: {}", path, info.error()),
                  "rebuild the package that installs it");
    }
    if (!info.value()) continue;
    const auto& elf = *info.value();
    if (!elf.interpreter.empty() && !resolve_in_root(root, elf.interpreter)) {
      missing.push_back({path, elf.interpreter, true});
    }
    auto dirs = search_dirs(elf, path, arch);
    for (const auto& name : elf.needed) {
      if (!found(root, name, dirs)) missing.push_back({path, name, false});
    }
  }
  return missing;
}

void check_runnable(const fs::path& root, Arch arch, const ProviderLookup& providers,
                    const std::string& variant_manifest) {
  auto missing = find_missing_files(root, arch);
  if (missing.empty()) return;
  std::vector<MissingFile> first;
  std::map<std::string, bool> binaries;
  for (const auto& m : missing) {
    binaries[m.binary] = true;
    if (m.binary == missing.front().binary) first.push_back(m);
  }
  std::vector<std::string> hints = hints_for(first, providers, variant_manifest);
  std::string others =
      binaries.size() > 1
          ? fmt::format(" (and {} more {} with missing files)", binaries.size() - 1,
                        binaries.size() > 2 ? "programs or libraries" : "program or library")
          : "";
  throw Error(fmt::format("{} cannot start in the image: {} not in the root file system{}",
                          first.front().binary, what_is_missing(first), others),
              join(hints, "\n  hint: "));
}

}  // namespace osbuild::image
