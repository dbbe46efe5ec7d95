// The file key table (settings.h) is what docs/configuration.md is generated from: every key it
// documents must be one the loaders accept, and every table it documents must refuse keys it
// does not list, so the reference cannot promise a key the loader rejects.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "osbuild/config/kits.h"
#include "osbuild/config/load.h"
#include "osbuild/config/settings.h"
#include "osbuild/util/error.h"

using namespace osbuild;
using namespace osbuild::config;

namespace {

using Parse = std::function<void(const std::string&)>;

struct Kind {
  Parse parse;
  // The smallest valid file: its tables in order ("" = top level) with their lines.
  std::vector<std::pair<std::string, std::vector<std::string>>> skeleton;
};

template <typename Fn>
Parse parser(Fn fn, const char* name) {
  return [fn, name](const std::string& text) { (void)fn(text, fs::path("/nonexistent/p") / name); };
}

const std::map<std::string, Kind, std::less<>>& kinds() {
  static const std::map<std::string, Kind, std::less<>> map = {
      {"osbuild.toml",
       {parser(parse_project_file, "osbuild.toml"),
        {{"", {"schema-version = 1", "name = \"t\"", "release-version = \"1.0.0\""}}}}},
      {"package.toml",
       {parser(parse_package, "package.toml"),
        {{"[package]", {"name = \"p\"", "version = \"1.0.0\""}}}}},
      {"kit.toml",
       {parser(parse_kit, "kit.toml"),
        {{"[kit]", {"name = \"k\"", "vendor = \"local\"", "included-packages = []"}}}}},
      {"variant.toml",
       {parser(parse_variant, "variant.toml"), {{"[variant]", {"included-packages = []"}}}}},
      {"Release.toml", {parser(parse_release, "Release.toml"), {{"", {"version = \"1.0.0\""}}}}},
      {"Infra.toml", {parser(parse_infra, "Infra.toml"), {}}},
      {"repo-expirations.toml",
       {parser(parse_expiration_policy, "repo-expirations.toml"),
        {{"",
          {"snapshot_expiration = '2 weeks'", "targets_expiration = '2 weeks'",
           "timestamp_expiration = '1 week'"}}}}},
      {"waves.toml", {parser(parse_wave_policy, "waves.toml"), {}}},
      {"osbuild.lock", {parser(parse_lock, "osbuild.lock"), {{"", {"schema-version = 1"}}}}},
      {"osbuild.override.toml", {parser(parse_overrides, "osbuild.override.toml"), {}}},
  };
  return map;
}

std::string concrete(std::string_view text) {  // "[repo.<name>]" → "[repo.default]"
  std::string s(text);
  for (auto at = s.find("<name>"); at != std::string::npos; at = s.find("<name>")) {
    s.replace(at, 6, "default");
  }
  if (s == "\"(<from>, <to>)\"") s = "\"(0.9.0, 1.0.0)\"";
  return s;
}

// The skeleton with `line` set in `table` (replacing a line of the same key).
std::string document(const Kind& kind, const std::string& table, const std::string& key,
                     const std::string& line) {
  auto skeleton = kind.skeleton;
  bool placed = false;
  for (auto& [name, lines] : skeleton) {
    if (name != table) continue;
    std::erase_if(lines, [&](const std::string& l) { return l.starts_with(key + " ="); });
    lines.push_back(line);
    placed = true;
  }
  if (!placed) skeleton.push_back({table, {line}});
  std::string text;
  for (const auto& [name, lines] : skeleton) {
    if (!name.empty()) text += name + "\n";
    for (const auto& l : lines) text += l + "\n";
  }
  return text;
}

// The loader's message for the document, or "" when it loads.
std::string load_error(const Kind& kind, const std::string& text, std::string* hint = nullptr) {
  try {
    kind.parse(text);
  } catch (const Error& e) {
    if (hint != nullptr) *hint = e.hint();
    return e.what();
  }
  return "";
}

// "[[build.step]]" → "build.step"
std::string table_path(std::string_view table) {
  std::string s(table);
  while (!s.empty() && s.front() == '[') s.erase(0, 1);
  while (!s.empty() && s.back() == ']') s.pop_back();
  return s;
}

// What the reference says `table` of `file` holds: its documented keys and the names of the
// tables documented below it ("step" under [build], "image" under [variant]).
std::set<std::string> documented_names(std::string_view file, std::string_view table) {
  std::set<std::string> names;
  std::string parent = table_path(table);
  for (const auto& def : file_key_table()) {
    if (def.file != file) continue;
    if (def.table == table) names.insert(std::string(def.key));
    std::string path = table_path(def.table);
    std::string prefix = parent.empty() ? "" : parent + ".";
    if (path.size() > prefix.size() && path.starts_with(prefix)) {
      std::string child = path.substr(prefix.size());
      child = child.substr(0, child.find('.'));
      if (child != "<name>") names.insert(child);
    }
  }
  return names;
}

// The loader's own list, from its hint: "remove it; the keys of [package] are: name, version".
std::set<std::string> loader_names(const std::string& hint) {
  std::set<std::string> names;
  auto at = hint.find(" are: ");
  if (at == std::string::npos) return names;
  std::string list = hint.substr(at + 6);
  for (std::size_t start = 0; start <= list.size();) {
    auto comma = list.find(", ", start);
    names.insert(
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return names;
}

bool is_unknown_key_error(const std::string& message) {
  return message.find("unknown key") != std::string::npos ||
         message.find("unknown table") != std::string::npos;
}

}  // namespace

TEST(FileKeyTable, EveryFileKindIsListedAndTested) {
  std::set<std::string_view> listed;
  for (const auto& [file, what] : file_kinds()) {
    listed.insert(file);
    EXPECT_FALSE(what.empty()) << file;
    EXPECT_TRUE(kinds().count(file)) << file << " has no loader in this test";
  }
  for (const auto& def : file_key_table()) {
    EXPECT_TRUE(listed.count(def.file)) << def.file << " is not in file_kinds()";
    EXPECT_FALSE(def.help.empty()) << def.file << " " << def.key;
    EXPECT_FALSE(def.example.empty()) << def.file << " " << def.key;
  }
}

TEST(FileKeyTable, EveryDocumentedKeyIsAcceptedByItsLoader) {
  for (const auto& def : file_key_table()) {
    const Kind& kind = kinds().find(def.file)->second;
    std::string table = concrete(def.table);
    std::string key = concrete(def.key);
    std::string text = document(kind, table, key, key + " = " + std::string(def.example));
    std::string error = load_error(kind, text);
    EXPECT_FALSE(is_unknown_key_error(error))
        << def.file << " " << def.table << " " << def.key << ": " << error << "\n"
        << text;
  }
}

TEST(FileKeyTable, EveryDocumentedTableRefusesUndocumentedKeys) {
  std::set<std::pair<std::string_view, std::string_view>> tables;
  for (const auto& def : file_key_table()) {
    if (def.table != "[migrations]") tables.insert({def.file, def.table});  // keys are versions
  }
  for (const auto& [file, table_name] : tables) {
    const Kind& kind = kinds().find(file)->second;
    std::string table = concrete(table_name);
    std::string text = document(kind, table, "undocumented-key", "undocumented-key = 1");
    std::string hint;
    std::string error = load_error(kind, text, &hint);
    EXPECT_TRUE(is_unknown_key_error(error)) << file << " " << table << ": " << error << "\n"
                                             << text;
    // Both ways: the loader accepts exactly the keys the reference documents.
    EXPECT_EQ(loader_names(hint), documented_names(file, table_name)) << file << " " << table;
  }
}

TEST(FileKeyTable, SettingsReadFromOsbuildTomlAreDocumentedThere) {
  for (const auto& setting : setting_table()) {
    if (setting.file_key.empty()) continue;
    auto dot = setting.file_key.find('.');
    std::string table = "[" + std::string(setting.file_key.substr(0, dot)) + "]";
    std::string_view key = setting.file_key.substr(dot + 1);
    bool found = false;
    for (const auto& def : file_key_table()) {
      found |= def.file == "osbuild.toml" && def.table == table && def.key == key;
    }
    EXPECT_TRUE(found) << setting.key << " reads " << setting.file_key;
  }
}
