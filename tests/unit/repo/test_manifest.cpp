#include <gtest/gtest.h>

#include "osbuild/config/load.h"
#include "osbuild/repo/manifest.h"
#include "osbuild/util/units.h"
#include "repo/repo_test_util.h"

using namespace osbuild;
using namespace osbuild::repo;
using namespace osbuild::repo::test_util;

namespace {
Version v(const char* text) {
  return parse_version(text).value();
}
}  // namespace

TEST(Manifest, DefaultWavesAreBottlerocketsSeeds) {
  auto schedule = wave_schedule(config::default_wave_policy(), at("2024-10-24T00:00:00Z"));
  std::vector<std::uint32_t> seeds;
  for (const auto& [seed, time] : schedule) {
    seeds.push_back(seed);
  }
  EXPECT_EQ(seeds, (std::vector<std::uint32_t>{0, 20, 102, 307, 819, 1228, 1843}));
  EXPECT_EQ(format_rfc3339(schedule.at(0)), "2024-10-24T01:00:00Z");
  EXPECT_EQ(format_rfc3339(schedule.at(20)), "2024-10-24T04:00:00Z");
  EXPECT_EQ(format_rfc3339(schedule.at(1843)), "2024-10-30T00:00:00Z");
}

TEST(Manifest, AddsUpdatesAndRaisesMaxVersion) {
  Json m = empty_manifest();
  auto waves = config::default_wave_policy();
  UpdateImages images{"os-boot.ext4.lz4", "os-root.erofs.lz4", "os-root.verity.lz4"};
  add_update(m, {"dev", "x86_64", v("1.3.0"), images}, waves, at("2024-10-24T00:00:00Z"));
  add_update(m, {"dev", "aarch64", v("1.3.0"), images}, waves, at("2024-10-24T00:00:00Z"));
  add_update(m, {"dev", "x86_64", v("1.4.0"), images}, waves, at("2024-10-25T00:00:00Z"));
  ASSERT_EQ(m["updates"].size(), 3u);
  EXPECT_EQ(m["updates"][0]["max_version"], "1.4.0");
  EXPECT_EQ(m["updates"][1]["max_version"], "1.3.0");  // another arch
  EXPECT_EQ(m["updates"][2]["images"]["hash"], "os-root.verity.lz4");
  EXPECT_EQ(m["updates"][2]["waves"]["0"], "2024-10-25T01:00:00Z");
  EXPECT_TRUE(has_update(m, "dev", "x86_64", v("1.4.0")));
  EXPECT_FALSE(has_update(m, "dev", "aarch64", v("1.4.0")));
  // The same version again replaces the entry.
  add_update(m, {"dev", "x86_64", v("1.4.0"), images}, waves, at("2024-10-26T00:00:00Z"));
  EXPECT_EQ(m["updates"].size(), 3u);
  EXPECT_EQ(m["updates"][2]["waves"]["0"], "2024-10-26T01:00:00Z");
  EXPECT_EQ(parse_manifest(manifest_text(m), "manifest.json"), m);
}

TEST(Manifest, MigrationsComeFromReleaseToml) {
  config::Release release = config::parse_release(
      "version = \"1.4.0\"\n[migrations]\n\"(1.3.0, 1.4.0)\" = [\"migrate_v1.4.0_a.lz4\"]\n",
      "Release.toml");
  Json m = empty_manifest();
  m["migrations"]["(0.1.0, 0.2.0)"] = Json::array();
  set_migrations(m, &release);
  EXPECT_EQ(m["migrations"], Json::parse(R"j({"(1.3.0, 1.4.0)": ["migrate_v1.4.0_a.lz4"]})j"));
}
