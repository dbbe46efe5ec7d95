#pragma once
// Loading and validating the project's files. Every error is an osbuild::Error whose message
// starts with "file:line:col: " and says what was expected; unknown keys suggest the nearest one.
#include <filesystem>
#include <string_view>

#include "osbuild/config/model.h"

namespace osbuild::config {

// Searches `start` and its parents for osbuild.toml; throws naming `start` when there is none.
fs::path find_project_root(const fs::path& start);

// Loads osbuild.toml and everything beside it (DESIGN.md "A user's project"), validates every
// file and the references between them (osbuild.toml's release-version against Release.toml's).
Project load_project(const fs::path& root);

// Each file kind alone, from text; `path` is used in messages (and to resolve relative paths).
ProjectFile parse_project_file(std::string_view text, const fs::path& path);
Package parse_package(std::string_view text, const fs::path& path);
Kit parse_kit(std::string_view text, const fs::path& path);
Variant parse_variant(std::string_view text, const fs::path& path);
Release parse_release(std::string_view text, const fs::path& path);
Infra parse_infra(std::string_view text, const fs::path& path);
ExpirationPolicy parse_expiration_policy(std::string_view text, const fs::path& path);
WavePolicy parse_wave_policy(std::string_view text, const fs::path& path);

// Release.toml's migrations must form contiguous transitions up to its version; every named
// migration file must exist in `migrations_dir` when it is given.
void check_migrations(const Release& release, const fs::path& migrations_dir = {});

// The policies built into the binary: 2 weeks / 2 weeks / 1 week and Bottlerocket's waves.
ExpirationPolicy default_expiration_policy();
WavePolicy default_wave_policy();
std::string_view default_expiration_policy_text();
std::string_view default_wave_policy_text();

}  // namespace osbuild::config
