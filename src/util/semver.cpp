#include "osbuild/util/semver.h"

#include <cctype>
#include <charconv>
#include <tuple>

#include "osbuild/util/text.h"

namespace osbuild {

namespace {

bool parse_number(std::string_view s, std::uint64_t& out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool is_identifier(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return true;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return !s.empty();
}

// Parses "1", "1.2" or "1.2.3[-pre][+build]"; `parts` tells how many numbers were present.
Result<Version> parse_partial(std::string_view text, int& parts, bool allow_partial) {
  std::string bad = "invalid version '" + std::string(text) +
                    "': expected a semantic version such as '1.4.0'";
  Version v;
  std::string_view rest = text;
  if (auto plus = rest.find('+'); plus != std::string_view::npos) {
    v.build = std::string(rest.substr(plus + 1));
    rest = rest.substr(0, plus);
    for (auto& id : split(v.build, '.')) {
      if (!is_identifier(id)) {
        return Failure{bad};
      }
    }
  }
  if (auto dash = rest.find('-'); dash != std::string_view::npos) {
    for (auto& id : split(rest.substr(dash + 1), '.')) {
      if (!is_identifier(id) || (all_digits(id) && id.size() > 1 && id[0] == '0')) {
        return Failure{bad};
      }
      v.pre.push_back(id);
    }
    rest = rest.substr(0, dash);
  }
  auto numbers = split(rest, '.');
  if (numbers.size() > 3 || (!allow_partial && numbers.size() != 3)) {
    return Failure{bad};
  }
  std::uint64_t* fields[] = {&v.major, &v.minor, &v.patch};
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (!parse_number(numbers[i], *fields[i])) {
      return Failure{bad};
    }
  }
  parts = static_cast<int>(numbers.size());
  return v;
}

}  // namespace

std::string Version::str() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!pre.empty()) {
    s += "-" + join(pre, ".");
  }
  if (!build.empty()) {
    s += "+" + build;
  }
  return s;
}

std::strong_ordering operator<=>(const Version& a, const Version& b) {
  if (auto c = std::tie(a.major, a.minor, a.patch) <=> std::tie(b.major, b.minor, b.patch); c != 0) {
    return c;
  }
  // A version without pre-release identifiers ranks above one with them.
  if (a.pre.empty() || b.pre.empty()) {
    return b.pre.size() <=> a.pre.size() == 0 ? std::strong_ordering::equal
                                               : (a.pre.empty() ? std::strong_ordering::greater
                                                                : std::strong_ordering::less);
  }
  for (std::size_t i = 0; i < std::min(a.pre.size(), b.pre.size()); ++i) {
    const auto& x = a.pre[i];
    const auto& y = b.pre[i];
    bool xn = all_digits(x);
    bool yn = all_digits(y);
    if (xn && yn) {
      if (auto c = x.size() <=> y.size(); c != 0) {
        return c;
      }
    } else if (xn != yn) {
      return xn ? std::strong_ordering::less : std::strong_ordering::greater;
    }
    if (auto c = x <=> y; c != 0) {
      return c;
    }
  }
  return a.pre.size() <=> b.pre.size();
}

Result<Version> parse_version(std::string_view text) {
  int parts = 0;
  return parse_partial(trim(text), parts, false);
}

Result<VersionReq> VersionReq::parse(std::string_view text) {
  VersionReq req;
  req.m_text = std::string(trim(text));
  std::string bad = "invalid version requirement '" + std::string(text) +
                    "': expected e.g. '^2.1', '~2.1.3', '=2.1.3', '>=1.0, <2' or '*'";
  for (auto& piece : split(req.m_text, ',')) {
    std::string_view p = trim(piece);
    Comparator c{Op::caret, {}, 0};
    if (p == "*") {
      c.op = Op::wildcard;
      req.m_comparators.push_back(c);
      continue;
    }
    struct Prefix {
      std::string_view text;
      Op op;
    };
    static constexpr Prefix prefixes[] = {{">=", Op::greater_eq}, {"<=", Op::less_eq},
                                          {">", Op::greater},     {"<", Op::less},
                                          {"=", Op::exact},       {"~", Op::tilde},
                                          {"^", Op::caret}};
    for (const auto& prefix : prefixes) {
      if (p.starts_with(prefix.text)) {
        c.op = prefix.op;
        p = trim(p.substr(prefix.text.size()));
        break;
      }
    }
    auto v = parse_partial(p, c.parts, true);
    if (!v) {
      return Failure{bad};
    }
    c.version = v.value();
    req.m_comparators.push_back(c);
  }
  if (req.m_comparators.empty()) {
    return Failure{bad};
  }
  return req;
}

namespace {

bool matches_one(const VersionReq::Comparator& c, const Version& v) {
  using Op = VersionReq::Op;
  const Version& r = c.version;
  auto upper = [&](int bump_part) {
    Version u;
    if (bump_part == 0) {
      u.major = r.major + 1;
    } else if (bump_part == 1) {
      u = Version{r.major, r.minor + 1, 0, {}, {}};
    } else {
      u = Version{r.major, r.minor, r.patch + 1, {}, {}};
    }
    u.pre = {"0"};  // excludes pre-releases of the upper bound
    return u;
  };
  switch (c.op) {
    case Op::wildcard:
      return true;
    case Op::exact:
      if (c.parts == 3) {
        return v == r;
      }
      return v >= r && v < upper(c.parts - 1);
    case Op::greater:
      return v > r;
    case Op::greater_eq:
      return v >= r;
    case Op::less:
      return v < r;
    case Op::less_eq:
      return v <= r;
    case Op::tilde:
      return v >= r && v < upper(c.parts == 1 ? 0 : 1);
    case Op::caret: {
      int part = 0;
      if (r.major == 0 && c.parts >= 2) {
        part = (r.minor == 0 && c.parts == 3) ? 2 : 1;
      }
      return v >= r && v < upper(part);
    }
  }
  return false;
}

}  // namespace

bool VersionReq::matches(const Version& v) const {
  // Pre-releases match only a comparator that names the same major.minor.patch with a pre-release.
  if (!v.pre.empty()) {
    bool allowed = false;
    for (const auto& c : m_comparators) {
      if (!c.version.pre.empty() && c.version.major == v.major && c.version.minor == v.minor &&
          c.version.patch == v.patch) {
        allowed = true;
      }
    }
    if (!allowed) {
      return false;
    }
  }
  for (const auto& c : m_comparators) {
    if (!matches_one(c, v)) {
      return false;
    }
  }
  return true;
}

}  // namespace osbuild
