// osbuild release V: the pipeline's release (pipeline/release.cpp), then one summary: what each
// stage did, how long it took, where the outputs are.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>

#include "cli.h"
#include "osbuild/pipeline/pipeline.h"
#include "osbuild/util/json_event.h"

namespace osbuild::cli {

namespace {

namespace fs = std::filesystem;

void print_json(const Context& ctx, const pipeline::ReleaseResult& r) {
  Json stages = Json::array();
  for (const auto& s : r.stages) {
    stages.push_back({{"name", s.name},
                      {"result", s.failed ? "failed" : "ok"},
                      {"what", s.what},
                      {"seconds", std::round(s.seconds * 1000) / 1000}});
  }
  json_event("release", "summary",
             {{"variant", r.variant},
              {"result", r.failed() ? "failed" : "ok"},
              {"arch", ctx.settings.str("arch")},
              {"stages", stages},
              {"seconds", std::round(r.seconds * 1000) / 1000},
              {"image", r.outputs.image_dir.string()},
              {"disk", r.outputs.disk.string()},
              {"repository", r.outputs.repo.string()},
              {"metadata", r.outputs.metadata.string()}});
}

void print_summary(const Context& ctx, const pipeline::ReleaseResult& r) {
  if (ctx.json()) {
    print_json(ctx, r);
    return;
  }
  if (ctx.options.verbosity == Verbosity::quiet) return;
  std::printf("\nrelease %s for %s\n", r.variant.c_str(), ctx.settings.str("arch").c_str());
  for (const auto& s : r.stages) {
    std::printf("  %-6s %7.1fs  %s%s\n", s.name.c_str(), s.seconds, s.failed ? "failed: " : "",
                s.what.c_str());
  }
  std::printf("  %-6s %7.1fs\n", "total", r.seconds);
  const auto& out = r.outputs;
  if (out.image_dir.empty() && out.repo.empty()) return;
  std::printf("outputs\n");
  if (!out.disk.empty()) std::printf("  disk image  %s\n", ctx.shown(out.disk).c_str());
  if (!out.image_dir.empty()) std::printf("  images      %s/\n", ctx.shown(out.image_dir).c_str());
  if (!out.repo.empty()) {
    std::printf("  repository  %s/\n", ctx.shown(out.repo).c_str());
    std::printf("  metadata    %s/\n", ctx.shown(out.metadata).c_str());
  }
}

int run_release(CliState& state, pipeline::ReleaseOptions options) {
  Context ctx = open_context(state.options);
  if (ctx.json()) {
    options.on_stage = [](const std::string& name) {
      json_event("release", "stage_started", {{"name", name}});
    };
  } else if (ctx.options.verbosity != Verbosity::quiet) {
    options.on_stage = [](const std::string& name) {
      std::printf("==> %s\n", name.c_str());
      std::fflush(stdout);
    };
  }
  std::exception_ptr error;
  auto result = pipeline::release(ctx, options, error);
  print_summary(ctx, result);
  if (error) std::rethrow_exception(error);
  return 0;
}

}  // namespace

void setup_release(CLI::App& sub, CliState& state) {
  auto args = std::make_shared<pipeline::ReleaseOptions>();
  sub.add_option("variant", args->variant, "the variant to release (default: BUILDSYS_VARIANT)");
  add_setting_flags(sub, state,
                    {"arch", "jobs", "sandbox", "publish.repo", "publish.infra-config-path",
                     "publish.expiration-policy-path", "publish.wave-policy-path",
                     "release-start-time"});
  sub.add_option("-k,--key", args->keys,
                 "a PEM signing key, instead of Infra.toml's signing_keys; repeat for thresholds");
  sub.add_flag_callback(
      "--force", [args] { args->force = pipeline::Force::yes; },
      "build and make the image even when cached; replace the version when published");
  sub.callback(
      [&state, args] { state.action = [&state, args] { return run_release(state, *args); }; });
}

}  // namespace osbuild::cli
