#pragma once
// The dm-verity hash tree, computed in-process: format version 1, sha256, 4 KiB data and hash
// blocks, the salt before each block. The hash file starts with the 512-byte superblock that
// `veritysetup format` writes by default (Bottlerocket's choice), so the tree begins at hash
// block 1 and the kernel table says so: `… <blocks> 1 sha256 <root> <salt>`. The result is
// byte-identical to `veritysetup format --uuid <uuid> --salt <salt>` on the same data.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "osbuild/image/gpt.h"

namespace osbuild::image {

inline constexpr std::uint32_t k_verity_block_size = 4096;

struct VerityParams {
  std::vector<std::uint8_t> salt;  // at most 256 bytes; 32 when derived
  Guid uuid;                       // stored in the superblock
};

struct VerityResult {
  std::string root_hash;          // hex
  std::uint64_t data_blocks = 0;  // 4 KiB blocks covered
  std::uint64_t hash_bytes = 0;   // size of the hash file: superblock and tree
};

// Hashes `data` (a multiple of 4 KiB) and writes the superblock and tree to `hash_file`.
VerityResult write_verity(const std::filesystem::path& data, const std::filesystem::path& hash_file,
                          const VerityParams& params);

// Bytes the hash file needs for `data_blocks` blocks, for sizing the HASH partition up front.
std::uint64_t verity_hash_bytes(std::uint64_t data_blocks);

// Bottlerocket's `dm-mod.create=` kernel argument: the root device built from the partitions
// after the active boot partition (root = +1, hash = +2), `boot_uuid` usually GRUB's
// `$boot_uuid`.
std::string dm_mod_create(const VerityResult& verity, const VerityParams& params,
                          const std::string& boot_uuid);

}  // namespace osbuild::image
