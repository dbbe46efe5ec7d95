#pragma once
// GUIDs and the GUID partition table, written by osbuild itself: a protective MBR, the primary
// header and entries at the start of the disk, the backup entries and header at its end, each
// with its CRC32 (UEFI 2.10 §5.3). No random number enters: every GUID is derived from a seed.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/util/error.h"

namespace osbuild::image {

// A GUID in the byte order of its text form ("c12a7328-f81f-…": the first byte is 0xc1).
struct Guid {
  std::array<std::uint8_t, 16> bytes{};

  static Result<Guid> parse(std::string_view text);
  std::string str() const;  // lowercase, with dashes
  // GPT stores the first three fields little-endian.
  std::array<std::uint8_t, 16> on_disk() const;
  bool operator==(const Guid&) const = default;
};

// A version 4 GUID whose 122 free bits are the first bits of sha256(seed \0 label): the same
// seed and label give the same GUID, as systemd-repart's and mkosi's Seed= do.
Guid derive_guid(std::string_view seed, std::string_view label);

// CRC-32 (IEEE 802.3, reflected, as GPT and zlib compute it). `crc` continues a running value.
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

inline constexpr std::uint64_t k_sector_size = 512;
inline constexpr std::uint32_t k_gpt_entries = 128;
inline constexpr std::uint32_t k_gpt_entry_size = 128;
// 1 LBA of header and 32 LBAs of entries at each end, after the MBR at LBA 0.
inline constexpr std::uint64_t k_gpt_table_sectors =
    1 + k_gpt_entries * k_gpt_entry_size / k_sector_size;

struct GptPartition {
  std::string name;  // at most 36 UTF-16 code units; ASCII here
  Guid type;
  Guid guid;
  std::uint64_t first_lba = 0;
  std::uint64_t last_lba = 0;  // inclusive
  std::uint64_t attributes = 0;
};

struct GptDisk {
  std::uint64_t size_bytes = 0;  // a multiple of 512
  Guid disk_guid;
  std::vector<GptPartition> partitions;  // entry order: partition 1 first
};

// The first 34 sectors of the disk (MBR, header, entries) and the last 33 (entries, header).
std::string gpt_primary(const GptDisk& disk);
std::string gpt_backup(const GptDisk& disk);
// Writes both into an existing file of `disk.size_bytes`.
void write_gpt(int fd, const GptDisk& disk);

// A little-endian integer of `width` bytes at `at` of `bytes` (on-disk structures).
std::uint64_t read_le(std::string_view bytes, std::size_t at, int width);
// `length` bytes at `offset` of the open `fd`; a short read is an Error naming `what`.
std::string pread_exact(int fd, std::uint64_t offset, std::size_t length, const std::string& what);

// Reads the primary GPT of a raw disk image (the open `fd`; `disk` names it in messages): every
// used entry, in entry order (`number` of each kept apart: unused entries are skipped). The
// header's and the entries' CRC32 are checked. A qcow2 or VMDK file, or a disk without a GPT, is
// an Error that says to give the raw image.
struct ReadPartition : GptPartition {
  std::uint32_t number = 0;  // 1-based entry index
  std::uint64_t offset() const { return first_lba * k_sector_size; }
  std::uint64_t size() const { return (last_lba - first_lba + 1) * k_sector_size; }
};
struct ReadGpt {
  Guid disk_guid;
  std::vector<ReadPartition> partitions;
  const ReadPartition* find(std::string_view name) const;
  const ReadPartition* find_type(const Guid& type) const;
};
ReadGpt read_gpt(int fd, const std::string& disk);

// gptprio bits in a partition's type-specific attributes, which GRUB reads to pick the bank:
// priority in 48-51, tries left in 52-55, successful in 56.
std::uint64_t gptprio_attributes(unsigned priority, unsigned tries, bool successful);

}  // namespace osbuild::image
