#include "osbuild/image/filesystem.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

#include "osbuild/image/tree.h"
#include "osbuild/util/units.h"

namespace osbuild::image {

namespace fs = std::filesystem;

namespace {

std::uint64_t pad_to_block(const fs::path& file) {
  std::uint64_t size = fs::file_size(file);
  std::uint64_t padded = (size + 4095) / 4096 * 4096;
  if (padded != size) fs::resize_file(file, padded);
  return padded;
}

Failure too_large(std::uint64_t needed, std::uint64_t available) {
  return Failure{
      fmt::format("the root file system needs {} ({} bytes) but the partition holds {} "
                  "({} bytes)",
                  format_size(needed), needed, format_size(available), available)};
}

// mke2fs -d copies each file's ctime and atime as it finds them, and its owner; debugfs sets
// them afterwards so the bytes depend on the tree's contents alone.
void pin_ext4_inodes(const FsRequest& req, Tools& tools) {
  fs::path commands = req.out.string() + ".debugfs";
  {
    std::ofstream out(commands);
    auto pin = [&out, &req](const std::string& path) {
      for (const char* field : {"uid", "gid", "uid_hi", "gid_hi"})
        out << "sif \"" << path << "\" " << field << " 0\n";
      for (const char* field : {"atime", "ctime", "crtime"})
        out << "sif \"" << path << "\" " << field << " " << req.epoch << "\n";
      for (const char* field : {"atime_extra", "ctime_extra", "crtime_extra"})
        out << "sif \"" << path << "\" " << field << " 0\n";
    };
    pin("/");
    const std::size_t prefix = req.tree.string().size();
    for (fs::recursive_directory_iterator it(req.tree), end; it != end; ++it) {
      std::string rel = it->path().string().substr(prefix);
      if (rel.find('"') != std::string::npos || rel.find('\n') != std::string::npos) {
        throw Error(fmt::format("{}: a path with a quote or newline cannot go into an ext4 image",
                                it->path().string()),
                    "rename the file in its package");
      }
      pin(rel);
    }
    pin("/lost+found");
  }
  tools.run({"debugfs", "-w", "-f", commands.string(), req.out.string()});
  fs::remove(commands);
}

Result<std::uint64_t> make_ext4(const FsRequest& req, Tools& tools) {
  std::uint64_t needed = tree_block_bytes(req.tree) + req.size_bytes / 20;  // metadata margin
  if (needed > req.size_bytes) return too_large(needed, req.size_bytes);
  fs::remove(req.out);
  tools.run({"mkfs.ext4", "-q", "-F", "-b", "4096", "-O", "^has_journal", "-L", req.label, "-U",
             req.uuid.str(), "-E",
             "hash_seed=" + req.hash_seed.str() + ",root_owner=0:0,lazy_itable_init=0,nodiscard",
             "-d", req.tree.string(), req.out.string(), std::to_string(req.size_bytes / 4096)});
  pin_ext4_inodes(req, tools);
  return pad_to_block(req.out);
}

}  // namespace

std::vector<std::string> filesystem_tools(config::RootFilesystem kind) {
  switch (kind) {
    case config::RootFilesystem::erofs:
      return {"mkfs.erofs"};
    case config::RootFilesystem::squashfs:
      return {"mksquashfs"};
    case config::RootFilesystem::ext4:
      return {"mkfs.ext4", "debugfs"};
  }
  return {};
}

Result<std::uint64_t> make_filesystem(config::RootFilesystem kind, const FsRequest& req,
                                      Tools& tools) {
  std::string epoch = std::to_string(req.epoch);
  fs::remove(req.out);
  switch (kind) {
    case config::RootFilesystem::ext4:
      return make_ext4(req, tools);
    case config::RootFilesystem::erofs:
      tools.run({"mkfs.erofs", "--quiet", "--all-root", "-T" + epoch, "-U" + req.uuid.str(),
                 req.out.string(), req.tree.string()});
      break;
    case config::RootFilesystem::squashfs:
      // SOURCE_DATE_EPOCH (set by Tools) fixes the creation time and clamps file times;
      // mksquashfs refuses -mkfs-time beside it.
      tools.run({"mksquashfs", req.tree.string(), req.out.string(), "-noappend", "-all-root",
                 "-processors", "1", "-no-progress", "-quiet"});
      break;
  }
  std::uint64_t size = pad_to_block(req.out);
  if (size > req.size_bytes) return too_large(size, req.size_bytes);
  return size;
}

}  // namespace osbuild::image
