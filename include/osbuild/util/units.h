#pragma once
// Sizes ("512 MiB") and durations ("in 2 weeks", "30 minutes", RFC 3339) as users write them.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "osbuild/util/error.h"

namespace osbuild {

// Accepts a plain byte count or a number and a unit: B, KiB, MiB, GiB, TiB (powers of 1024)
// and kB, MB, GB, TB (powers of 1000).
Result<std::uint64_t> parse_size(std::string_view text);
std::string format_size(std::uint64_t bytes);

inline constexpr std::string_view k_duration_grammar =
    "'[in] N minute(s)|hour(s)|day(s)|week(s)' (e.g. '7 days', 'in 2 weeks', '30 minutes') or an "
    "RFC 3339 time such as '2026-12-01T00:00:00Z'";

// A duration relative to a start time, or a fixed point in time.
struct TimeSpec {
  enum class Kind { offset, absolute };
  Kind kind = Kind::offset;
  std::chrono::seconds offset{0};      // for Kind::offset
  std::chrono::sys_seconds absolute{};  // for Kind::absolute
  std::string text;                     // as written, for messages and `config show`

  std::chrono::sys_seconds resolve(std::chrono::sys_seconds start) const {
    return kind == Kind::offset ? start + offset : absolute;
  }
};

Result<TimeSpec> parse_duration(std::string_view text);
Result<std::chrono::sys_seconds> parse_rfc3339(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ", the form TUF clients expect.
std::string format_rfc3339(std::chrono::sys_seconds time);

}  // namespace osbuild
