// Sizes and durations as users write them (image sizes, cache limits, repository expirations) and
// RFC 3339 times (TUF's "expires"). The whole input is the text, given to every parser. Beyond
// "no crash", an accepted time has the RFC 3339 shape (digits where digits go, an offset within
// ±23:59) and survives formatting and parsing again; a plain number of bytes is that number.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "osbuild/util/text.h"
#include "osbuild/util/units.h"

using namespace osbuild;
using namespace std::chrono;

namespace {

bool digits_at(std::string_view s, std::size_t from, std::size_t count) {
  if (s.size() < from + count) return false;
  for (std::size_t i = from; i < from + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM), RFC 3339 section 5.6.
bool rfc3339_shape(std::string_view s) {
  if (!digits_at(s, 0, 4) || !digits_at(s, 5, 2) || !digits_at(s, 8, 2) || !digits_at(s, 11, 2) ||
      !digits_at(s, 14, 2) || !digits_at(s, 17, 2)) {
    return false;
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    if (!digits_at(s, pos, 1)) return false;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
  }
  std::string_view zone = s.substr(pos);
  if (zone == "Z" || zone == "z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits_at(zone, 1, 2) &&
         zone[3] == ':' && digits_at(zone, 4, 2) && (zone[1] - '0') * 10 + (zone[2] - '0') <= 23 &&
         (zone[4] - '0') * 10 + (zone[5] - '0') <= 59;
}

void times(std::string_view text) {
  auto t = parse_rfc3339(text);
  if (!t.ok()) return;
  std::string s(trim(text));
  fuzz::check(rfc3339_shape(s), "parse_rfc3339 accepted text that is not RFC 3339", s);
  const sys_seconds low = sys_days(year{1000} / 1 / 2);
  const sys_seconds high = sys_days(year{9999} / 12 / 30);
  if (t.value() > low && t.value() < high) {
    std::string formatted = format_rfc3339(t.value());
    auto again = parse_rfc3339(formatted);
    fuzz::check(again.ok() && again.value() == t.value(), "format_rfc3339 does not round-trip",
                formatted);
  }
}

void durations(std::string_view text) {
  auto d = parse_duration(text);
  if (!d.ok()) return;
  const sys_seconds start = sys_days(year{2026} / 11 / 21);
  if (d.value().kind == TimeSpec::Kind::offset) {
    fuzz::check(d.value().offset >= seconds(0), "a negative duration", text);
    fuzz::check(d.value().resolve(start) >= start, "a duration resolves into the past", text);
  }
}

void sizes(std::string_view text) {
  auto n = parse_size(text);
  (void)format_size(static_cast<std::uint64_t>(text.size()) << (text.size() % 64));
  if (!n.ok()) return;
  std::string_view t = trim(text);
  bool plain = !t.empty() && digits_at(t, 0, t.size());
  if (plain) {
    std::size_t first = t.find_first_not_of('0');
    std::string_view number = first == std::string_view::npos ? "0" : t.substr(first);
    fuzz::check(std::to_string(n.value()) == number, "a plain byte count parses to another number",
                text);
  }
  (void)format_size(n.value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  fuzz::errors_only([&] {
    times(text);
    durations(text);
    sizes(text);
  });
  return 0;
}
