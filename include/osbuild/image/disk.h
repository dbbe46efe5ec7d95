#pragma once
// A disk image file: sparse, sized by its plan, the GPT written by osbuild, and the contents of
// some partitions copied in at their offsets.
#include <filesystem>
#include <map>
#include <string>

#include "osbuild/image/gpt.h"
#include "osbuild/image/layout.h"

namespace osbuild::image {

// Partition name → the file to copy into it (no larger than the partition).
using PartitionContents = std::map<std::string, std::filesystem::path>;

void write_disk(const std::filesystem::path& out, const GptDisk& gpt,
                const PartitionContents& contents);

// Copies a file keeping its holes (SEEK_DATA/SEEK_HOLE), so a sparse disk stays sparse.
void copy_sparse(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace osbuild::image
