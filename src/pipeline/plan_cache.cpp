// `osbuild plan`: the plan with the keys the build stage uses, each action marked cached or not
// by looking it up in the local store. Nothing is fetched or built; the toolchains are resolved
// (a compiler's version is part of every build key), as `osbuild build` resolves them.
#include <map>

#include "osbuild/build/cache_key.h"
#include "osbuild/pipeline/pipeline.h"
#include "osbuild/store/sources.h"
#include "osbuild/store/store.h"
#include "osbuild/toolchain/toolchain.h"

namespace osbuild::pipeline {

namespace {

namespace fs = std::filesystem;

// A source is cached when the source index names a blob the store holds.
bool source_cached(store::Store& store, const Json& inputs) {
  std::string key = inputs.contains("sha512")
                        ? store::external_file_key(inputs["sha512"].get<std::string>())
                        : store::git_source_key(inputs["git"].get<std::string>(),
                                                inputs["rev"].get<std::string>());
  auto digest = store::indexed_digest(store, key);
  return digest && store.has_blob(*digest);
}

// Fetches and builds are looked up; an image whose packages are not all cached is not either.
// Other images and the repository are left unmarked: their keys need the image tools' versions
// and the built packages' records.
void mark_cached(const Context& ctx, graph::Plan& plan, bool builds_keyed) {
  store::Store store(ctx.cache_dir());
  std::map<std::string, std::string> artifacts;
  bool all_builds_cached = true;
  for (auto& action : plan.actions) {
    switch (action.kind) {
      case graph::ActionKind::fetch: action.cached = source_cached(store, action.inputs); break;
      case graph::ActionKind::build:
        if (!builds_keyed) break;
        // Keyed as the stage keys it: a package whose dependency must build is not cached yet.
        if (auto artifact = build::cached_artifact(ctx.project, store, action, artifacts,
                                                   build::source_date_epoch())) {
          artifacts[action.name] = *artifact;
          action.cached = true;
        } else {
          action.cached = false;
          all_builds_cached = false;
        }
        break;
      case graph::ActionKind::image:
        if (builds_keyed && !all_builds_cached) action.cached = false;
        break;
      case graph::ActionKind::repo: break;
    }
  }
}

}  // namespace

graph::Plan plan(Context& ctx, const std::string& variant) {
  prepare(ctx);
  auto graph = graph::PackageGraph::build(ctx.project);
  Arch arch = ctx.settings.arch();
  graph::PlanRequest req{variant, arch, Json::object(), {}, ctx.settings.str("sandbox")};
  toolchain::BuildToolchains toolchains(
      ctx.project,
      {arch, {}, ctx.build_dir() / ".osbuild" / "tools" / arch_name(arch), ctx.zig_cache_dir(),
       fs::read_symlink("/proc/self/exe")});
  std::string platform = toolchain::target_platform_name(arch);
  auto toolchain_of = [&ctx, &toolchains, platform](const config::Package& pkg) {
    bool compatible = toolchain::package_compatibility(ctx.project, platform, pkg).compatible;
    return (compatible ? toolchains.for_package(pkg) : toolchains.base()).toolchain.identity();
  };
  graph::Plan plan;
  try {
    req.toolchain = toolchains.base().toolchain.identity();
    req.toolchain_of = toolchain_of;
    plan = graph::make_plan(ctx.project, graph, req);
  } catch (const Error& e) {
    // No toolchain resolves: the plan is still shown, with keys that are not the build's.
    req.toolchain = Json::object();
    req.toolchain_of = nullptr;
    plan = graph::make_plan(ctx.project, graph, req);  // throws again when the plan itself fails
    plan.cache_note = std::string("builds not looked up: ") + e.what();
  }
  mark_cached(ctx, plan, plan.cache_note.empty());
  if (plan.cache_note.empty()) {
    plan.cache_note = "not looked up: an image's key needs the image tools' versions; a "
                      "repository is published on every run";
  }
  return plan;
}

}  // namespace osbuild::pipeline
