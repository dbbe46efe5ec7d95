#include "cli_model.h"

#include "cli.h"

#include "osbuild/util/text.h"

namespace osbuild::cli {

namespace {

// CLI11 writes a checked option's type as "TEXT:{auto,always,never}".
void split_type(const std::string& type, std::string& value, std::vector<std::string>& choices) {
  auto brace = type.find(":{");
  value = type.substr(0, brace);
  if (brace == std::string::npos || type.back() != '}') {
    return;
  }
  std::string list = type.substr(brace + 2, type.size() - brace - 3);
  for (auto& item : split(list, ',')) {
    choices.emplace_back(trim(item));
  }
}

OptionDoc describe_option(const CLI::Option& option) {
  OptionDoc doc;
  for (const auto& s : option.get_snames()) {
    doc.names.push_back("-" + s);
  }
  for (const auto& l : option.get_lnames()) {
    doc.names.push_back("--" + l);
  }
  if (option.get_expected_min() > 0 || option.get_expected_max() > 0) {
    split_type(option.get_type_name(), doc.value, doc.choices);
    if (doc.value.empty()) {
      doc.value = "VALUE";
    }
  }
  doc.help = option.get_description();
  return doc;
}

PositionalDoc describe_positional(const CLI::Option& option) {
  PositionalDoc doc;
  doc.name = option.get_name(true);
  doc.required = option.get_required();
  doc.repeated = option.get_expected_max() > 1;
  std::string value;
  split_type(option.get_type_name(), value, doc.choices);
  doc.help = option.get_description();
  return doc;
}

CommandDoc describe_at(const CLI::App& app, std::vector<std::string> path) {
  CommandDoc doc;
  doc.path = std::move(path);
  doc.help = app.get_description();
  doc.needs_subcommand = app.get_require_subcommand_min() > 0;
  for (const CLI::Option* option : app.get_options()) {
    if (option == app.get_help_ptr() || option == app.get_help_all_ptr()) {
      continue;
    }
    if (option->nonpositional()) {
      doc.options.push_back(describe_option(*option));
    } else {
      doc.positionals.push_back(describe_positional(*option));
    }
  }
  for (const CLI::App* sub : visible_subcommands(app)) {
    auto sub_path = doc.path;
    sub_path.push_back(sub->get_name());
    doc.subcommands.push_back(describe_at(*sub, std::move(sub_path)));
  }
  return doc;
}

}  // namespace

CommandDoc describe(const CLI::App& app) {
  return describe_at(app, {app.get_name()});
}

const CLI::App& root_app(const CLI::App& sub) {
  const CLI::App* app = &sub;
  while (app->get_parent() != nullptr) {
    app = app->get_parent();
  }
  return *app;
}

}  // namespace osbuild::cli
