#pragma once
// The boot-state record (docs/boot.md): \EFI\BOOT\grubenv on the EFI system partition, a
// 1024-byte GRUB environment block that the selector grub.cfg reads and writes. Its keys carry
// the meaning of Bottlerocket's gptprio bits and signpost:
//   boot_order  the banks in the order they are tried ("A B")
//   A_ok, B_ok  1 when the bank has booted successfully (gptprio's "successful")
//   A_tries, B_tries  boots left before the bank is given up (0-3; GRUB takes one per boot)
// osbuild reads and writes it inside a raw disk image itself: the GPT names the ESP, the FAT
// names the file's clusters, and the new block is written over the old one in place, so the
// file stays 1024 bytes and nothing else on the disk changes.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/util/error.h"
#include "osbuild/util/json.h"

namespace osbuild::image {

inline constexpr std::size_t k_grubenv_size = 1024;

using BootState = std::map<std::string, std::string>;

// boot_order "A B", A good, B empty (or bank A alone on a one-bank disk).
BootState initial_boot_state(const std::vector<char>& banks);

// The 1024-byte block: "# GRUB Environment Block\n", key=value lines, '#' padding.
std::string format_grubenv(const BootState& state);
Result<BootState> parse_grubenv(std::string_view block);

// Checks one change against the record's keys: boot_order a permutation of the banks, *_ok 0 or
// 1, *_tries 0-3 (what the selector counts down). Returns a Failure saying what is allowed.
Result<BootState> set_boot_key(BootState state, const std::string& key, const std::string& value);
// The update flow's steps (signpost's names in docs/boot.md).
BootState try_bank(BootState state, char bank);   // boot_order bank first, <bank>_ok=0, tries=1
BootState mark_good(BootState state, char bank);  // <bank>_ok=1
BootState prefer_bank(BootState state, char bank);  // boot_order bank first
// The banks this record speaks of ("A", "B"), from its *_ok keys.
std::vector<char> banks_of(const BootState& state);

// What `osbuild image boot-state DISK` was asked to change, applied in this order: --try,
// --prefer, --mark-good, then each --set KEY=VALUE. Bank letters are checked against the record.
struct BootStateChanges {
  std::string try_bank;
  std::string prefer;
  std::string mark_good;
  std::vector<std::string> set;  // KEY=VALUE
  bool empty() const { return try_bank.empty() && prefer.empty() && mark_good.empty() && set.empty(); }
};
BootState apply_changes(BootState state, const BootStateChanges& changes);

// The record's keys and "next": the bank the selector would boot now (null when none would).
Json boot_state_json(const BootState& state);
// The same as text: key=value lines, then "next boot: bank B".
std::string boot_state_text(const BootState& state);

// Where the record lives in a disk image: the ESP, and the file's byte ranges on the disk.
struct GrubenvLocation {
  std::uint64_t esp_offset = 0;
  std::uint64_t esp_size = 0;
  std::uint32_t esp_number = 0;
  std::uint64_t file_size = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> extents;  // disk offset, length
};

GrubenvLocation locate_grubenv(const std::filesystem::path& disk);
BootState read_boot_state(const std::filesystem::path& disk);
// Writes the record over the old one, in place.
void write_boot_state(const std::filesystem::path& disk, const BootState& state);

}  // namespace osbuild::image
