#pragma once
// The root tree: the package artifacts of the run-time closure unpacked into one folder, owned by
// root, every mtime clamped to SOURCE_DATE_EPOCH. Two packages that write the same path (other
// than a shared folder) are an error naming both.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "osbuild/image/rooted.h"

namespace osbuild::image {

struct TreeInput {
  std::string package;
  std::filesystem::path tar;  // the artifact in the store
};

struct TreeSummary {
  std::uint64_t entries = 0;
  std::uint64_t file_bytes = 0;  // sum of regular file sizes
  std::map<std::string, std::string> owners;  // "/usr/lib" → the package that installed it first
};

// The root tree of an assembled summary: errors about a link name the package that installed it.
RootedTree rooted_tree(const std::filesystem::path& root, const TreeSummary& summary);

// Unpacks each artifact into `root` (created empty), refusing conflicts, then fixes ownership and
// times. `variant_manifest` is named in the conflict message. Every entry is created through a
// RootedTree: a link an earlier entry made is followed inside the tree, never out of it.
TreeSummary assemble_tree(const std::vector<TreeInput>& inputs, const std::filesystem::path& root,
                          std::int64_t epoch, const std::string& variant_manifest);

// Writes usr/lib/os-release and the etc/os-release link when no package provides either; returns
// whether it did.
bool add_os_release(const RootedTree& tree, const std::string& os_name, const std::string& version,
                    std::int64_t epoch);

// Files osbuild writes into the root tree (path without the leading '/', content), each 0644 in
// folders made 0755. A file a package installed already is an error naming the package.
using TreeFiles = std::vector<std::pair<std::string, std::string>>;
void add_files(const RootedTree& tree, const TreeFiles& files, std::int64_t epoch);

// Creates the folders init mounts onto (/dev, /proc, /sys, /run and /tmp, sticky) when no package
// installed them; returns the ones it made.
std::vector<std::string> add_mount_points(const RootedTree& tree);

// The paths in an artifact tar whose file name is `file_name` (folders excepted).
std::vector<std::string> tar_paths_named(const std::filesystem::path& tar,
                                         const std::string& file_name);

// Moves the regular files under root/boot (the kernel vmlinuz*, initrd*, …) into `boot_dir`,
// leaving root/boot empty as Bottlerocket does; returns their names, sorted.
std::vector<std::string> move_boot_files(const RootedTree& tree,
                                         const std::filesystem::path& boot_dir);

// Every entry below `dir` (and `dir`) owned by 0:0 when we may chown, atime and mtime set to
// min(mtime, epoch).
void clamp_tree(const std::filesystem::path& dir, std::int64_t epoch);

// Bytes a tree occupies in 4 KiB blocks, for the size check before an ext4 is made.
std::uint64_t tree_block_bytes(const std::filesystem::path& dir);

}  // namespace osbuild::image
