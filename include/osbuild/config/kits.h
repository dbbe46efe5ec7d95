#pragma once
// What a project knows of the kits it consumes (docs/kits.md): osbuild.lock (the exact versions
// `osbuild update` chose), osbuild.override.toml (registries and names redirected for local
// testing). kit/kit.h adds the packages of the kits `osbuild fetch` brought in to the project.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/config/model.h"
#include "osbuild/util/arch.h"

namespace osbuild::config {

// ---- osbuild.lock --------------------------------------------------------------------------
// A kit's own requirement of another kit, as its publishing project's [[kit]] wrote it.
struct KitDependency {
  std::string name;
  std::string version;  // the requirement, "^1.0"
  std::string vendor;
  friend bool operator==(const KitDependency&, const KitDependency&) = default;
};

struct LockedKit {
  std::string name;
  std::string version;
  std::string vendor;
  std::string source;  // "host/repository:v<version>"
  std::string digest;  // of the image index
  std::vector<KitDependency> kits;
  SourceLocation where;
};

struct Lock {
  fs::path path;
  std::vector<LockedKit> kits;  // sorted by name
  const LockedKit* find(std::string_view name) const;
};

inline constexpr std::string_view k_lock_file = "osbuild.lock";

// The text `osbuild update` writes: sorted by kit name, one [[kit]] each.
std::string render_lock(const Lock& lock);
// Throws at file:line on a malformed lock, and (exit code 3) on an entry whose version is not
// the one its source's tag names (twoliter #450).
Lock parse_lock(std::string_view text, const fs::path& path);
// The project's osbuild.lock, nullopt when there is none.
std::optional<Lock> read_lock(const fs::path& root);

// Where the lock no longer matches osbuild.toml: a kit added or removed, a requirement the locked
// version does not meet, a vendor changed; one line per entry, empty when it matches.
std::vector<std::string> lock_problems(const ProjectFile& file, const Lock& lock);

enum class LockCheck { warn, refuse };  // refuse: --locked
// The lock the commands that use kits work from. Without one, nullopt (or, with `refuse` and
// [[kit]]s declared, an error); a stale one is refused with `refuse`, else warned about once on
// stderr.
std::optional<Lock> load_lock(const Project& project, LockCheck check);

// ---- osbuild.override.toml -----------------------------------------------------------------
struct RegistryOverride {
  std::optional<std::string> registry;  // host[:port]/path
  std::optional<std::string> name;      // kits only: the repository name to use instead
  SourceLocation where;
};

struct Overrides {
  fs::path path;
  std::map<std::string, RegistryOverride> vendors;  // [vendor.<name>] registry = …
  std::map<std::string, RegistryOverride> kits;     // [kit.<name>] name = …, registry = …
  // "vendor local → 127.0.0.1:5001/test, kit greet-kit → my-greet-kit", for the notice.
  std::string summary() const;
};

inline constexpr std::string_view k_override_file = "osbuild.override.toml";

Overrides parse_overrides(std::string_view text, const fs::path& path);
std::optional<Overrides> read_overrides(const fs::path& root);

}  // namespace osbuild::config
