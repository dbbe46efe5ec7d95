// `osbuild help [command...]`: the help of a command, as `osbuild <command...> --help` prints it.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli.h"
#include "cli_model.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/text.h"

namespace osbuild::cli {

namespace {

// The options of the commands between the root and `app`, which `app` accepts too (`--explain`
// of `build` after `build variant dev`); the root's are in `osbuild help`.
std::string inherited_options(const CLI::App& app, std::string path) {
  std::string text;
  for (const CLI::App* a = app.get_parent(); a != nullptr && a->get_parent() != nullptr;
       a = a->get_parent()) {
    path = path.substr(0, path.rfind(' '));
    std::string lines;
    for (const CLI::Option* option : a->get_options()) {
      if (!option->nonpositional() || option == a->get_help_ptr()) continue;
      lines += fmt::format("  {:<27} {}\n", option->get_name(false, true),
                           option->get_description());
    }
    if (!lines.empty()) text += "\nOptions of " + path + ", accepted here too:\n" + lines;
  }
  return text;
}

// The command `words` name under the root; a word it does not have is a usage error with the
// nearest name.
std::string help_of(const CLI::App& root, const std::vector<std::string>& words) {
  const CLI::App* app = &root;
  std::string path = root.get_name();
  for (const auto& word : words) {
    std::vector<std::string> names;
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : visible_subcommands(*app)) {
      names.push_back(sub->get_name());
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) {
      throw UsageError("no command '" + word + "' in " + path + did_you_mean(word, names),
                       names.empty() ? path + " has no subcommands"
                                     : "the commands of " + path + " are " + join(names, ", "));
    }
    app = next;
    path += " " + word;
  }
  // Not app->help(): that delegates to the subcommand parsed, which is `help` itself.
  return app->get_formatter()->make_help(app, path, CLI::AppFormatMode::Normal) +
         inherited_options(*app, path);
}

}  // namespace

void setup_help(CLI::App& sub, CliState& state) {
  auto words = std::make_shared<std::vector<std::string>>();
  sub.add_option("command", *words, "the command, e.g. `build variant`; none for every command");
  sub.callback([&state, &sub, words] {
    state.action = [&state, &sub, words] {
      std::string text = help_of(root_app(sub), *words);
      if (state.options.output == OutputMode::json) {
        json_event("help", "help", {{"command", join(*words, " ")}, {"text", text}});
      } else {
        std::fputs(text.c_str(), stdout);
      }
      return 0;
    };
  });
}

}  // namespace osbuild::cli
