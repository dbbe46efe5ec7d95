// The flags of settings, declared from config::setting_table(): one name and one help text per
// setting, wherever a command takes it.
#include <string>

#include "cli.h"

namespace osbuild::cli {

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
    app.add_option_function<std::string>(names, take, help)->configurable(false);
  }
}

}  // namespace osbuild::cli
