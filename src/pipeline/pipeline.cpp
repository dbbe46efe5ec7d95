// The stages in order, and the one preparation they share.
#include "osbuild/pipeline/pipeline.h"

#include "osbuild/repo/image_root.h"

namespace osbuild::pipeline {

void prepare(Context& ctx) {
  if (ctx.prepared) return;
  kit::add_kit_packages(ctx.project, ctx.build_dir(), ctx.settings.arch(), ctx.lock_check());
  ctx.prepared = true;
}

FetchResult fetch(Context& ctx, const fetch::FetchOptions& options) {
  FetchResult result;
  result.kits = kit::fetch_kits(ctx);
  prepare(ctx);
  result.sources = fetch::run_fetch(ctx, options);
  return result;
}

namespace {

// A build brings in what it needs and the store lacks, through the fetch stages: the locked kits
// before the project is prepared, then, once the build knows which packages it will build, their
// sources (quiet when all are present). `fetch_variant` names the `osbuild fetch` of hints.
build::BuildOptions fetching(Context& ctx, build::BuildOptions options,
                             const std::string& fetch_variant) {
  if (!ctx.prepared && !kit::kits_fetched(ctx)) kit::fetch_kits(ctx);
  prepare(ctx);
  options.fetch_sources = [&ctx, fetch_variant](const std::vector<std::string>& packages) {
    fetch::FetchOptions request;
    request.variant = fetch_variant;
    request.packages = packages;
    request.report = fetch::Report::quiet_when_present;
    fetch::run_fetch(ctx, request);
  };
  return options;
}

}  // namespace

build::BuildSummary build(Context& ctx, const build::BuildOptions& options,
                          const build::NoopCheck* noop) {
  std::string variant = options.target == build::BuildTarget::variant ? options.name : "";
  return build::run_build(ctx, fetching(ctx, options, variant), noop);
}

image::ImageSummary image(Context& ctx, image::ImageOptions options) {
  options.repo = [&ctx] {
    repo::PublishTrust trust = repo::publish_trust(ctx);
    return image::RepoTrust{trust.repo, trust.root_json, trust.metadata_base_url.value_or(""),
                            trust.targets_url.value_or("")};
  };
  return image::run_image(ctx, options);
}

kit::BuiltKit build_kit(Context& ctx, const std::string& name) {
  build::BuildOptions options = fetching(ctx, {}, "");
  options.target = build::BuildTarget::packages;
  options.packages = kit::kit_packages(ctx.project, ctx.project.kit(name));
  build::run_build(ctx, options);
  return kit::assemble_kit(ctx, name, options.packages);
}

kit::PublishSummary publish_kit(Context& ctx, const kit::PublishOptions& options,
                                const kit::PublishObserver& observer) {
  kit::PublishTarget target = kit::publish_target(ctx, options);
  kit::BuiltKit built = build_kit(ctx, target.kit);
  return kit::run_publish(ctx, target, built, observer);
}

}  // namespace osbuild::pipeline
