// osbuild build kit K: the kit's packages built into build/kits/<kit>/<arch>/ with an index.
#include <fmt/format.h>

#include <memory>

#include "cli.h"
#include "osbuild/pipeline/pipeline.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/text.h"

namespace osbuild::cli {

void setup_build_kit(CLI::App& build, CliState& state) {
  auto name = std::make_shared<std::string>();
  auto* sub = build.add_subcommand(
      "kit", "build a kit's packages and the closure of their requires into build/kits/");
  sub->add_option("name", *name, "the kit to build (kits/<name>/kit.toml)")->required();
  sub->callback([&state, name] {
    state.action = [&state, name] {
      Context ctx = open_context(state.options);
      kit::BuiltKit built = pipeline::build_kit(ctx, *name);
      if (ctx.json()) {
        Json packages = Json::array();
        for (const auto& p : built.packages) {
          packages.push_back({{"name", p.name},
                              {"version", p.version},
                              {"digest", "sha256:" + p.artifact},
                              {"requires", p.requires_}});
        }
        json_event("build", "kit",
                   {{"kit", built.name},
                    {"arch", std::string(arch_name(built.arch))},
                    {"dir", built.dir.string()},
                    {"packages", packages}});
        return 0;
      }
      std::vector<std::string> names;
      for (const auto& p : built.packages) names.push_back(p.name);
      fmt::print("kit {} for {}: {} package(s) ({}) in {}\n", built.name, arch_name(built.arch),
                 built.packages.size(), join(names, ", "), built.dir.string());
      return 0;
    };
  });
}

}  // namespace osbuild::cli
