#pragma once
// Writing into a root tree that packages filled. Every path is resolved as if the tree were '/'
// (openat2(2) with RESOLVE_IN_ROOT, Linux 5.6 or later): a link a package installed
// (`usr/lib -> /srv/x`, `etc -> ../../../x`) is followed inside the tree and never leads a write
// out of it. A path that leads nowhere inside the tree (a dangling or looping link) is refused,
// naming the link, its target and the package that installed it.
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "osbuild/util/fs.h"

namespace osbuild::image {

class RootedTree {
 public:
  // The package that installed a path of the tree ("/usr/lib"), or "" when not known.
  using Owner = std::function<std::string(const std::string& path)>;

  explicit RootedTree(const std::filesystem::path& root, Owner owner = {});

  const std::filesystem::path& root() const noexcept { return m_root; }
  // The package that installed `path` ("/etc/x"), or "" when not known.
  std::string owner_of(const std::string& path) const { return m_owner ? m_owner(path) : ""; }

  // Whether `rel` exists in the tree; its last component is not followed (a link counts).
  bool exists(std::string_view rel) const;
  // Whether `rel`, followed inside the tree, is a folder.
  bool is_directory(std::string_view rel) const;
  // The folder `rel` and any missing parent, each made with `mode`; existing ones are kept.
  void make_dirs(std::string_view rel, mode_t mode) const;
  // A new folder `rel` with exactly `mode` (the umask does not apply); false when `rel` exists.
  bool make_dir(std::string_view rel, mode_t mode) const;
  // Writes a regular file with exactly `mode`, replacing whatever entry was at `rel` (a link
  // there is replaced, not followed). The parent folder must exist.
  void write_file(std::string_view rel, std::string_view data, mode_t mode) const;
  // A new regular file opened for writing; an existing entry at `rel` is an error.
  Fd create_file(std::string_view rel, mode_t mode) const;
  void make_symlink(std::string_view rel, const std::string& target) const;
  // `rel` as a second name of the file at `existing` (not followed if it is a link).
  void make_hard_link(std::string_view existing, std::string_view rel) const;
  // Sets the permission bits of `rel` (followed inside the tree).
  void set_mode(std::string_view rel, mode_t mode) const;
  // An open folder of the tree (followed inside the tree), for *at calls.
  Fd open_dir(std::string_view rel) const;

 private:
  struct Split;
  Split split_last(std::string_view rel) const;
  int open_raw(const std::string& rel, int flags, mode_t mode = 0) const;
  [[noreturn]] void fail(const std::string& what, const std::string& rel, int err) const;

  std::filesystem::path m_root;
  Owner m_owner;
  Fd m_fd;
};

}  // namespace osbuild::image
