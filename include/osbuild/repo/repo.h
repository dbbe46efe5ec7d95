#pragma once
// The repo stage: publish an image into a signed TUF repository, and keep that repository valid
// (docs/repo.md). Each function loads and verifies the repository from the trusted root first.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/workspace/context.h"
#include "osbuild/repo/metadata.h"

namespace osbuild::repo {

namespace fs = std::filesystem;

enum class Force { no, yes };
enum class CheckTargets { no, yes };

// What every repo command shares.
struct RepoTarget {
  std::string variant;           // empty: the `variant` setting (BUILDSYS_VARIANT)
  std::vector<fs::path> keys;    // --key: signing keys instead of Infra.toml's signing_keys
  std::optional<fs::path> root;  // --root: a new root version to publish (root rotation)
  std::string metadata_url;      // --metadata-url: read this repository instead
  std::string targets_url;       // --targets-url
  std::optional<fs::path> trusted_root;  // validate --root: start from this root instead
};

struct RepoOptions {
  RepoTarget target;
  std::string version;  // empty: Release.toml's version (or osbuild.toml's release-version)
  Force force = Force::no;
};

struct PublishSummary {
  fs::path output;        // build/repos/<repo>
  fs::path metadata_dir;  // output/metadata/<variant>/<arch>
  std::string version;    // the image version added
  std::size_t new_targets = 0;  // targets this version added (not already in targets/)
  std::size_t total_targets = 0;
  std::uint64_t bytes = 0;  // their length (a linked or reflinked target shares its source's)
  bool created = false;     // a new repository
  std::uint64_t timestamp_version = 0;
};

PublishSummary run_repo(const Context& ctx, const RepoOptions& options);

struct RoleStatus {
  Role role;
  std::string file;  // "3.root.json", "timestamp.json"
  std::uint64_t version = 0;
  Time expires{};
};

struct ValidateSummary {
  std::string metadata_url;
  std::string targets_url;
  std::vector<RoleStatus> roles;
  std::size_t targets = 0;
  std::uint64_t target_bytes = 0;  // 0 when targets were not downloaded
};

// The whole client workflow from the trusted root; downloads and checks every target unless told
// not to. Throws an Error (ExitCode::verification) naming the first problem.
ValidateSummary validate_repo(const Context& ctx, const RepoTarget& target, CheckTargets check);

struct ExpirationReport {
  std::vector<RoleStatus> roles;
  std::vector<RoleStatus> expiring;  // expires before now + window (or already expired)
  Time now{};
  Time limit{};
};

// Loads the repository without enforcing expiry and lists each role's expiry.
ExpirationReport check_expirations(const Context& ctx, const RepoTarget& target,
                                   std::chrono::seconds window);

enum class Unsafe { no, yes };

// Re-signs targets, snapshot and timestamp with new versions and expirations from the policy;
// the targets themselves are untouched. Unsafe::yes loads a repository that has expired.
PublishSummary refresh_repo(const Context& ctx, const RepoTarget& target, Unsafe unsafe);

}  // namespace osbuild::repo
