#pragma once
// The build stage: every package of a variant (or one package and its build-time dependencies)
// compiled in dependency order, sandboxed, in parallel, cached by content (docs/build.md).
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "osbuild/build/scheduler.h"
#include "osbuild/process/process.h"
#include "osbuild/workspace/context.h"
#include "osbuild/util/arch.h"

namespace osbuild::build {

// package: `name` and its build-time closure; packages: those of `packages` and theirs (a kit).
enum class BuildTarget { package, packages, variant };
enum class Force { no, yes };
enum class Explain { no, yes };

struct BuildOptions {
  BuildTarget target = BuildTarget::variant;
  std::string name;                  // the variant or the package
  std::vector<std::string> packages;  // BuildTarget::packages
  Force force = Force::no;
  std::vector<std::string> force_packages;  // --force-package: rebuild these even when cached
  Explain explain = Explain::no;
  OnFailure on_failure = OnFailure::stop;
  bool timings = false;  // --timings: critical path and slowest packages at the end
  std::vector<std::string> extra_toolchains;  // --extra-toolchain: registered before all others
  // Called once, after the cache lookups and before anything is built, with the packages the run
  // may build (no result in the local store or the remote cache; a dependency's rebuild may
  // still turn one into a hit), to bring their sources into the store. The pipeline passes the
  // fetch stage; without it a missing source fails that package's build.
  std::function<void(const std::vector<std::string>& packages)> fetch_sources;
};

struct BuildSummary {
  std::size_t total = 0;
  std::size_t built = 0;
  std::size_t cached = 0;
  std::size_t failed = 0;
  std::size_t skipped = 0;
};

struct NoopCheck;

// Runs the stage over the project as the pipeline prepared it (kit packages loaded); throws an
// Error naming the packages that failed. With `noop` (from check_noop,
// made before the project was loaded), the stamp is removed when the build starts and written
// when it succeeds.
BuildSummary run_build(const Context& ctx, const BuildOptions& options,
                       const NoopCheck* noop = nullptr);
// The same with every command (toolchain probes, package builds) run through `runner`.
BuildSummary run_build(const Context& ctx, const BuildOptions& options, process::Runner& runner,
                       const NoopCheck* noop = nullptr);

}  // namespace osbuild::build
