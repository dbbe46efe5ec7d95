#pragma once
// The file systems of the image, made by the standard tools with every source of variation
// pinned: UUIDs and hash seeds derived from the image seed, timestamps from SOURCE_DATE_EPOCH,
// ownership root. Each result is padded to a multiple of 4 KiB for dm-verity.
#include <cstdint>
#include <filesystem>
#include <string>

#include "osbuild/config/model.h"
#include "osbuild/image/gpt.h"
#include "osbuild/image/tools.h"

namespace osbuild::image {

struct FsRequest {
  std::filesystem::path tree;
  std::filesystem::path out;
  std::uint64_t size_bytes = 0;  // ext4: the file system size; erofs/squashfs: only a limit
  Guid uuid;
  Guid hash_seed;     // ext4 only
  std::string label;  // ext4 only
  std::int64_t epoch = 0;
};

// The tools each kind needs, for Tools::identity.
std::vector<std::string> filesystem_tools(config::RootFilesystem kind);

// Makes the file system; returns its size in bytes (a multiple of 4096). A tree that does not fit
// in `size_bytes` is an Error with both sizes; the caller adds which setting to change.
Result<std::uint64_t> make_filesystem(config::RootFilesystem kind, const FsRequest& req,
                                      Tools& tools);

}  // namespace osbuild::image
