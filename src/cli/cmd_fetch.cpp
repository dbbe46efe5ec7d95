// osbuild fetch: the locked kits and the sources of the selected packages into the content store.
#include <memory>

#include "cli.h"
#include "osbuild/pipeline/pipeline.h"

namespace osbuild::cli {

void setup_fetch(CLI::App& sub, CliState& state) {
  auto options = std::make_shared<fetch::FetchOptions>();
  sub.add_option("--variant", options->variant,
                 "fetch the sources of this variant's package closure (default: every package)");
  add_setting_flags(sub, state, {"arch", "jobs", "sources.upstream-fallback", "offline"});
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
