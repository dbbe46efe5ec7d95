#include <cstdio>
#include <filesystem>

#include "cli.h"
#include "osbuild/config/load.h"
#include "osbuild/util/json_event.h"

namespace osbuild::cli {

namespace {

int show(const CliState& state) {
  // Outside a project it prints what flags, environment and built-in defaults give.
  auto ctx = open_context_if_inside(state.options);
  auto settings = ctx ? ctx->settings : resolve_settings(state.options, nullptr);
  if (state.options.output == OutputMode::json) {
    Json out = Json::array();
    for (const auto& [key, value] : settings.all()) {
      out.push_back({{"key", key},
                     {"value", value.value},
                     {"origin", config::origin_name(value.origin)},
                     {"source", value.source}});
    }
    json_event("config", "config",
               {{"project", ctx ? ctx->root().string() : ""}, {"settings", out}});
    return 0;
  }
  std::printf("# project: %s\n", ctx ? ctx->root().c_str() : "(none: not inside a project)");
  for (const auto& [key, value] : settings.all()) {
    std::string origin = std::string(config::origin_name(value.origin));
    if (value.origin != config::Origin::builtin) {
      origin += " " + value.source;
    }
    std::printf("%-32s = %-28s (%s)\n", key.c_str(),
                value.value.empty() ? "\"\"" : value.value.c_str(), origin.c_str());
  }
  return 0;
}

}  // namespace

void setup_config(CLI::App& sub, CliState& state) {
  sub.require_subcommand(1);
  auto* show_cmd = sub.add_subcommand("show", "print every setting, its value and its origin");
  show_cmd->callback([&state] { state.action = [&state] { return show(state); }; });
}

}  // namespace osbuild::cli
