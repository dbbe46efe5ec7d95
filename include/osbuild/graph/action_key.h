#pragma once
// An action's key is the SHA-256 of the canonical JSON of exactly what determines its output
// (docs/action-keys.md). This is the only function that makes one.
#include <filesystem>
#include <string>
#include <vector>

#include "osbuild/util/json.h"

namespace osbuild::graph {

// Bumped whenever the meaning of an action's inputs changes, so old cache entries stop matching.
inline constexpr int k_action_format_version = 1;

// sha256(canonical_json({"format": k_action_format_version, "kind": kind, "inputs": inputs})).
std::string action_key(std::string_view kind, const Json& inputs);

// A digest of a folder's contents: every regular file and symlink below it, sorted by relative
// path, with its executable bit and content digest. Empty folders do not count. `exclude` names
// top-level entries to leave out.
std::string tree_digest(const std::filesystem::path& dir,
                        const std::vector<std::string>& exclude = {});

}  // namespace osbuild::graph
