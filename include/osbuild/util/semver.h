#pragma once
// Semantic versions (semver.org 2.0) and Cargo-style requirements ("^2.1", "~2.1", "=2.1.3").
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/util/error.h"

namespace osbuild {

struct Version {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::vector<std::string> pre;  // pre-release identifiers
  std::string build;             // ignored by comparisons

  std::string str() const;
  friend bool operator==(const Version& a, const Version& b) { return (a <=> b) == 0; }
  friend std::strong_ordering operator<=>(const Version& a, const Version& b);
};

Result<Version> parse_version(std::string_view text);

// A comma-separated list of comparators, all of which must hold.
class VersionReq {
public:
  enum class Op { exact, greater, greater_eq, less, less_eq, tilde, caret, wildcard };
  struct Comparator {
    Op op;
    Version version;
    int parts;  // how many of major.minor.patch were written
  };

  static Result<VersionReq> parse(std::string_view text);
  bool matches(const Version& v) const;
  const std::string& str() const { return m_text; }

private:
  std::vector<Comparator> m_comparators;
  std::string m_text;
};

}  // namespace osbuild
