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

build::BuildSummary build(Context& ctx, const build::BuildOptions& options,
                          const build::NoopCheck* noop) {
  prepare(ctx);
  return build::run_build(ctx, options, noop);
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
  prepare(ctx);
  build::BuildOptions options;
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
