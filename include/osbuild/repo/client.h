#pragma once
// The TUF client workflow (spec 1.0 §5.3-5.7) from a trusted root: walk the root chain, then
// timestamp → snapshot → targets → every delegated targets role, checking signatures, thresholds,
// versions, lengths, every listed sha256 and sha512, and expiry; target lookups walk the
// delegations in preorder, honouring `terminating`, path patterns and path hash prefixes. Used by
// `repo validate`, and by `repo` and `repo refresh` before they extend a repository.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <map>
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
  std::map<std::string, std::uint64_t> delegated;  // each delegated targets role, by name

  // The newer of each version here and in `other`: what a client trusts after both.
  TrustedVersions newest(const TrustedVersions& other) const;
};

struct LoadOptions {
  Expiry expiry = Expiry::enforce;
  Time now{};
  TrustedVersions trusted;
};

// A delegated targets role, read as snapshot lists it and verified with its delegator's keys.
struct DelegatedTargets {
  std::string name;       // "apps", as the delegator names it
  std::string delegator;  // "targets", or the delegated role that lists this one
  std::string file;       // "2.apps.json" (consistent snapshots) or "apps.json"
  Metadata md;
  TargetsRole targets;
  Delegations delegations;
};

struct LoadedRepo {
  std::vector<Metadata> root_chain;  // the trusted root first, then every newer version
  RootRole root;                     // the newest root
  Metadata timestamp_md, snapshot_md, targets_md;
  TimestampRole timestamp;
  SnapshotRole snapshot;
  TargetsRole targets;
  Delegations delegations;                  // what targets.json delegates
  std::vector<DelegatedTargets> delegated;  // every delegated role reachable, in preorder
  TrustedVersions versions() const;
  // The targets and delegations of "targets" or of a delegated role; nullptr when not loaded.
  const TargetsRole* targets_of(const std::string& role) const;
  const Delegations* delegations_of(const std::string& role) const;
};

// Size limits for metadata downloads, tough's.
inline constexpr std::uint64_t k_max_root_bytes = 1 << 20;
inline constexpr std::uint64_t k_max_timestamp_bytes = 1 << 20;
inline constexpr std::uint64_t k_max_metadata_bytes = 10 << 20;
inline constexpr int k_max_root_updates = 1024;
// Delegated roles loaded in all, and roles one target lookup may visit (python-tuf's and tuf-js's
// max_delegations).
inline constexpr std::size_t k_max_delegated_roles = 4096;
inline constexpr std::size_t k_max_lookup_roles = 32;

// Checks that a root is signed by its own root keys to threshold; throws naming `origin`.
RootRole verify_self_signed_root(const Metadata& root, const std::string& origin);

// Loads and verifies the repository, delegated roles included. Returns nullopt when it does not
// exist (no timestamp.json); any other problem throws an Error with ExitCode::verification naming
// the file and the problem.
std::optional<LoadedRepo> load_repository(Transport& transport, const RepoLocation& where,
                                          const Metadata& trusted_root, const LoadOptions& options);

// Where a target lookup finds `name` (spec §5.7.x): the top-level targets first, then the delegated
// roles whose paths or path hash prefixes match, depth first in the order listed; a matching
// terminating role ends the search. nullopt when no role a lookup visits lists it.
struct FoundTarget {
  std::string role;  // "targets" or a delegated role's name
  const TargetFile* file = nullptr;
};
std::optional<FoundTarget> find_target(const LoadedRepo& repo, const std::string& name);

// Looks up every target that targets.json or a delegated role lists, as a client would, and
// downloads what the lookup finds, checking its length and every listed sha256 and sha512. A
// listed target no lookup reaches (hidden by a terminating role, outside the role's paths or hash
// bin) is refused. `progress` sees each name.
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

// Reads one target into memory (manifest.json), checking length and every listed hash. With
// consistent snapshots the file is "<hash>.<name>" for any hash the entry lists (the spec lets
// a producer pick one), tried in the listed algorithms' name order.
std::string fetch_target_text(Transport& transport, const RepoLocation& where,
                              const TargetsRole& targets, const std::string& name,
                              Layout layout = Layout::consistent);

// Writes target `name` to `dest` (replaced), found by a client's lookup and checked as it streams
// (length and every listed sha256 and sha512), as an update agent does before it writes a byte.
// A missing, longer, shorter or tampered target is an Error with ExitCode::verification; `dest`
// is removed then.
void download_target(Transport& transport, const RepoLocation& where, const LoadedRepo& repo,
                     const std::string& name, const std::filesystem::path& dest);

}  // namespace osbuild::repo
