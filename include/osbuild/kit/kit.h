#pragma once
// Kits (docs/kits.md): where a kit lives (its vendor's registry, after osbuild.override.toml),
// which packages it holds, building it into build/kits/<kit>/<arch>/, resolving [[kit]]
// requirements transitively into osbuild.lock, and fetching locked kits into the store.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/config/kits.h"
#include "osbuild/kit/format.h"
#include "osbuild/oci/registry.h"
#include "osbuild/workspace/context.h"
#include "osbuild/util/json.h"

namespace osbuild::kit {

// ---- where a kit lives ---------------------------------------------------------------------
struct KitLocation {
  std::string vendor;
  std::string host;        // "127.0.0.1:5000"
  std::string repository;  // "osbuild/greet-kit"
  bool insecure = false;
  std::string source() const { return host + "/" + repository; }
};

// The vendor (osbuild.toml, then Infra.toml) and the kit's repository in its registry, with
// osbuild.override.toml applied; the first use of the override file says so on stderr.
// `wanted_by` names where the vendor was asked for, for messages.
KitLocation locate(const Context& ctx, const std::string& kit, const std::string& vendor,
                   const std::string& wanted_by);
// GET /v2/ with the error naming the kit and vendor.
void ping(oci::RegistryClient& client, const KitLocation& where, const std::string& kit);

// ---- a kit of this project -----------------------------------------------------------------
// The kit's included-packages and the closure of their `requires`, stopping at other kits: a
// package another kit of this project includes, or one from a fetched kit. Sorted.
std::vector<std::string> kit_packages(const config::Project& project, const config::Kit& kit);

struct BuiltPackage {
  std::string name;
  std::string version;
  std::string license;
  std::string artifact;  // sha256 hex
  std::uint64_t size = 0;
  std::vector<std::string> requires_;
};

struct BuiltKit {
  std::string name;
  Arch arch = Arch::x86_64;
  std::filesystem::path dir;  // build/kits/<kit>/<arch>/
  std::vector<BuiltPackage> packages;
  std::vector<config::KitDependency> kits;  // the kits its packages need at run time
};

// Gathers the kit's built packages (kit_packages, built for the context's arch) into
// build/kits/<kit>/<arch>/: the artifact of each package (<name>.tar) and index.json (name,
// version, digest, size, requires). The pipeline builds them first (pipeline/kit.h).
BuiltKit assemble_kit(const Context& ctx, const std::string& name,
                      const std::vector<std::string>& packages);

// ---- the packages of fetched kits ------------------------------------------------------------
// Adds the packages of every locked kit fetched for `arch` (workspace/records.h) to the project,
// as packages with a KitOrigin. A local package of the same name is an error unless the [[kit]]
// lists it in override-packages; then every name in depends, requires and a variant's
// included-packages must be a package of the project or of a kit. Returns the lock used (nullopt
// without one). The pipeline calls it once per run (pipeline::prepare).
std::optional<config::Lock> add_kit_packages(config::Project& project,
                                             const std::filesystem::path& build_dir, Arch arch,
                                             config::LockCheck check);

// The registry functions below take `http`, the HTTP client their registry clients use (not
// owned; none: libcurl), so that tests can answer for the registry in memory.

// ---- update --------------------------------------------------------------------------------
// Every [[kit]] of osbuild.toml resolved to the highest matching tag, and the kits those kits
// require (from their config blobs), transitively; a kit wanted at versions no single tag meets
// is an error naming the chain of who wants which.
config::Lock resolve_lock(const Context& ctx, net::HttpClient* http = nullptr);

// What replacing `old` (the osbuild.lock there is; nullopt when there is none) by `lock` changes,
// one line a kit, in lock order: "core-kit 2.1.0 would be added", "core-kit 2.0.0 (sha256:…)
// would become 2.1.0 (sha256:…)", "core-kit 2.0.0 would be removed". Empty when no kit changes.
std::vector<std::string> lock_changes(const std::optional<config::Lock>& old,
                                      const config::Lock& lock);

struct UpdateSummary {
  config::Lock lock;
  std::filesystem::path path;  // osbuild.lock
  bool changed = false;        // the file was written
};
// `osbuild update`: resolve_lock, then write osbuild.lock when its text changes. With --locked a
// change is refused (exit code 3), listing lock_changes.
UpdateSummary run_update(const Context& ctx, net::HttpClient* http = nullptr);

// ---- fetch ---------------------------------------------------------------------------------
struct FetchSummary {
  std::size_t kits = 0;
  std::size_t layers = 0;
  std::size_t downloaded = 0;
  std::uint64_t bytes = 0;
};
// Pulls every locked kit for the context's arch by digest (index → manifest → config and layers),
// verifies each blob, puts the layers (package artifacts) into the store and records the kit in
// build/external-kits/<arch>/<kit>.json. A kit already fetched with all blobs present touches no
// network.
FetchSummary fetch_kits(const Context& ctx, net::HttpClient* http = nullptr);

// True when every locked kit is fetched for the context's arch with all its layers in the store
// (fetch_kits would touch no network); true without osbuild.lock: nothing is locked to fetch.
bool kits_fetched(const Context& ctx);

}  // namespace osbuild::kit
