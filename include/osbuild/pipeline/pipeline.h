#pragma once
// The pipeline: the one place that knows the order of the stages and what runs between them.
// Commands call it; stages never call each other (docs/ARCHITECTURE.md).
//
//   prepare ─ the project completed for a run: the fetched kits' packages added, once
//   fetch   ─ locked kits, then the sources of the selected packages, into the store
//   build   ─ packages compiled, cached by content (a kit: one build over its packages); what
//             they need and the store lacks (locked kits, sources) fetched first
//   image   ─ the variant's disk image and update images
//   repo    ─ the image published to a signed TUF repository
//   release ─ fetch, build, image and repo in one run, with a record of each stage
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "osbuild/build/build.h"
#include "osbuild/build/noop.h"
#include "osbuild/fetch/fetch.h"
#include "osbuild/graph/plan.h"
#include "osbuild/image/image.h"
#include "osbuild/kit/kit.h"
#include "osbuild/kit/publish.h"
#include "osbuild/repo/repo.h"
#include "osbuild/workspace/context.h"

namespace osbuild::pipeline {

// Adds the packages of the kits `fetch` brought in for the context's arch to the project, so
// that the graph, the plan and every stage see them like local ones. Idempotent.
void prepare(Context& ctx);

struct FetchResult {
  kit::FetchSummary kits;
  fetch::FetchSummary sources;
};
// The locked kits first (the variant may name their packages), then the sources.
FetchResult fetch(Context& ctx, const fetch::FetchOptions& options);

// The plan of one variant for the context's arch, keyed as the build keys it (the toolchains
// resolved), each action marked cached or not from the local store alone (plan_cache.cpp).
graph::Plan plan(Context& ctx, const std::string& variant);

// The build, fetching what it needs and the store lacks: the locked kits when one is not
// fetched, then the sources of the packages it will build (not those a cached result answers
// for), each once, through the fetch stage (its reporter, sha512 checks, errors and --offline).
build::BuildSummary build(Context& ctx, const build::BuildOptions& options,
                          const build::NoopCheck* noop = nullptr);

// The image of a variant. The repository it will be published to is resolved first, as `osbuild
// repo` resolves it (making the development key and root when the project has none), so that the
// image carries that repository's trusted root for the update agent (docs/image.md).
image::ImageSummary image(Context& ctx, image::ImageOptions options);

// A kit's packages built in one build (one schedule, one summary), then gathered into
// build/kits/<kit>/<arch>/.
kit::BuiltKit build_kit(Context& ctx, const std::string& name);

// The registry asked first (one that is down fails before any build), then the kit built and
// pushed.
kit::PublishSummary publish_kit(Context& ctx, const kit::PublishOptions& options,
                                const kit::PublishObserver& observer = {});

// ---- release --------------------------------------------------------------------------------
enum class Force { no, yes };

struct ReleaseOptions {
  std::string variant;            // empty: the `variant` setting (BUILDSYS_VARIANT)
  Force force = Force::no;        // build, image and publish even when cached or published
  std::vector<std::string> keys;  // PEM signing keys instead of Infra.toml's
  // Called as each stage starts, for a progress line.
  std::function<void(const std::string& stage)> on_stage;
};

struct StageRecord {
  std::string name;
  std::string what;  // one line: what the stage did, or its error
  double seconds = 0;
  bool failed = false;
};

struct ReleaseOutputs {
  std::filesystem::path image_dir;
  std::filesystem::path disk;
  std::filesystem::path repo;
  std::filesystem::path metadata;
};

struct ReleaseResult {
  std::string variant;
  std::vector<StageRecord> stages;
  ReleaseOutputs outputs;
  double seconds = 0;
  bool failed() const { return !stages.empty() && stages.back().failed; }
};

// Every stage in order, each as its own command would run it. A failing stage ends the run:
// the result records it, and `error` holds the error to report (the caller prints the result
// first, then rethrows).
ReleaseResult release(Context& ctx, const ReleaseOptions& options, std::exception_ptr& error);

}  // namespace osbuild::pipeline
