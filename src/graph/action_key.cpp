#include "osbuild/graph/action_key.h"

#include <sys/stat.h>

#include <algorithm>
#include <vector>

#include "osbuild/util/error.h"
#include "osbuild/util/hash.h"

namespace osbuild::graph {

namespace fs = std::filesystem;

std::string action_key(std::string_view kind, const Json& inputs) {
  Json description = {
      {"format", k_action_format_version}, {"kind", kind}, {"inputs", inputs}};
  return sha256_hex(canonical_json(description));
}

std::string tree_digest(const fs::path& dir, const std::vector<std::string>& exclude) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() == 0 &&
        std::find(exclude.begin(), exclude.end(), it->path().filename()) != exclude.end()) {
      if (it->is_directory()) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (it->is_symlink() || it->is_regular_file()) {
      entries.push_back(it->path());
    }
  }
  if (ec) {
    throw Error("cannot read folder " + dir.string() + ": " + ec.message());
  }
  std::sort(entries.begin(), entries.end());
  const std::size_t prefix_length = dir.generic_string().size() + 1;
  Hasher tree(HashAlgorithm::sha256);
  for (const auto& path : entries) {
    struct stat st {};
    ::lstat(path.c_str(), &st);
    std::string content;
    if (S_ISLNK(st.st_mode)) {
      content = "symlink:" + fs::read_symlink(path).string();
    } else {
      content = hash_file(path, HashAlgorithm::sha256).value_or_throw();
    }
    // Only the executable bit matters to a build; other mode bits vary with the umask.
    bool executable = (st.st_mode & S_IXUSR) != 0;
    // The iterator yields paths that start with `dir`: strip it instead of fs::relative, which
    // resolves symlinks with a system call per component.
    std::string relative = path.generic_string().substr(prefix_length);
    std::string line = relative + '\0' +
                       (executable ? "x" : "-") + '\0' + content + '\n';
    tree.update(line);
  }
  return tree.hex_digest();
}

}  // namespace osbuild::graph
