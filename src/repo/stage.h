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

// The repository name (`--repo`, PUBLISH_REPO): one folder name under build/repos/ of letters,
// digits, '_' and '-'; anything else is refused naming where it came from.
std::string repo_name(const Context& ctx);

// Refuses an expiration policy or release start that would sign targets, snapshot or timestamp
// metadata that has already expired (at the release start or now), before anything is written.
void check_policy_ahead(const Context& ctx, Time now);

// Refuses to sign under a root that has expired: clients would refuse everything under it.
void check_root_alive(const RootRole& root, const std::string& origin, bool rotated, Time now);

// Refuses, before anything is written, keys that cannot meet the threshold of every role they
// sign (targets, snapshot, timestamp) under `root`.
void check_signing_keys(const std::vector<SigningKey>& keys, const RootRole& root);

// Verifies `path` as the next root after `current` (version + 1, signed by both key sets).
Metadata read_rotated_root(const fs::path& path, const RootRole& current);

TrustedVersions read_trust(const fs::path& file);
void write_trust(const fs::path& file, const TrustedVersions& versions);

config::ExpirationPolicy expiration_policy(const Context& ctx);
config::WavePolicy wave_policy(const Context& ctx);

// Takes the repository's lock (waiting for another osbuild), removes temporary files a killed run
// left behind, and completes a publish or root rotation a killed run left unfinished.
FileLock lock_output(const Setup& setup);

// Signs targets (already holding its targets), then snapshot and timestamp with versions one above
// `previous`, checks every threshold, and writes them through the journal (below): N.targets.json,
// N.snapshot.json, the root files the folder lacks, timestamp.json, each atomically and durably;
// then records the new versions. `previous_snapshot` keeps what the snapshot listed besides
// targets.json (delegated roles' metadata). A root with consistent_snapshot false gets
// targets.json and snapshot.json, replaced in place.
TrustedVersions commit_metadata(Setup& setup, const std::vector<Metadata>& root_chain,
                                const RootRole& root, TargetsRole targets,
                                const TrustedVersions& previous,
                                const SnapshotRole* previous_snapshot);

// The journal of one commit: every metadata file it writes, signed, recorded durably before the
// first of them is written. A run killed midway leaves it; the next writer replays it.
fs::path journal_path(const Setup& setup);
// Replays an unfinished commit's journal, if any; returns whether there was one.
bool complete_unfinished(const Setup& setup);

// Test hook: OSBUILD_TEST_PAUSE_AT=<step> stops the process at that step so a test can kill it.
void pause_point(std::string_view step);

}  // namespace osbuild::repo::detail
