#pragma once
// Shared by publish.cpp and maintenance.cpp: where a repository lives, which root and keys sign
// it, and the one function that signs and writes its metadata in the crash-safe order.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/repo/client.h"
#include "osbuild/repo/repo.h"
#include "osbuild/util/fs.h"

namespace osbuild::repo::detail {

enum class NeedKeys { no, yes };

struct Setup {
  std::string repo_name;
  config::RepoConfig config;  // defaults when Infra.toml has no [repo.<name>]
  std::string variant;
  std::string arch;
  fs::path output;        // build/repos/<repo>
  fs::path metadata_dir;  // output/metadata/<variant>/<arch>
  fs::path targets_dir;   // output/targets
  fs::path trust_file;    // build/.osbuild/repo-trust/<repo>/<variant>/<arch>.json
  RepoLocation local;
  RepoLocation source;  // where the existing repository is read: Infra's URLs, or `local`
  Metadata anchor;      // the trusted root
  std::vector<SigningKey> keys;
  Time now{};
  Time start{};  // RELEASE_START_TIME or now
  config::ExpirationPolicy expirations;
  std::unique_ptr<Transport> transport;
};

Setup open_setup(const Context& ctx, const RepoTarget& target, NeedKeys need_keys);

// Verifies `path` as the next root after `current` (version + 1, signed by both key sets).
Metadata read_rotated_root(const fs::path& path, const RootRole& current);

TrustedVersions read_trust(const fs::path& file);
void write_trust(const fs::path& file, const TrustedVersions& versions);

config::ExpirationPolicy expiration_policy(const Context& ctx);
config::WavePolicy wave_policy(const Context& ctx);

// Takes the repository's lock (waiting for another osbuild) and removes temporary files a killed
// run left behind.
FileLock lock_output(const Setup& setup);

// Signs targets (already holding its targets), then snapshot and timestamp with versions one above
// `previous`, checks every threshold, and writes: the root files the folder lacks, N.targets.json,
// N.snapshot.json, timestamp.json, each atomically and durably; then records the new versions.
TrustedVersions commit_metadata(Setup& setup, const std::vector<Metadata>& root_chain,
                                const RootRole& root, TargetsRole targets,
                                const TrustedVersions& previous);

// Test hook: OSBUILD_TEST_PAUSE_AT=<step> stops the process at that step so a test can kill it.
void pause_point(std::string_view step);

}  // namespace osbuild::repo::detail
