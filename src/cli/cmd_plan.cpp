#include <cstdio>

#include "cli.h"
#include "osbuild/pipeline/pipeline.h"
#include "osbuild/util/json_event.h"

namespace osbuild::cli {

void setup_plan(CLI::App& sub, CliState& state) {
  auto variant = std::make_shared<std::string>();
  sub.add_option("variant", *variant, "the variant (default: BUILDSYS_VARIANT)");
  sub.callback([&state, variant] {
    state.action = [&state, variant] {
      auto ctx = open_context(state.options);
      std::string name = variant->empty() ? ctx.settings.str("variant") : *variant;
      if (name.empty()) {
        throw UsageError("plan needs a variant", "run `osbuild plan <variant>`, e.g. `osbuild plan " +
                                                     (ctx.project.variants.empty()
                                                          ? std::string("dev")
                                                          : ctx.project.variants.begin()->first) +
                                                     "`");
      }
      auto plan = pipeline::plan(ctx, name);
      if (ctx.json()) {
        json_event("plan", "plan", graph::plan_to_json(plan));
      } else {
        std::fputs(graph::format_plan(plan).c_str(), stdout);
      }
      return 0;
    };
  });
}

}  // namespace osbuild::cli
