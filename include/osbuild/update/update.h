#pragma once
// `osbuild image update DISK`: what Bottlerocket's updog does on a machine, done offline to a raw
// disk image (docs/update.md). From the root the disk trusts, the TUF client workflow reads the
// repository; the manifest names the newest version for the disk's variant and arch that its wave
// allows; every update image is downloaded and checked before a byte is written; boot, root and
// verity go into the inactive bank, and the boot-state record tries that bank once.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/config/settings.h"
#include "osbuild/image/boot_state.h"
#include "osbuild/image/gpt.h"
#include "osbuild/process/process.h"
#include "osbuild/repo/manifest.h"
#include "osbuild/util/json.h"
#include "osbuild/util/semver.h"

namespace osbuild::update {

namespace fs = std::filesystem;
using Time = std::chrono::sys_seconds;

// Where the image stage puts what an update agent reads, in the root file system.
inline constexpr const char* k_identity_path = "usr/share/updog/image.json";
inline constexpr const char* k_trusted_root_path = "usr/share/updog/root.json";
inline constexpr const char* k_updog_toml_path = "etc/updog.toml";

// One bank's partitions: BOOT-x, ROOT-x and HASH-x.
struct Bank {
  char letter = 'A';
  image::ReadPartition boot, root, hash;
};

// What the disk says of itself, from its active bank's root file system.
struct Identity {
  std::string name, variant, arch, repo;
  Version version;
  std::string trusted_root;  // root.json, as the image carries it
  std::string metadata_base_url, targets_base_url;  // from updog.toml; may be empty
};

struct Disk {
  fs::path path;
  image::Guid disk_guid;
  std::map<char, Bank> banks;
  image::BootState state;
  char active = 'A';    // the first bank of boot_order that has booted successfully
  char inactive = 'B';  // the other one: where an update goes
  Identity identity;
};

// Reads the GPT, the boot-state record and the active bank's identity. Anything that is not an
// osbuild A/B disk is an Error that says what is missing. The identity's files are read in place:
// erofs by osbuild itself, squashfs and ext4 through `runner` (unsquashfs -cat, debugfs cat).
Disk inspect_disk(const fs::path& disk, process::Runner& runner);

// The disk's wave seed in [0, 2048): updog draws it at random on first boot and keeps it; osbuild
// derives it from the disk GUID, so one disk always lands in the same wave.
std::uint32_t seed_of(const image::Guid& disk_guid);

// One update of the manifest for the disk's variant and arch.
struct Candidate {
  Version version;
  repo::UpdateImages images;
  std::optional<Time> wave_start;  // when the disk's wave starts; nullopt: no waves, or the first
};

// The updates for variant and arch that are within their max_version, newest first.
std::vector<Candidate> candidates(const Json& manifest, const std::string& variant,
                                  const std::string& arch, std::uint32_t seed);

struct Request {
  fs::path disk;
  std::string repo_url;      // base of metadata/<variant>/<arch>/ and targets/; empty: updog.toml
  std::string version;       // an exact version; empty: the newest the waves allow
  std::optional<Time> now;   // expiry and waves are judged at this time; default: the clock
  bool allow_downgrade = false;
  bool ignore_waves = false;
  bool check_only = false;   // say what would be done; write nothing
};

enum class Verdict { updated, would_update, up_to_date, waiting };

struct Outcome {
  Verdict verdict = Verdict::up_to_date;
  std::string variant, arch;
  Version from, to;
  char from_bank = 'A', to_bank = 'B';
  std::uint32_t seed = 0;
  std::optional<Time> wave_start;  // with Verdict::waiting
  std::uint64_t bytes_written = 0;
  image::BootState state;  // the record after the update
};

// Picks the update the request asks for among `choices` (newest first): an exact version, else
// the newest whose wave has started at `now`. Refuses (throws) an exact version the manifest does
// not list, and a downgrade without allow_downgrade.
Outcome choose(const Disk& disk, const std::vector<Candidate>& choices, const Request& request,
               Time now);

Outcome apply_update(const config::Settings& settings, process::Runner& runner,
                     const Request& request);

std::string outcome_text(const Outcome& outcome, const fs::path& disk);
Json outcome_json(const Outcome& outcome);

}  // namespace osbuild::update
