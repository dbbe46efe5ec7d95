#pragma once
// Git sources through libgit2: a bare mirror per URL under <cache>/git/, the pinned commit's tree
// exported as a deterministic tar.
#include <cstdint>
#include <filesystem>
#include <string>

namespace osbuild::fetch {

namespace fs = std::filesystem;

struct GitExport {
  std::string tree;  // the tree's object id
  std::uint64_t entries = 0;
};

// The mirror folder for a URL: <git_root>/<first 32 hex of sha256(url)>.git
fs::path git_mirror_path(const fs::path& git_root, const std::string& url);

// Makes sure `rev` is in the mirror (fetching from `url` only when it is not) and writes its tree
// to `tar_path`: entries sorted by path, mtime `mtime`, owner root, modes 0644/0755, symlinks
// kept, submodules left out. Throws an Error naming the URL and rev.
GitExport export_git_tree(const fs::path& git_root, const std::string& url, const std::string& rev,
                          const fs::path& tar_path, std::int64_t mtime);

}  // namespace osbuild::fetch
