#pragma once
// The fetch stage: every external file and git source the selected packages need, brought into the
// content store and verified (docs/fetch.md). A build runs it for what the packages it builds lack.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/config/model.h"
#include "osbuild/workspace/context.h"
#include "osbuild/store/sources.h"
#include "osbuild/store/store.h"

namespace osbuild::fetch {

namespace fs = std::filesystem;

using store::VerifyMode;  // rehash: `--verify`, hash every present source again

// quiet_when_present: nothing is reported when every source is already in the store (a build's
// own fetch says nothing then).
enum class Report { always, quiet_when_present };

struct FetchOptions {
  std::string variant;  // empty: every package of the project
  // Not empty: the sources of exactly these packages (not of their dependencies), as a build asks
  // for what it will build; `variant` then only names the `osbuild fetch` command in hints.
  std::vector<std::string> packages;
  VerifyMode verify = VerifyMode::stat;
  Report report = Report::always;
};

struct FetchSummary {
  std::size_t present = 0;   // already in the store
  std::size_t fetched = 0;   // brought in by this run
  std::uint64_t bytes = 0;   // bytes transferred by this run
  std::size_t rehashed = 0;  // present sources whose content was hashed again
};

// Runs the stage; throws an Error listing every source that could not be fetched (with --offline,
// every source not in the store). Under a process::InterruptGuard, an interrupt stops the
// downloads (partial files are kept) and the Error says so with ExitCode::interrupted.
FetchSummary run_fetch(const Context& ctx, const FetchOptions& options);

// The packages whose sources a variant needs: its included packages with their transitive
// `depends` and `requires`, sorted by name; every package when `variant` is empty.
std::vector<const config::Package*> select_packages(const config::Project& project,
                                                    const std::string& variant);

}  // namespace osbuild::fetch
