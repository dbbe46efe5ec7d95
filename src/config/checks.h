#pragma once
// Value checks shared by several file kinds: identifiers, URLs, digests, file names, durations.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "config/toml_reader.h"

namespace osbuild::config::detail {

enum class IdentifierKind {
  package,  // [A-Za-z0-9_.+-]
  variant,  // [A-Za-z0-9_.-]: Bottlerocket's variants carry versions, "aws-k8s-1.31"
  name,     // [A-Za-z0-9_-]: kits, vendors, repositories, the OS name
};
// Empty when `text` is a valid identifier, else what is wrong with it.
std::string identifier_problem(std::string_view text, IdentifierKind kind);
// Throws at `at` unless `text` is a valid identifier; `what` is "package name", "vendor name", ….
void check_identifier(std::string_view text, IdentifierKind kind, std::string_view what,
                      const SourceLocation& at);

// Throws unless `url` has one of `schemes` ("http", "https", "file") and something after it.
void check_url(std::string_view url, std::initializer_list<std::string_view> schemes,
               std::string_view key, const SourceLocation& at);

// 128 lowercase hex digits; the message says how many were found.
void check_sha512(std::string_view text, std::string_view key, const SourceLocation& at);

// A single file name: no '/', not '.' or '..', not empty.
std::string file_name_problem(std::string_view name);

// A path inside the package folder: relative, without '..'.
std::string relative_path_problem(std::string_view path);

// A semantic version; the error shows the key's example.
std::optional<Version> get_version(const TableReader& table, std::string_view key);

// A duration ("1 week", "in 2 days", RFC 3339); a typo in the unit gets the nearest unit.
std::optional<TimeSpec> get_duration(const TableReader& table, std::string_view key);

// Iterates a table of named tables ([repo.<name>], [vendor.<name>], [platform.<name>]), checking
// each name as `kind` and that each value is a table; calls fn(name, table, where).
template <typename Fn>
void for_each_named_table(const TableReader& parent, std::string_view key, const FileRef& file,
                          IdentifierKind kind, Fn&& fn) {
  const toml::table* table = parent.get_table(key);
  if (!table) {
    return;
  }
  for (auto&& [name, value] : *table) {
    SourceLocation at = location(file, name.source());
    std::string n(name.str());
    check_identifier(n, kind, std::string(key) + " name", at);
    if (!value.is_table()) {
      fail_at(location(file, value.source()),
              "expected a table for '" + std::string(key) + "." + n + "', found " +
                  std::string(type_description(value.type())),
              "write it as a section: [" + std::string(key) + "." + n + "]");
    }
    fn(n, *value.as_table(), at);
  }
}

}  // namespace osbuild::config::detail
