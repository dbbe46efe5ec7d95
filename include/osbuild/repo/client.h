#pragma once
// The TUF client workflow (spec 1.0 §5) from a trusted root: walk the root chain, then timestamp →
// snapshot → targets, checking signatures, thresholds, versions, lengths, hashes and expiry. Used
// by `repo validate`, and by `repo` and `repo refresh` before they extend a repository.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/repo/metadata.h"
#include "osbuild/repo/transport.h"

namespace osbuild::repo {

// Where one variant/arch repository lives: URLs ending in '/', file:// or http(s)://.
struct RepoLocation {
  std::string metadata_url;  // .../metadata/<variant>/<arch>/
  std::string targets_url;   // .../targets/
};

enum class Expiry { enforce, ignore };

// The newest versions a client has trusted; a lower version later is a rollback.
struct TrustedVersions {
  std::uint64_t root = 0;
  std::uint64_t timestamp = 0;
  std::uint64_t snapshot = 0;
  std::uint64_t targets = 0;
};

struct LoadOptions {
  Expiry expiry = Expiry::enforce;
  Time now{};
  TrustedVersions trusted;
};

struct LoadedRepo {
  std::vector<Metadata> root_chain;  // the trusted root first, then every newer version
  RootRole root;                     // the newest root
  Metadata timestamp_md, snapshot_md, targets_md;
  TimestampRole timestamp;
  SnapshotRole snapshot;
  TargetsRole targets;
  TrustedVersions versions() const;
};

// Size limits for metadata downloads, tough's.
inline constexpr std::uint64_t k_max_root_bytes = 1 << 20;
inline constexpr std::uint64_t k_max_timestamp_bytes = 1 << 20;
inline constexpr std::uint64_t k_max_metadata_bytes = 10 << 20;
inline constexpr int k_max_root_updates = 1024;

// Checks that a root is signed by its own root keys to threshold; throws naming `origin`.
RootRole verify_self_signed_root(const Metadata& root, const std::string& origin);

// Loads and verifies the repository. Returns nullopt when it does not exist (no timestamp.json);
// any other problem throws an Error with ExitCode::verification naming the file and the problem.
std::optional<LoadedRepo> load_repository(Transport& transport, const RepoLocation& where,
                                          const Metadata& trusted_root, const LoadOptions& options);

// Downloads every target and checks its length and sha256; `progress` sees each name.
struct TargetCheck {
  std::size_t count = 0;
  std::uint64_t bytes = 0;
};
TargetCheck verify_targets(Transport& transport, const RepoLocation& where, const LoadedRepo& repo,
                           const std::function<void(const std::string&)>& progress = {});

// The name a target is stored under with consistent snapshots: "<sha256>.<name>" (in the same
// folder as the name's own folder part).
std::string consistent_target_path(const std::string& name, const std::string& sha256);

// How a repository names its files: consistent snapshots ("3.targets.json", "<sha256>.<name>"),
// or, when root says consistent_snapshot false, the plain names replaced in place.
enum class Layout { consistent, plain };
Layout layout_of(const RootRole& root);
// "3.snapshot.json" or "snapshot.json" for a role's metadata file (targets, snapshot, or a
// delegated role's name).
std::string metadata_file_name(Layout layout, std::uint64_t version, const std::string& role);
// Where a target is stored under the targets folder.
std::string target_path(Layout layout, const std::string& name, const std::string& sha256);

// Reads one target into memory (manifest.json), checking length and hash.
std::string fetch_target_text(Transport& transport, const RepoLocation& where,
                              const TargetsRole& targets, const std::string& name,
                              Layout layout = Layout::consistent);

}  // namespace osbuild::repo
