#pragma once
// One table of settings (docs/configuration.md is generated from it): each key declared once with
// its flag, environment variables, osbuild.toml key and default. Precedence: flag > environment >
// file > built-in default. `osbuild config show` prints each value with its origin.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "osbuild/config/model.h"

namespace osbuild::config {

enum class Origin { flag, environment, file, builtin };
std::string_view origin_name(Origin origin);

// integer: a whole number of at least 1; count: of at least 0; choice: one of the row's
// `choices`.
enum class SettingType { string, boolean, integer, count, size, duration, arch, path, list, choice };

struct SettingDef {
  std::string_view key;
  SettingType type;
  std::string_view flag;                  // CLI11's names: "--arch", "-j,--jobs"; or empty
  std::vector<std::string_view> env;      // first match wins: Bottlerocket's name first
  std::string_view file_key;              // key in osbuild.toml, or empty
  std::string_view builtin;               // the built-in default as text; "" means unset
  std::string_view help;
  std::vector<std::string_view> choices = {};  // a choice's values, in the order the help lists
};

const std::vector<SettingDef>& setting_table();
// The row of `key`; throws naming the key when there is none (a mistake in the code, not the
// user's).
const SettingDef& setting(std::string_view key);
// The long name of a setting's flag ("--jobs" for "-j,--jobs"); empty when it has none.
std::string_view long_flag(const SettingDef& def);

// Every key of every file kind osbuild reads, declared once with an example value and what it
// means; docs/configuration.md is generated from this table and the one above.
struct FileKeyDef {
  std::string_view file;     // "osbuild.toml", "package.toml", …
  std::string_view table;    // "" for the top level, "[cache]", "[[external-files]]", "[repo.<name>]"
  std::string_view key;
  std::string_view example;  // the value as a user would write it
  std::string_view help;
};

const std::vector<FileKeyDef>& file_key_table();
// The file kinds in the order the reference lists them, each with one line on what it is.
const std::vector<std::pair<std::string_view, std::string_view>>& file_kinds();

struct SettingValue {
  std::string value;  // normalised text ("aarch64" for "arm64")
  Origin origin = Origin::builtin;
  std::string source;  // "--arch", "BUILDSYS_ARCH", "osbuild.toml:12:1", "built-in"
};

// Flag values given on the command line, by setting key ("arch" → "arm64").
using FlagValues = std::map<std::string, std::string, std::less<>>;
using Environment = std::map<std::string, std::string, std::less<>>;

Environment current_environment();

// Checks and normalises one value of `def` ("arm64" → "aarch64"); a value that does not parse
// throws a UsageError naming where it came from (value.source).
std::string normalise_setting(const SettingDef& def, const SettingValue& value);

// One setting resolved alone: for what is needed before the rest (the log level, in main).
SettingValue resolve_setting(const SettingDef& def, const ProjectFile* file, const FlagValues& flags,
                             const Environment& env);

class Settings {
public:
  // Resolves every key; a value that does not parse throws naming where it came from.
  static Settings resolve(const ProjectFile* file, const FlagValues& flags, const Environment& env);

  const SettingValue& get(std::string_view key) const;  // throws on an undeclared key
  const std::string& str(std::string_view key) const { return get(key).value; }
  bool boolean(std::string_view key) const;
  long integer(std::string_view key) const;
  std::uint64_t size(std::string_view key) const;
  Arch arch() const;
  const std::map<std::string, SettingValue, std::less<>>& all() const { return m_values; }

private:
  std::map<std::string, SettingValue, std::less<>> m_values;
};

}  // namespace osbuild::config
