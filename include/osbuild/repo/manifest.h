#pragma once
// manifest.json, Bottlerocket's update manifest (tools/update-metadata): `updates` with variant,
// arch, version, max_version, images and waves keyed by seed out of 2048, and `migrations`.
#include <cstdint>
#include <map>
#include <string>

#include "osbuild/config/model.h"
#include "osbuild/repo/metadata.h"
#include "osbuild/util/json.h"

namespace osbuild::repo {

inline constexpr std::uint32_t k_max_seed = 2048;

struct UpdateImages {
  std::string boot;
  std::string root;
  std::string hash;
};

struct NewUpdate {
  std::string variant;
  std::string arch;
  Version version;
  UpdateImages images;
};

Json empty_manifest();
// Parses manifest.json text (from the repository), checking the fields osbuild relies on.
Json parse_manifest(std::string_view text, const std::string& origin);

bool has_update(const Json& manifest, const std::string& variant, const std::string& arch,
                const Version& version);

// Adds the update (replacing one for the same variant, arch and version), and raises max_version
// on every update of that variant and arch to the highest version present, as pubsys does.
void add_update(Json& manifest, const NewUpdate& update, const config::WavePolicy& waves,
                Time start);

// The waves of a policy from `start`: seed at which each wave begins → when it begins. The first
// wave begins at seed 0; each next one at floor(previous fleet_percentage / 100 × 2048).
std::map<std::uint32_t, Time> wave_schedule(const config::WavePolicy& policy, Time start);

// Replaces `migrations` with Release.toml's table: "(from, to)" → [file names].
void set_migrations(Json& manifest, const config::Release* release);

// The bytes that become the manifest.json target.
std::string manifest_text(const Json& manifest);

}  // namespace osbuild::repo
