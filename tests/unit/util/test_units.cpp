#include <gtest/gtest.h>

#include "osbuild/util/units.h"

using namespace osbuild;

TEST(Size, ParsesBinaryAndDecimalUnits) {
  EXPECT_EQ(parse_size("512 MiB").value(), 512ULL << 20);
  EXPECT_EQ(parse_size("20 GiB").value(), 20ULL << 30);
  EXPECT_EQ(parse_size("4096").value(), 4096ULL);
  EXPECT_EQ(parse_size("1GB").value(), 1000000000ULL);
  EXPECT_EQ(parse_size(" 2 kib ").value(), 2048ULL);
}

TEST(Size, RejectsWithTheExpectedForm) {
  auto r = parse_size("12 parsecs");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "invalid size '12 parsecs': expected a whole number and a unit such as '512 MiB', "
            "'20 GiB' or '4096'");
  EXPECT_FALSE(parse_size("").ok());
  EXPECT_FALSE(parse_size("-1 MiB").ok());
  EXPECT_FALSE(parse_size("99999999999999999999 TiB").ok());
}

TEST(Size, Formats) {
  EXPECT_EQ(format_size(512), "512 B");
  EXPECT_EQ(format_size(3ULL << 20), "3.0 MiB");
}

TEST(Duration, AcceptsBottlerocketFormsAndMinutes) {
  EXPECT_EQ(parse_duration("7 days").value().offset.count(), 7 * 86400);
  EXPECT_EQ(parse_duration("in 2 weeks").value().offset.count(), 14 * 86400);
  EXPECT_EQ(parse_duration("1 hour").value().offset.count(), 3600);
  EXPECT_EQ(parse_duration("30 minutes").value().offset.count(), 1800);
  EXPECT_EQ(parse_duration("1 minute").value().offset.count(), 60);
}

TEST(Duration, AcceptsRfc3339) {
  auto d = parse_duration("2026-12-01T00:00:00Z");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().kind, TimeSpec::Kind::absolute);
  EXPECT_EQ(format_rfc3339(d.value().absolute), "2026-12-01T00:00:00Z");
  auto offset = parse_rfc3339("2026-12-01T02:00:00+02:00");
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(format_rfc3339(offset.value()), "2026-12-01T00:00:00Z");
}

TEST(Duration, RejectionListsTheGrammar) {
  auto r = parse_duration("30 minuts");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "invalid duration '30 minuts': expected " + std::string(k_duration_grammar));
  EXPECT_FALSE(parse_duration("2 months").ok());
  EXPECT_FALSE(parse_duration("in").ok());
  EXPECT_FALSE(parse_duration("-3 days").ok());
  EXPECT_FALSE(parse_duration("2026-13-01T00:00:00Z").ok());
}

// Found by tests/fuzz/fuzz_units (corpus/units/crash-*): sscanf's %d took signs, spaces and
// out-of-range offsets, so these passed as RFC 3339 times.
TEST(Rfc3339, RefusesWhatIsNotRfc3339) {
  EXPECT_FALSE(parse_rfc3339("2026-12-01T10:20:30.123+02:80").ok());
  EXPECT_FALSE(parse_rfc3339("2026-12-01T10:20:30+24:00").ok());
  EXPECT_FALSE(parse_rfc3339("2026-12-01T-1:20:30Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026- 1-01T10:20:30Z").ok());
  EXPECT_FALSE(parse_rfc3339("+026-12-01T10:20:30Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026-12-01T10:20:30.Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026-12-01T10:20:30+0a:00").ok());
  EXPECT_TRUE(parse_rfc3339("2026-12-01T10:20:30.5-23:59").ok());
}

// Found by tests/fuzz/fuzz_tuf (corpus/tuf/crash-*): a TUF "expires" after 2262 overflowed the
// nanosecond clock when written back (undefined behaviour).
TEST(Rfc3339, FormatsTimesAfter2262) {
  auto far = parse_rfc3339("4060-01-01T00:00:00Z");
  ASSERT_TRUE(far.ok());
  EXPECT_EQ(format_rfc3339(far.value()), "4060-01-01T00:00:00Z");
}
