// Which update a disk takes: the manifest's updates for its variant and arch within max_version,
// newest first; the disk's wave; an exact version; downgrades refused unless allowed.
#include <gtest/gtest.h>

#include "osbuild/update/update.h"
#include "osbuild/util/units.h"

namespace osbuild::update {
namespace {

Time at(const char* text) { return parse_rfc3339(text).value_or_throw("test"); }

Json update_entry(const char* variant, const char* arch, const char* version, const char* max,
                  Json waves = Json::object()) {
  std::string v = version;
  return Json{{"variant", variant}, {"arch", arch}, {"version", version}, {"max_version", max},
              {"waves", waves},
              {"images", {{"boot", v + "-boot.ext4.lz4"}, {"root", v + "-root.erofs.lz4"},
                          {"hash", v + "-root.verity.lz4"}}}};
}

Json manifest() {
  Json waves{{"0", "2027-01-01T00:00:00Z"}, {"1000", "2027-01-05T00:00:00Z"}};
  return Json{{"updates",
               {update_entry("dev", "x86_64", "1.4.0", "1.6.0"),
                update_entry("dev", "x86_64", "1.5.0", "1.6.0", waves),
                update_entry("dev", "x86_64", "1.6.0", "1.6.0", Json{{"0", "2027-02-01T00:00:00Z"}}),
                update_entry("dev", "x86_64", "1.7.0", "1.6.0"),  // withdrawn above max_version
                update_entry("dev", "aarch64", "1.9.0", "1.9.0"),
                update_entry("other", "x86_64", "2.0.0", "2.0.0")}},
              {"migrations", Json::object()}};
}

Disk disk_at(const char* version) {
  Disk d;
  d.identity.variant = "dev";
  d.identity.arch = "x86_64";
  d.identity.version = parse_version(version).value_or_throw("test");
  d.active = 'A';
  d.inactive = 'B';
  return d;
}

TEST(Candidates, KeepsTheVariantAndArchWithinMaxVersionNewestFirst) {
  auto c = candidates(manifest(), "dev", "x86_64", 1500);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].version.str(), "1.6.0");
  EXPECT_EQ(c[1].version.str(), "1.5.0");
  EXPECT_EQ(c[2].version.str(), "1.4.0");
  EXPECT_EQ(c[1].images.root, "1.5.0-root.erofs.lz4");
}

TEST(Candidates, TheWaveIsTheHighestSeedAtOrBelowTheDisks) {
  EXPECT_EQ(candidates(manifest(), "dev", "x86_64", 999)[1].wave_start, at("2027-01-01T00:00:00Z"));
  EXPECT_EQ(candidates(manifest(), "dev", "x86_64", 1000)[1].wave_start, at("2027-01-05T00:00:00Z"));
  EXPECT_FALSE(candidates(manifest(), "dev", "x86_64", 5)[2].wave_start.has_value());
}

TEST(Choose, TakesTheNewestWhoseWaveHasStarted) {
  Request r;
  auto c = candidates(manifest(), "dev", "x86_64", 1500);
  Outcome o = choose(disk_at("1.4.0"), c, r, at("2027-01-10T00:00:00Z"));
  EXPECT_EQ(o.verdict, Verdict::updated);
  EXPECT_EQ(o.to.str(), "1.5.0");
  EXPECT_EQ(o.to_bank, 'B');
  o = choose(disk_at("1.4.0"), c, r, at("2027-03-01T00:00:00Z"));
  EXPECT_EQ(o.to.str(), "1.6.0");
}

TEST(Choose, WaitsForItsWave) {
  Request r;
  Outcome o = choose(disk_at("1.4.0"), candidates(manifest(), "dev", "x86_64", 1500), r,
                     at("2027-01-03T00:00:00Z"));
  EXPECT_EQ(o.verdict, Verdict::waiting);
  EXPECT_EQ(o.wave_start, at("2027-01-05T00:00:00Z"));
  r.ignore_waves = true;
  o = choose(disk_at("1.4.0"), candidates(manifest(), "dev", "x86_64", 1500), r, at("2027-01-03T00:00:00Z"));
  EXPECT_EQ(o.to.str(), "1.6.0");
}

TEST(Choose, UpToDateAndCheckOnly) {
  Request r;
  auto c = candidates(manifest(), "dev", "x86_64", 1500);
  EXPECT_EQ(choose(disk_at("1.6.0"), c, r, at("2027-03-01T00:00:00Z")).verdict, Verdict::up_to_date);
  r.check_only = true;
  EXPECT_EQ(choose(disk_at("1.4.0"), c, r, at("2027-03-01T00:00:00Z")).verdict, Verdict::would_update);
}

TEST(Choose, AnExactVersionAndDowngrades) {
  Request r;
  auto c = candidates(manifest(), "dev", "x86_64", 1500);
  r.version = "1.4.0";
  try {
    choose(disk_at("1.5.0"), c, r, at("2027-03-01T00:00:00Z"));
    FAIL() << "a downgrade was taken";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("1.4.0 is a downgrade"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("--allow-downgrade"), std::string::npos);
  }
  r.allow_downgrade = true;
  EXPECT_EQ(choose(disk_at("1.5.0"), c, r, at("2027-03-01T00:00:00Z")).to.str(), "1.4.0");
  r.version = "1.7.0";  // above max_version: not offered
  EXPECT_THROW(choose(disk_at("1.5.0"), c, r, at("2027-03-01T00:00:00Z")), Error);
}

TEST(Choose, NoUpdateForTheVariantOrArch) {
  Request r;
  Disk d = disk_at("1.0.0");
  d.identity.arch = "riscv64";
  try {
    choose(d, candidates(manifest(), "dev", "riscv64", 0), r, at("2027-03-01T00:00:00Z"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no update for variant dev on riscv64"), std::string::npos);
  }
}

TEST(Seed, IsStableAndInRange) {
  image::Guid g = image::derive_guid("disk", "test");
  EXPECT_EQ(seed_of(g), seed_of(g));
  EXPECT_LT(seed_of(g), 2048u);
  EXPECT_NE(seed_of(g), seed_of(image::derive_guid("disk", "other")));
}

}  // namespace
}  // namespace osbuild::update
