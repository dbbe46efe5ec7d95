#include "osbuild/util/units.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <vector>

#include "osbuild/util/text.h"

namespace osbuild {

namespace {

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

constexpr Unit k_size_units[] = {
    {"b", 1},
    {"kib", 1ULL << 10}, {"mib", 1ULL << 20}, {"gib", 1ULL << 30}, {"tib", 1ULL << 40},
    {"k", 1ULL << 10},   {"m", 1ULL << 20},   {"g", 1ULL << 30},   {"t", 1ULL << 40},
    {"kb", 1000ULL},     {"mb", 1000000ULL},  {"gb", 1000000000ULL}, {"tb", 1000000000000ULL},
};

bool parse_uint(std::string_view text, std::uint64_t& out) {
  if (text.empty()) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<std::uint64_t> parse_size(std::string_view text) {
  std::string_view t = trim(text);
  std::size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') {
    ++digits;
  }
  std::uint64_t number = 0;
  std::string bad = "invalid size '" + std::string(text) +
                    "': expected a whole number and a unit such as '512 MiB', '20 GiB' or '4096'";
  if (!parse_uint(t.substr(0, digits), number)) {
    return Failure{bad};
  }
  std::string unit = to_lower(trim(t.substr(digits)));
  if (unit.empty()) {
    return number;
  }
  for (const auto& u : k_size_units) {
    if (unit == u.name) {
      if (number > UINT64_MAX / u.factor) {
        return Failure{"size '" + std::string(text) + "' is too large"};
      }
      return number * u.factor;
    }
  }
  return Failure{bad};
}

std::string format_size(std::uint64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int i = 0;
  while (value >= 1024.0 && i < 4) {
    value /= 1024.0;
    ++i;
  }
  char buffer[32];
  if (i == 0) {
    std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f %s", value, units[i]);
  }
  return buffer;
}

Result<TimeSpec> parse_duration(std::string_view text) {
  std::string_view t = trim(text);
  if (auto absolute = parse_rfc3339(t)) {
    TimeSpec spec;
    spec.kind = TimeSpec::Kind::absolute;
    spec.absolute = absolute.value();
    spec.text = std::string(text);
    return spec;
  }
  std::vector<std::string> words;
  for (auto& w : split(t, ' ')) {
    if (!trim(w).empty()) {
      words.emplace_back(trim(w));
    }
  }
  auto fail = [&] {
    return Failure{"invalid duration '" + std::string(text) + "': expected " +
                   std::string(k_duration_grammar)};
  };
  if (!words.empty() && to_lower(words.front()) == "in") {
    words.erase(words.begin());
  }
  std::uint64_t count = 0;
  if (words.size() != 2 || !parse_uint(words[0], count) || count > 0xffffffffULL) {
    return fail();
  }
  std::string unit = to_lower(words[1]);
  std::int64_t seconds_per = 0;
  if (unit == "minute" || unit == "minutes") {
    seconds_per = 60;
  } else if (unit == "hour" || unit == "hours") {
    seconds_per = 3600;
  } else if (unit == "day" || unit == "days") {
    seconds_per = 86400;
  } else if (unit == "week" || unit == "weeks") {
    seconds_per = 7 * 86400;
  } else {
    return fail();
  }
  TimeSpec spec;
  spec.offset = std::chrono::seconds(static_cast<std::int64_t>(count) * seconds_per);
  spec.text = std::string(text);
  return spec;
}

Result<std::chrono::sys_seconds> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  std::string s(trim(text));
  // sscanf's %d also takes signs and leading spaces ("2026-01-01T-1: 5:00Z"): digits first.
  auto digits = [&s](std::size_t from, std::size_t count) {
    if (s.size() < from + count) return false;
    for (std::size_t i = from; i < from + count; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
  };
  if (!digits(0, 4) || !digits(5, 2) || !digits(8, 2) || !digits(11, 2) || !digits(14, 2) ||
      !digits(17, 2)) {
    return Failure{"not an RFC 3339 time: '" + s + "'"};
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &year, &month, &day, &hour,
                  &minute, &second, &consumed) != 6 ||
      consumed != 19) {
    return Failure{"not an RFC 3339 time: '" + s + "'"};
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    if (!digits(pos, 1)) {
      return Failure{"not an RFC 3339 time: '" + s + "'"};
    }
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ++pos;
    }
  }
  long offset_seconds = 0;
  std::string zone = s.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset_seconds = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
             digits(pos + 1, 2) && digits(pos + 4, 2)) {
    int oh = 0, om = 0;
    if (std::sscanf(zone.c_str() + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59) {
      return Failure{"not an RFC 3339 time: '" + s + "'"};
    }
    offset_seconds = (oh * 3600L + om * 60L) * (zone[0] == '+' ? 1 : -1);
  } else {
    return Failure{"not an RFC 3339 time: '" + s + "'"};
  }
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) {
    return Failure{"not a valid date and time: '" + s + "'"};
  }
  sys_seconds t = sys_days(ymd) + hours(hour) + minutes(minute) + seconds(second);
  return t - seconds(offset_seconds);
}

std::string format_rfc3339(std::chrono::sys_seconds time) {
  // Not system_clock::to_time_t: its nanosecond time_point overflows after the year 2262.
  std::time_t t = static_cast<std::time_t>(time.time_since_epoch().count());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace osbuild
