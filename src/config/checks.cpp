#include "config/checks.h"

#include <algorithm>
#include <cctype>

#include "osbuild/util/text.h"
#include "osbuild/util/units.h"

namespace osbuild::config::detail {

namespace {

bool identifier_char(char c, IdentifierKind kind) {
  if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
    return true;
  }
  switch (kind) {
    case IdentifierKind::package: return c == '.' || c == '+';
    case IdentifierKind::variant: return c == '.';
    case IdentifierKind::name: break;
  }
  return false;
}

std::string_view allowed_characters(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::package: return "letters, digits, '_', '.', '+' and '-'";
    case IdentifierKind::variant: return "letters, digits, '_', '.' and '-'";
    case IdentifierKind::name: break;
  }
  return "letters, digits, '_' and '-'";
}

}  // namespace

std::string identifier_problem(std::string_view text, IdentifierKind kind) {
  if (text.empty()) {
    return "it is empty";
  }
  if (text.front() == '.') {
    // "." and ".." name folders already; ".x" would be a hidden folder that loaders skip.
    return "it starts with '.', which would name a hidden or parent folder";
  }
  for (char c : text) {
    if (!identifier_char(c, kind)) {
      return "only " + std::string(allowed_characters(kind)) + " are allowed, found '" +
             std::string(1, c) + "'";
    }
  }
  return {};
}

void check_identifier(std::string_view text, IdentifierKind kind, std::string_view what,
                      const SourceLocation& at) {
  std::string problem = identifier_problem(text, kind);
  if (problem.empty()) {
    return;
  }
  std::string renamed;
  for (char c : text.substr(std::min(text.find_first_not_of('.'), text.size()))) {
    renamed += identifier_char(c, kind) ? c : '-';
  }
  fail_at(at, "invalid " + std::string(what) + " '" + std::string(text) + "': " + problem,
          renamed.empty() ? "give it a name of " + std::string(allowed_characters(kind))
                          : "rename it, e.g. '" + renamed + "'");
}

void check_url(std::string_view url, std::initializer_list<std::string_view> schemes,
               std::string_view key, const SourceLocation& at) {
  std::vector<std::string> names(schemes.begin(), schemes.end());
  std::vector<std::string> prefixes;
  for (const auto& s : names) {
    prefixes.push_back(s + "://");
  }
  std::string hint = "write a full " + join_or(prefixes) + " URL";
  auto sep = url.find("://");
  if (sep == std::string_view::npos) {
    fail_at(at,
            "expected a URL for '" + std::string(key) + "', found '" + std::string(url) + "'",
            hint);
  }
  std::string scheme = to_lower(url.substr(0, sep));
  if (std::find(names.begin(), names.end(), scheme) == names.end()) {
    fail_at(at,
            "unsupported URL scheme '" + scheme + "' for '" + std::string(key) + "': expected " +
                join_or(names),
            hint);
  }
  if (url.size() == sep + 3) {
    fail_at(at, "URL '" + std::string(url) + "' for '" + std::string(key) + "' is incomplete",
            hint);
  }
}

void check_sha512(std::string_view text, std::string_view key, const SourceLocation& at) {
  std::string k(key);
  if (text.size() != 128) {
    std::string why = text.size() == 64 ? " (the length of a SHA-256 digest)" : "";
    fail_at(at,
            "expected 128 hex digits for '" + k + "' (a SHA-512 digest), found " +
                std::to_string(text.size()) + why,
            "compute it with `sha512sum <file>` and copy the whole digest");
  }
  for (char c : text) {
    if (c >= 'A' && c <= 'F') {
      fail_at(at, "expected lowercase hex digits for '" + k + "', found '" + std::string(1, c) + "'",
              "write the digest in lowercase, as sha512sum prints it");
    }
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      fail_at(at, "expected hex digits for '" + k + "', found '" + std::string(1, c) + "'",
              "compute it with `sha512sum <file>` and copy the whole digest");
    }
  }
}

std::string file_name_problem(std::string_view name) {
  if (name.empty()) {
    return "it is empty";
  }
  if (name.find('/') != std::string_view::npos) {
    return "it contains '/'";
  }
  if (name == "." || name == "..") {
    return "'" + std::string(name) + "' is not a file name";
  }
  return {};
}

std::string relative_path_problem(std::string_view path) {
  if (path.empty()) {
    return "it is empty";
  }
  if (path.front() == '/') {
    return "it is an absolute path";
  }
  for (const auto& part : split(path, '/')) {
    if (part == "..") {
      return "it leaves the package folder through '..'";
    }
  }
  return {};
}

std::optional<Version> get_version(const TableReader& table, std::string_view key) {
  auto text = table.get_string(key);
  if (!text) {
    return std::nullopt;
  }
  auto version = parse_version(*text);
  if (!version) {
    // "v1.4.0" is how tags and image names spell versions; the files do not.
    bool tag = text->size() > 1 && (*text)[0] == 'v' && parse_version(text->substr(1));
    table.fail(key,
               "invalid version '" + *text + "' for '" + std::string(key) +
                   "': expected a semantic version major.minor.patch such as '1.4.0'",
               tag ? "drop the leading 'v': " + std::string(key) + " = \"" + text->substr(1) + "\""
                   : table.example_hint(key));
  }
  return version.value();
}

namespace {

// "30 minuts" → "30 minutes": the nearest unit, for the hint.
std::string corrected_duration(std::string_view text) {
  std::vector<std::string> words;
  for (auto& w : split(trim(text), ' ')) {
    if (!w.empty()) {
      words.push_back(w);
    }
  }
  if (words.size() < 2 || words.size() > 3) {
    return {};
  }
  // Ties go to the first candidate: the plural, unless the count is 1.
  bool one = words[words.size() - 2] == "1";
  std::vector<std::string> units;
  for (std::string unit : {"minute", "hour", "day", "week"}) {
    units.push_back(one ? unit : unit + "s");
    units.push_back(one ? unit + "s" : unit);
  }
  auto near = nearest_match(words.back(), units);
  if (!near || *near == words.back()) {
    return {};
  }
  words.back() = *near;
  return join(words, " ");
}

}  // namespace

std::optional<TimeSpec> get_duration(const TableReader& table, std::string_view key) {
  auto text = table.get_string(key);
  if (!text) {
    return std::nullopt;
  }
  auto spec = parse_duration(*text);
  if (!spec) {
    std::string fixed = corrected_duration(*text);
    table.fail(key,
               "invalid duration '" + *text + "' for '" + std::string(key) + "': expected " +
                   std::string(k_duration_grammar),
               fixed.empty() ? table.example_hint(key)
                             : "did you mean " + std::string(key) + " = '" + fixed + "'?");
  }
  return spec.value();
}

}  // namespace osbuild::config::detail
