#include <gtest/gtest.h>

#include "osbuild/util/semver.h"

using namespace osbuild;

namespace {
Version v(const char* s) { return parse_version(s).value(); }
bool match(const char* req, const char* version) {
  return VersionReq::parse(req).value().matches(v(version));
}
}  // namespace

TEST(Semver, ParsesAndPrints) {
  EXPECT_EQ(v("1.26.1").str(), "1.26.1");
  EXPECT_EQ(v("1.0.0-rc.1+build.5").str(), "1.0.0-rc.1+build.5");
  EXPECT_FALSE(parse_version("1.2").ok());
  EXPECT_FALSE(parse_version("01.2.3").ok());
  EXPECT_FALSE(parse_version("1.2.3-").ok());
  EXPECT_EQ(parse_version("v1.2.3").error(),
            "invalid version 'v1.2.3': expected a semantic version such as '1.4.0'");
}

TEST(Semver, OrdersPerSpec) {
  EXPECT_LT(v("1.0.0-alpha"), v("1.0.0-alpha.1"));
  EXPECT_LT(v("1.0.0-alpha.1"), v("1.0.0-alpha.beta"));
  EXPECT_LT(v("1.0.0-beta.2"), v("1.0.0-beta.11"));
  EXPECT_LT(v("1.0.0-rc.1"), v("1.0.0"));
  EXPECT_LT(v("1.9.0"), v("1.10.0"));
  EXPECT_EQ(v("1.0.0+a"), v("1.0.0+b"));
}

TEST(Semver, CaretTildeExact) {
  EXPECT_TRUE(match("^2.1", "2.9.0"));
  EXPECT_FALSE(match("^2.1", "3.0.0"));
  EXPECT_FALSE(match("^2.1", "2.0.9"));
  EXPECT_TRUE(match("^0.2.3", "0.2.9"));
  EXPECT_FALSE(match("^0.2.3", "0.3.0"));
  EXPECT_TRUE(match("~2.1", "2.1.7"));
  EXPECT_FALSE(match("~2.1", "2.2.0"));
  EXPECT_TRUE(match("=2.1.3", "2.1.3"));
  EXPECT_FALSE(match("=2.1.3", "2.1.4"));
  EXPECT_TRUE(match("2.1", "2.5.0"));  // bare means caret, as in Cargo
  EXPECT_TRUE(match(">=1.0, <2", "1.9.9"));
  EXPECT_FALSE(match(">=1.0, <2", "2.0.0"));
  EXPECT_TRUE(match("*", "9.9.9"));
}

TEST(Semver, PreReleasesOnlyWhenAskedFor) {
  EXPECT_FALSE(match("^2.1", "2.2.0-rc.1"));
  EXPECT_TRUE(match("^2.2.0-rc.1", "2.2.0-rc.2"));
}

TEST(Semver, RejectsBadRequirements) {
  auto r = VersionReq::parse("^two");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "invalid version requirement '^two': expected e.g. '^2.1', '~2.1.3', '=2.1.3', '>=1.0, "
            "<2' or '*'");
}
