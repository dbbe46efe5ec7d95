// osbuild docs man|commands|configuration: the man page (docs/osbuild.1), docs/commands.md and
// docs/configuration.md, rendered by src/manual/ from the command definitions and the settings
// tables (scripts/gen-docs.sh writes them; a test compares).
#include "cli.h"
#include "cli_model.h"

namespace osbuild::cli {

void setup_docs(CLI::App& sub, CliState& state) {
  sub.require_subcommand(1);
  auto add = [&sub, &state](const char* name, const char* help, void (*print)(const CLI::App&)) {
    sub.add_subcommand(name, help)->callback([&sub, &state, print] {
      state.action = [&sub, print] {
        print(root_app(sub));
        return 0;
      };
    });
  };
  add("man", "the man page, roff (docs/osbuild.1): osbuild docs man | man -l -",
      [](const CLI::App& app) { manual::print_man(describe(app)); });
  add("commands", "every command and option, markdown (docs/commands.md)",
      [](const CLI::App& app) { manual::print_commands(describe(app)); });
  add("configuration", "every setting and file key, markdown (docs/configuration.md)",
      [](const CLI::App&) { manual::print_configuration(); });
}

}  // namespace osbuild::cli
