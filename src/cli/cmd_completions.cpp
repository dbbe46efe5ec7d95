// osbuild completions bash|zsh|fish: completion scripts rendered by src/manual/ from the command
// definitions.
#include <memory>

#include "cli.h"
#include "cli_model.h"

namespace osbuild::cli {

void setup_completions(CLI::App& sub, CliState& state) {
  auto shell = std::make_shared<std::string>();
  sub.add_option("shell", *shell, "the shell to write the completion script for")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  sub.callback([&state, &sub, shell] {
    state.action = [&state, &sub, shell] {
      CommandDoc root = describe(root_app(sub));
      write_document(state.options, "completions", {{"shell", *shell}}, [&root, shell] {
        if (*shell == "bash") manual::print_bash(root);
        if (*shell == "zsh") manual::print_zsh(root);
        if (*shell == "fish") manual::print_fish(root);
      });
      return 0;
    };
  });
}

}  // namespace osbuild::cli
