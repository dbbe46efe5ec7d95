// When the parser refuses a command line, the word it could not place and the nearest name it
// would have taken there: `osbuild build varient`, `osbuild build variant dev --explian`.
#include "cli.h"
#include "cli_model.h"
#include "osbuild/util/text.h"

namespace osbuild::cli {

namespace {

// "build variant": the words that name `app` below the root; empty for the root.
std::string words_of(const CLI::App& app) {
  std::string words;
  for (const CLI::App* a = &app; a->get_parent() != nullptr; a = a->get_parent()) {
    words = words.empty() ? a->get_name() : a->get_name() + " " + words;
  }
  return words;
}

// "osbuild build variant".
std::string path_of(const CLI::App& app) {
  std::string words = words_of(app);
  return root_app(app).get_name() + (words.empty() ? "" : " " + words);
}

const CLI::App* find_subcommand(const CLI::App& app, const std::string& name) {
  auto found = app.get_subcommands([&name](const CLI::App* sub) { return sub->get_name() == name; });
  return found.empty() ? nullptr : found.front();
}

bool has_positionals(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (!option->nonpositional()) return true;
  }
  return false;
}

// An option of `app` or of a command above it: they all reach the parser (fallthrough).
const CLI::Option* find_option(const CLI::App& app, const std::string& name) {
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    if (const CLI::Option* option = a->get_option_no_throw(name)) return option;
  }
  return nullptr;
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* option : a->get_options()) {
      for (const auto& l : option->get_lnames()) names.push_back("--" + l);
      for (const auto& s : option->get_snames()) names.push_back("-" + s);
    }
  }
  return names;
}

UnknownWord unknown_option(const CLI::App& app, const std::string& name) {
  auto match = nearest_match(name, option_names(app));
  std::string hint = match ? "did you mean " + *match + "?"
                           : "run `" + path_of(app) + " --help` for its options";
  return {UsageError("unknown option " + name + " for " + path_of(app), hint), &app, false};
}

UnknownWord unknown_command(const CLI::App& app, const std::string& word) {
  std::vector<std::string> names;
  for (const CLI::App* sub : visible_subcommands(app)) names.push_back(sub->get_name());
  std::string where = app.get_parent() == nullptr ? "" : " for " + path_of(app);
  std::string help = "osbuild help " + (where.empty() ? "" : words_of(app) + " ") + "<command>";
  return {UsageError("unknown command '" + word + "'" + where + did_you_mean(word, names),
                     "`" + help + "` prints a command's help"),
          &app, true};
}

// How many words an option word ("--jobs", "--jobs=4", "-j4", "-vq") takes after it, or nullopt
// when the option is unknown. A repeatable value takes every word up to the next option or
// subcommand, as the parser does (`-k a.pem b.pem`).
std::optional<int> values_after(const CLI::App& app, int argc, char** argv, int i) {
  std::string word = argv[i];
  std::string name = word.substr(0, word.find('='));
  const CLI::Option* option = find_option(app, name);
  bool attached = name.size() < word.size();
  if (option == nullptr && word.size() > 2 && word[1] != '-') {
    option = find_option(app, word.substr(0, 2));
    attached = true;
  }
  if (option == nullptr) return std::nullopt;
  if (attached || option->get_expected_min() == 0) return 0;
  int taken = 1;
  if (option->get_items_expected_max() > 1) {
    while (i + taken + 1 < argc && argv[i + taken + 1][0] != '-' &&
           find_subcommand(app, argv[i + taken + 1]) == nullptr) {
      ++taken;
    }
  }
  return taken;
}

}  // namespace

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  std::vector<const CLI::App*> subs;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_group().empty()) subs.push_back(sub);
  }
  return subs;
}

std::optional<UnknownWord> unknown_word(const CLI::App& root, int argc, char** argv) {
  const CLI::App* app = &root;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") break;  // the rest are positionals
    if (word.size() > 1 && word[0] == '-') {
      auto taken = values_after(*app, argc, argv, i);
      if (!taken) return unknown_option(*app, word.substr(0, word.find('=')));
      i += *taken;
      continue;
    }
    if (const CLI::App* sub = find_subcommand(*app, word)) {
      app = sub;
    } else if (!visible_subcommands(*app).empty() && !has_positionals(*app)) {
      return unknown_command(*app, word);
    }
  }
  return std::nullopt;
}

}  // namespace osbuild::cli
