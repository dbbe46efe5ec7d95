#pragma once
// tuftool's root workflow on a root.json file: init, add-key, remove-key, set-threshold, expire,
// sign. Every edit drops the signatures it invalidates; `sign` adds them back.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/repo/metadata.h"

namespace osbuild::repo {

namespace fs = std::filesystem;

// A new unsigned root (version 1, consistent snapshots, thresholds 1, no keys), or with `from` the
// next version of an existing root with the same keys and roles: the start of a root rotation.
void root_init(const fs::path& path, const std::optional<fs::path>& from, Time expires);
// Adds the public half of a PEM key (private or public) to `roles`; returns its key id.
std::string root_add_key(const fs::path& path, const fs::path& key_file,
                         const std::vector<Role>& roles);
// Removes a key (full id or unique prefix) from `roles`, or from every role and the key list when
// `roles` is empty; returns the full key id.
std::string root_remove_key(const fs::path& path, const std::string& key_id,
                            const std::vector<Role>& roles);
void root_set_threshold(const fs::path& path, Role role, std::uint32_t threshold);
void root_expire(const fs::path& path, Time expires);

struct SignStatus {
  std::uint64_t version = 0;
  std::size_t valid = 0;  // valid signatures by this root's root keys
  std::uint32_t threshold = 0;
  std::vector<std::string> not_root_keys;  // signers that are not root keys here (cross-signing)
};
// Signs with each key (a key of an older root may sign too, for rotation).
SignStatus root_sign(const fs::path& path, const std::vector<fs::path>& keys);

}  // namespace osbuild::repo
