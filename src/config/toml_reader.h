#pragma once
// The one place that turns toml++ nodes into checked values. Every loader reads its tables through
// a TableReader, so every file kind reports unknown keys, wrong types and missing keys the same
// way: "<file>:<line>:<col>: <what was expected>" with a hint built from the key's example value.
#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/config/model.h"
#include "osbuild/util/error.h"

namespace osbuild::config::detail {

// A file as the user knows it (`display`, relative to the project root or as given) and where it
// really is (`absolute`, to resolve relative paths written inside it).
struct FileRef {
  fs::path display;
  fs::path absolute;

  static FileRef as_given(const fs::path& path);
  static FileRef in_project(const fs::path& root, const fs::path& relative);
  fs::path dir() const { return absolute.parent_path(); }
};

SourceLocation location(const FileRef& file, const toml::source_region& region);
[[noreturn]] void fail_at(const SourceLocation& at, const std::string& what,
                          const std::string& hint);

// Parses TOML text; a syntax error becomes an Error at the position toml++ reports.
toml::table parse_toml(std::string_view text, const FileRef& file);

// "a, b or c", for lists of accepted values.
std::string join_or(const std::vector<std::string>& names);

// "a string", "an integer", … for "found …" in messages.
std::string_view type_description(toml::node_type type);

// A key a table accepts, with a value as a user would write it; the example feeds every hint
// about that key ("add version = \"1.3.1\" under [package]"). For a table or an array of tables
// the example starts with its header: "[package] with name and version".
struct KeySpec {
  std::string_view name;
  std::string_view example;
};

struct StringList {
  std::vector<std::string> values;
  std::vector<SourceLocation> where;  // one per value
};

// Records where each element of a list was written, as "depends[2]", for messages that point
// at the very name that is wrong.
void record_locations(std::map<std::string, SourceLocation>& where, const std::string& key,
                      const StringList& list);

class TableReader {
public:
  // `title` names the table in messages ("[package]", "[[external-files]]"); empty for the top
  // level of a file. Unknown keys are refused here, before any value is read, so that a
  // misspelt key is reported as such rather than as the missing key it was meant to be.
  TableReader(const toml::table& table, const FileRef& file, std::string title,
              std::initializer_list<KeySpec> keys);

  bool has(std::string_view key) const;
  SourceLocation where() const;
  SourceLocation where(std::string_view key) const;  // the key's value; the table when absent
  const FileRef& file() const { return m_file; }
  const std::string& title() const { return m_title; }

  std::optional<std::string> get_string(std::string_view key) const;
  std::string require_string(std::string_view key) const;
  std::optional<bool> get_bool(std::string_view key) const;
  std::optional<std::int64_t> get_integer(std::string_view key, std::int64_t min,
                                          std::int64_t max) const;
  std::optional<StringList> get_string_list(std::string_view key) const;
  StringList require_string_list(std::string_view key) const;
  const toml::table* get_table(std::string_view key) const;
  const toml::table& require_table(std::string_view key) const;
  // An array of tables, `[[key]]`; every element is checked to be a table.
  std::vector<const toml::table*> get_table_array(std::string_view key) const;

  [[noreturn]] void fail(std::string_view key, const std::string& what,
                         const std::string& hint = {}) const;
  [[noreturn]] void fail_missing(std::string_view key) const;
  std::string_view example(std::string_view key) const { return spec(key).example; }
  // "write it as version = \"1.3.1\"", from the key's example.
  std::string example_hint(std::string_view key) const;

private:
  const KeySpec& spec(std::string_view key) const;
  const toml::node* node(std::string_view key) const;
  [[noreturn]] void fail_type(std::string_view key, const toml::node& value,
                              std::string_view expected) const;
  void check_unknown_keys() const;
  [[noreturn]] void fail_unknown(const toml::key& key, bool is_table,
                                 const std::vector<std::string>& names) const;
  std::string where_in() const;  // "in [package]" or "at the top level"

  const toml::table& m_table;
  const FileRef& m_file;
  std::string m_title;
  std::vector<KeySpec> m_keys;
};

[[noreturn]] void fail_enum(const TableReader& table, std::string_view key, const std::string& text,
                            const std::vector<std::string>& names);

// Reads an enum from its name; the error lists every accepted name.
template <typename E, std::size_t N>
E read_enum(const TableReader& table, std::string_view key, const E (&values)[N],
            std::string_view (*name)(E), E fallback) {
  auto text = table.get_string(key);
  if (!text) {
    return fallback;
  }
  std::vector<std::string> names;
  for (E value : values) {
    if (*text == name(value)) {
      return value;
    }
    names.emplace_back(name(value));
  }
  fail_enum(table, key, *text, names);
}

}  // namespace osbuild::config::detail
