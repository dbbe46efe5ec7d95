#pragma once
// What every command works in: the loaded project, the resolved settings and how to report.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "osbuild/config/kits.h"
#include "osbuild/config/model.h"
#include "osbuild/config/settings.h"
#include "osbuild/util/fs.h"

namespace osbuild {

enum class OutputMode { human, json };
enum class Verbosity { quiet, normal, verbose };

// The options every command accepts, as given on the command line.
struct GlobalOptions {
  std::string project_dir;   // -C/--project-path; empty: search upward from the current folder
  config::FlagValues flags;  // settings given as flags, by setting key
  OutputMode output = OutputMode::human;
  Verbosity verbosity = Verbosity::normal;
  std::string color = "auto";  // auto | always | never
};

struct Context {
  config::Project project;
  config::Settings settings;
  GlobalOptions options;
  bool prepared = false;  // pipeline::prepare ran: the fetched kits' packages are in the project

  const std::filesystem::path& root() const { return project.root; }
  std::filesystem::path build_dir() const { return project.root / "build"; }
  std::filesystem::path cache_dir() const { return settings.str("cache.dir"); }
  // zig's global cache: the `cache.zig` setting, else <cache.dir>/zig.
  std::filesystem::path zig_cache_dir() const {
    const auto& zig = settings.str("cache.zig");
    return zig.empty() ? cache_dir() / "zig" : std::filesystem::path(zig);
  }
  bool json() const { return options.output == OutputMode::json; }
  // A path as messages show it: relative to the project when inside it, else as it is.
  std::string shown(const std::filesystem::path& p) const {
    auto rel = p.lexically_relative(root());
    return rel.empty() || rel.string().starts_with("..") ? p.string() : rel.string();
  }
  // How a missing or stale osbuild.lock is met: refused with --locked, else warned about.
  config::LockCheck lock_check() const {
    return settings.boolean("locked") ? config::LockCheck::refuse : config::LockCheck::warn;
  }
};

// Finds and loads the project, then resolves settings against it.
Context open_context(const GlobalOptions& options);
// The project when the start folder is inside one, nullopt when no osbuild.toml is found upward.
// Commands that also work outside a project (`config show`, `cache`) use it; inside a project, one
// that does not load is still an error.
std::optional<Context> open_context_if_inside(const GlobalOptions& options);
// Settings alone, for commands that can run outside a project (`config show` prints what it can).
config::Settings resolve_settings(const GlobalOptions& options, const config::ProjectFile* file);

// The workspace lock (build/.osbuild/lock) every stage that writes under build/ holds: a second
// osbuild on the same project waits and says for whom.
FileLock lock_workspace(const std::filesystem::path& build_dir);

}  // namespace osbuild
