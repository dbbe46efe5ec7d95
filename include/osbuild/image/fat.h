#pragma once
// Just enough of FAT12/16/32 to find where a file's bytes lie (the boot-state record): the boot
// sector's geometry, directories by 8.3 name, and a file's cluster chain. It never writes.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "osbuild/util/error.h"

namespace osbuild::image {

struct FatFile {
  std::uint64_t size = 0;
  // Byte ranges (offset from the start of the file system, length) holding the file, in order.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> extents;
};

// The file at `path` ("EFI/BOOT/grubenv", matched by its short name, case-insensitively) in the
// FAT file system that starts at `offset` of the open file `fd` and spans `size` bytes.
Result<FatFile> locate_fat_file(int fd, std::uint64_t offset, std::uint64_t size,
                                const std::string& path);

}  // namespace osbuild::image
