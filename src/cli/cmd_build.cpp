// osbuild build package P | variant V: compile packages into artifacts, cached by content.
#include <cstdio>
#include <memory>

#include "cli.h"
#include "osbuild/build/build.h"
#include "osbuild/build/noop.h"
#include "osbuild/pipeline/pipeline.h"

namespace osbuild::cli {

namespace {

void add_target(CLI::App& build, CliState& state,
                const std::shared_ptr<build::BuildOptions>& options, build::BuildTarget target,
                const char* name, const char* help) {
  auto* sub = build.add_subcommand(name, help);
  sub->add_option("name", options->name, std::string("the ") + name + " to build")->required();
  sub->callback([&state, options, target] {
    options->target = target;
    state.action = [&state, options] {
      auto noop = build::check_noop(state.options, *options);
      if (noop.hit) {  // nothing changed since the last build of this command line
        if (state.options.verbosity == Verbosity::verbose) {
          std::fprintf(stderr, "osbuild: nothing changed since the build that wrote %s\n",
                       noop.stamp.c_str());
        }
        if (state.options.verbosity != Verbosity::quiet) {
          for (const auto& note : noop.notes) std::printf("%s\n", note.c_str());
          std::printf("nothing to do: %zu packages up to date\n", noop.packages);
        }
        return 0;
      }
      Context ctx = open_context(state.options);
      pipeline::build(ctx, *options, &noop);
      return 0;
    };
  });
}

}  // namespace

void setup_build(CLI::App& sub, CliState& state) {
  auto options = std::make_shared<build::BuildOptions>();
  auto& flags = state.options.flags;
  add_setting_flags(sub, state, {"arch", "jobs", "cache.remote", "sandbox"});
  sub.add_flag_callback(
      "--no-remote-cache", [&flags] { flags["cache.remote"] = ""; },
      "do not use the remote cache this time, whatever cache.remote says");
  sub.add_flag_callback(
      "--explain", [options] { options->explain = build::Explain::yes; },
      "say why each package is built (which input changed)");
  sub.add_flag_callback(
      "--force", [options] { options->force = build::Force::yes; },
      "build even when the cache holds a result");
  sub.add_option_function<std::vector<std::string>>(
      "--force-package",
      [options](const std::vector<std::string>& names) {
        options->force_packages.insert(options->force_packages.end(), names.begin(), names.end());
      },
      "build this package even when the cache holds a result (repeatable)");
  sub.add_option_function<std::vector<std::string>>(
      "--extra-toolchain",
      [options](const std::vector<std::string>& names) {
        options->extra_toolchains.insert(options->extra_toolchains.end(), names.begin(),
                                         names.end());
      },
      "try this toolchain before all others (repeatable; see `osbuild toolchains`)");
  sub.add_flag_callback(
      "--timings", [options] { options->timings = true; },
      "print the critical path and the slowest packages at the end");
  sub.add_flag_callback(
      "--keep-going", [options] { options->on_failure = build::OnFailure::keep_going; },
      "after a failure, go on building what does not depend on it");
  add_target(sub, state, options, build::BuildTarget::package, "package",
             "build one package and its build-time dependencies");
  add_target(sub, state, options, build::BuildTarget::variant, "variant",
             "build every package a variant needs");
  setup_build_kit(sub, state);
  sub.require_subcommand(1);
}

}  // namespace osbuild::cli
