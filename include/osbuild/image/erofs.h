#pragma once
// Reading one file out of an uncompressed erofs file system inside a disk image, without
// extracting it (what `osbuild image update` reads from a bank's root: a few small files of a
// root of any size). Plain and inline data layouts, compact and extended inodes, symlinks
// resolved inside the file system; compressed or chunk-based files are refused.
#include <cstdint>
#include <string>
#include <string_view>

#include "osbuild/util/error.h"

namespace osbuild::image {

inline constexpr std::uint32_t k_erofs_magic = 0xE0F5E1E2;

// The contents of `path` (absolute or relative to the root) in the erofs that starts at byte
// `offset` of the open `fd`. A Failure says what is missing or unreadable; `what` names the file
// system in it.
Result<std::string> erofs_read_file(int fd, std::uint64_t offset, std::string_view path,
                                    const std::string& what);

}  // namespace osbuild::image
