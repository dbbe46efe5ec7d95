// osbuild fetch: the locked kits and the sources of the selected packages into the content store.
#include <memory>

#include "cli.h"
#include "osbuild/pipeline/pipeline.h"

namespace osbuild::cli {

void setup_fetch(CLI::App& sub, CliState& state) {
  auto options = std::make_shared<fetch::FetchOptions>();
  auto& flags = state.options.flags;
  sub.add_option("--variant", options->variant,
                 "fetch the sources of this variant's package closure (default: every package)");
  sub.add_option_function<std::string>(
      "--arch", [&flags](const std::string& v) { flags["arch"] = v; },
      "target architecture (x86_64, aarch64; aliases amd64, arm64)");
  sub.add_option_function<std::string>(
      "-j,--jobs", [&flags](const std::string& v) { flags["jobs"] = v; },
      "parallel downloads (default 8)");
  sub.add_flag_callback(
      "--upstream-source-fallback", [&flags] { flags["sources.upstream-fallback"] = "true"; },
      "download from upstream URLs when the lookaside caches miss");
  sub.add_flag_callback(
      "--offline", [&flags] { flags["offline"] = "true"; },
      "touch no network: fail listing every source that is missing");
  sub.add_flag_callback(
      "--verify", [options] { options->verify = fetch::VerifyMode::rehash; },
      "hash every source already in the store again");
  sub.callback([&state, options] {
    state.action = [&state, options] {
      Context ctx = open_context(state.options);
      pipeline::fetch(ctx, *options);
      return 0;
    };
  });
}

}  // namespace osbuild::cli
