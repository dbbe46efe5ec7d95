#pragma once
// The build stage: every package of a variant (or one package and its build-time dependencies)
// compiled in dependency order, sandboxed, in parallel, cached by content (docs/build.md).
#include <cstddef>
#include <string>

#include "osbuild/build/scheduler.h"
#include "osbuild/pipeline/context.h"

namespace osbuild::build {

enum class BuildTarget { package, variant };
enum class Force { no, yes };
enum class Explain { no, yes };

struct BuildOptions {
  BuildTarget target = BuildTarget::variant;
  std::string name;
  Force force = Force::no;
  Explain explain = Explain::no;
  OnFailure on_failure = OnFailure::stop;
};

struct BuildSummary {
  std::size_t total = 0;
  std::size_t built = 0;
  std::size_t cached = 0;
  std::size_t failed = 0;
  std::size_t skipped = 0;
};

// Runs the stage; throws an Error naming the packages that failed.
BuildSummary run_build(Context& ctx, const BuildOptions& options);

}  // namespace osbuild::build
