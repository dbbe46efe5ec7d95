#include "config/toml_reader.h"

#include <algorithm>
#include <cctype>

#include "osbuild/util/text.h"

namespace osbuild::config::detail {

FileRef FileRef::as_given(const fs::path& path) {
  return FileRef{path, fs::absolute(path).lexically_normal()};
}

FileRef FileRef::in_project(const fs::path& root, const fs::path& relative) {
  return FileRef{relative, fs::absolute(root / relative).lexically_normal()};
}

SourceLocation location(const FileRef& file, const toml::source_region& region) {
  return SourceLocation{file.display, static_cast<int>(region.begin.line),
                        static_cast<int>(region.begin.column)};
}

void fail_at(const SourceLocation& at, const std::string& what, const std::string& hint) {
  throw Error(at.str() + ": " + what, hint);
}

namespace {

// toml++ says "Error while parsing key-value pair: expected value, saw '\n'"; we say
// "invalid TOML in key-value pair: expected value, saw '\n'".
std::string describe_parse_error(std::string_view description) {
  constexpr std::string_view prefix = "Error while parsing ";
  if (description.substr(0, prefix.size()) == prefix) {
    return "invalid TOML in " + std::string(description.substr(prefix.size()));
  }
  std::string text(description);
  if (!text.empty()) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return "invalid TOML: " + text;
}

// "[[build.step]]" → "build.step".
std::string table_path(std::string_view title) {
  while (!title.empty() && title.front() == '[') {
    title.remove_prefix(1);
  }
  while (!title.empty() && title.back() == ']') {
    title.remove_suffix(1);
  }
  return std::string(title);
}

// Tables and arrays of tables have examples that start with their header ("[package] …",
// "[[waves]] …"), lists with a value ("[\"libc\"]").
bool is_section(const KeySpec& key) {
  std::string_view e = key.example;
  return e.size() > 1 && e[0] == '[' &&
         (e[1] == '[' || std::isalpha(static_cast<unsigned char>(e[1])));
}

}  // namespace

toml::table parse_toml(std::string_view text, const FileRef& file) {
  try {
    return toml::parse(text, std::string_view(file.display.string()));
  } catch (const toml::parse_error& e) {
    fail_at(location(file, e.source()), describe_parse_error(e.description()),
            "fix the syntax at that position; strings need quotes (version = \"1.3.1\") and "
            "each key may appear only once per table");
  }
}

std::string join_or(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  }
  return out;
}

std::string_view type_description(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

void record_locations(std::map<std::string, SourceLocation>& where, const std::string& key,
                      const StringList& list) {
  for (std::size_t i = 0; i < list.where.size(); ++i) {
    where[key + "[" + std::to_string(i) + "]"] = list.where[i];
  }
}

// ---- TableReader ---------------------------------------------------------------------------

TableReader::TableReader(const toml::table& table, const FileRef& file, std::string title,
                         std::initializer_list<KeySpec> keys)
    : m_table(table), m_file(file), m_title(std::move(title)), m_keys(keys) {
  check_unknown_keys();
}

std::string TableReader::where_in() const {
  return m_title.empty() ? "at the top level" : "in " + m_title;
}

void TableReader::check_unknown_keys() const {
  std::vector<std::string> names;
  for (const auto& k : m_keys) {
    names.emplace_back(k.name);
  }
  for (auto&& [key, value] : m_table) {
    if (std::find(names.begin(), names.end(), key.str()) == names.end()) {
      fail_unknown(key, value.is_table(), names);
    }
  }
}

void TableReader::fail_unknown(const toml::key& key, bool is_table,
                               const std::vector<std::string>& names) const {
  std::string prefix = table_path(m_title);
  prefix += prefix.empty() ? "" : ".";
  // A table is named by its header, [build.stp]; a key by itself, 'versoin'.
  auto show = [&](std::string_view name) {
    return is_table ? "[" + prefix + std::string(name) + "]" : "'" + std::string(name) + "'";
  };
  std::string what = is_table ? "unknown table " + show(key.str())
                              : "unknown key " + show(key.str()) + " " + where_in();
  auto near = nearest_match(key.str(), names);
  if (near) {
    what += ", did you mean " + show(*near) + "?";
  }
  std::string list = (m_title.empty() ? "the top-level keys of " + m_file.display.filename().string()
                                      : "the keys of " + m_title) +
                     " are: " + join(names, ", ");
  fail_at(location(m_file, key.source()), what,
          near ? "rename it to " + show(*near) + " or remove it; " + list : "remove it; " + list);
}

const KeySpec& TableReader::spec(std::string_view key) const {
  for (const auto& k : m_keys) {
    if (k.name == key) {
      return k;
    }
  }
  // Reading a key that was not declared is a bug in the loader, not a user mistake.
  throw std::logic_error("key '" + std::string(key) + "' is not declared for " + m_title);
}

const toml::node* TableReader::node(std::string_view key) const {
  spec(key);
  return m_table.get(key);
}

bool TableReader::has(std::string_view key) const { return node(key) != nullptr; }

SourceLocation TableReader::where() const { return location(m_file, m_table.source()); }

SourceLocation TableReader::where(std::string_view key) const {
  const toml::node* n = node(key);
  return n ? location(m_file, n->source()) : where();
}

std::string TableReader::example_hint(std::string_view key) const {
  const KeySpec& k = spec(key);
  if (k.example.empty()) {
    return {};
  }
  if (is_section(k)) {
    return "write it as a section: " + std::string(k.example);
  }
  return "write it as " + std::string(key) + " = " + std::string(k.example);
}

void TableReader::fail(std::string_view key, const std::string& what,
                       const std::string& hint) const {
  fail_at(where(key), what, hint);
}

void TableReader::fail_missing(std::string_view key) const {
  const KeySpec& k = spec(key);
  std::string place = m_title.empty() ? "at the top of " + m_file.display.filename().string()
                                      : "under " + m_title;
  if (is_section(k)) {
    std::string_view header = k.example.substr(0, k.example.find(' '));
    fail_at(where(), "missing required table " + std::string(header),
            "add " + std::string(k.example));
  }
  fail_at(where(), "missing required key '" + std::string(key) + "' " + where_in(),
          "add " + std::string(key) + " = " + std::string(k.example) + " " + place);
}

void TableReader::fail_type(std::string_view key, const toml::node& value,
                            std::string_view expected) const {
  fail_at(location(m_file, value.source()),
          "expected " + std::string(expected) + " for '" + std::string(key) + "', found " +
              std::string(type_description(value.type())),
          example_hint(key));
}

std::optional<std::string> TableReader::get_string(std::string_view key) const {
  const toml::node* n = node(key);
  if (!n) {
    return std::nullopt;
  }
  const auto* s = n->as_string();
  if (!s) {
    fail_type(key, *n, "a string");
  }
  if (s->get().empty()) {
    fail(key, "'" + std::string(key) + "' must not be empty", example_hint(key));
  }
  return s->get();
}

std::string TableReader::require_string(std::string_view key) const {
  auto value = get_string(key);
  if (!value) {
    fail_missing(key);
  }
  return *value;
}

std::optional<bool> TableReader::get_bool(std::string_view key) const {
  const toml::node* n = node(key);
  if (!n) {
    return std::nullopt;
  }
  const auto* b = n->as_boolean();
  if (!b) {
    fail_type(key, *n, "true or false");
  }
  return b->get();
}

std::optional<std::int64_t> TableReader::get_integer(std::string_view key, std::int64_t min,
                                                     std::int64_t max) const {
  const toml::node* n = node(key);
  if (!n) {
    return std::nullopt;
  }
  const auto* i = n->as_integer();
  if (!i) {
    fail_type(key, *n, "an integer");
  }
  std::int64_t value = i->get();
  if (value < min || value > max) {
    fail(key,
         "'" + std::string(key) + "' must be between " + std::to_string(min) + " and " +
             std::to_string(max) + ", found " + std::to_string(value),
         example_hint(key));
  }
  return value;
}

std::optional<StringList> TableReader::get_string_list(std::string_view key) const {
  const toml::node* n = node(key);
  if (!n) {
    return std::nullopt;
  }
  const auto* array = n->as_array();
  if (!array) {
    fail_type(key, *n, "a list of strings");
  }
  StringList list;
  for (const toml::node& element : *array) {
    SourceLocation at = location(m_file, element.source());
    const auto* s = element.as_string();
    if (!s) {
      fail_at(at,
              "expected a string in '" + std::string(key) + "', found " +
                  std::string(type_description(element.type())),
              example_hint(key));
    }
    if (s->get().empty()) {
      fail_at(at, "empty string in '" + std::string(key) + "'", "remove it");
    }
    list.values.push_back(s->get());
    list.where.push_back(at);
  }
  return list;
}

StringList TableReader::require_string_list(std::string_view key) const {
  auto list = get_string_list(key);
  if (!list) {
    fail_missing(key);
  }
  return *list;
}

const toml::table* TableReader::get_table(std::string_view key) const {
  const toml::node* n = node(key);
  if (!n) {
    return nullptr;
  }
  if (!n->is_table()) {
    fail_type(key, *n, "a table");
  }
  return n->as_table();
}

const toml::table& TableReader::require_table(std::string_view key) const {
  const toml::table* t = get_table(key);
  if (!t) {
    fail_missing(key);
  }
  return *t;
}

std::vector<const toml::table*> TableReader::get_table_array(std::string_view key) const {
  std::vector<const toml::table*> tables;
  const toml::node* n = node(key);
  if (!n) {
    return tables;
  }
  const auto* array = n->as_array();
  if (!array) {
    fail_type(key, *n, "an array of tables ([[" + std::string(key) + "]])");
  }
  for (const toml::node& element : *array) {
    if (!element.is_table()) {
      fail_at(location(m_file, element.source()),
              "expected a table in '" + std::string(key) + "', found " +
                  std::string(type_description(element.type())),
              "write each entry as its own [[" + std::string(key) + "]] section");
    }
    tables.push_back(element.as_table());
  }
  return tables;
}

void fail_enum(const TableReader& table, std::string_view key, const std::string& text,
               const std::vector<std::string>& names) {
  auto near = nearest_match(text, names);
  table.fail(key,
             "unknown " + std::string(key) + " '" + text + "': expected " + join_or(names),
             "write " + std::string(key) + " = \"" + (near ? *near : names.front()) + "\"");
}

}  // namespace osbuild::config::detail
