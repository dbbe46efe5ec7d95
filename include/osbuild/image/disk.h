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

// qemu-img gives each VMDK a random content ID (CID), written in hex without leading zeros in the
// descriptor's text. This writes in its place eight hex digits derived from `seed`, so that the
// bytes are a function of the inputs; the text after it moves within the descriptor's padding.
void pin_vmdk_cid(const std::filesystem::path& vmdk, const std::string& seed);

}  // namespace osbuild::image
