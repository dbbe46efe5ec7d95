// The flags of settings, declared from config::setting_table(): one name and one help text per
// setting, wherever a command takes it.
#include <string>

#include "cli.h"
#include "osbuild/util/arch.h"
#include "osbuild/util/text.h"

namespace osbuild::cli {

namespace {

// The values a setting takes, when it is one of a few: its choices, or the architectures by
// their own names (the aliases amd64 and arm64 are accepted, not offered).
std::vector<std::string> choices_of(const config::SettingDef& def) {
  std::vector<std::string> choices(def.choices.begin(), def.choices.end());
  if (def.type == config::SettingType::arch) {
    for (Arch arch : k_all_arches) choices.emplace_back(arch_name(arch));
  }
  return choices;
}

}  // namespace

void add_setting_flags(CLI::App& app, CliState& state,
                       std::initializer_list<std::string_view> keys) {
  auto& flags = state.options.flags;
  for (auto key : keys) {
    const config::SettingDef& def = config::setting(key);
    if (def.flag.empty()) {
      throw Error("internal: setting '" + std::string(key) + "' has no flag");
    }
    std::string names(def.flag);
    std::string help(def.help);
    if (def.type == config::SettingType::boolean) {
      app.add_flag_callback(names, [&flags, &def] { flags[std::string(def.key)] = "true"; }, help)
          ->configurable(false);
      continue;
    }
    // Checked as it is parsed: a bad value is a usage error even for a command that never
    // resolves settings.
    auto take = [&flags, &def](const std::string& value) {
      if (!value.empty()) {
        config::normalise_setting(
            def, {value, config::Origin::flag, std::string(config::long_flag(def))});
      }
      flags[std::string(def.key)] = value;
    };
    auto* option = app.add_option_function<std::string>(names, take, help)->configurable(false);
    if (auto choices = choices_of(def); !choices.empty()) {
      // Written the way CLI11 writes a checked option's type, so the help, the docs and the
      // shell completions list the values (cli_model.cpp).
      option->type_name("TEXT:{" + join(choices, ",") + "}");
    }
  }
}

}  // namespace osbuild::cli
