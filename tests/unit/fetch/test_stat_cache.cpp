#include "osbuild/store/stat_cache.h"

#include <gtest/gtest.h>

#include <fstream>

#include "osbuild/util/fs.h"

using namespace osbuild;
using namespace osbuild::store;

namespace {
void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}
}  // namespace

TEST(FetchStatCache, FreshUntilTheFileChanges) {
  TempDir dir("stat-cache");
  auto file = dir.path() / "blob";
  write(file, "hello");
  StatCache cache(dir.path() / "stat-cache.json");
  EXPECT_FALSE(cache.fresh("k", file));
  cache.record("k", *FileStamp::of(file));
  EXPECT_TRUE(cache.fresh("k", file));
  write(file, "hello, world");
  EXPECT_FALSE(cache.fresh("k", file));
  EXPECT_FALSE(cache.fresh("k", dir.path() / "absent"));
}

TEST(FetchStatCache, SurvivesASaveAndReload) {
  TempDir dir("stat-cache");
  auto file = dir.path() / "blob";
  write(file, "x");
  {
    StatCache cache(dir.path() / "sub" / "stat-cache.json");
    cache.record("k", *FileStamp::of(file));
    cache.save();
  }
  StatCache again(dir.path() / "sub" / "stat-cache.json");
  EXPECT_EQ(again.size(), 1u);
  EXPECT_TRUE(again.fresh("k", file));
  again.forget("k");
  EXPECT_FALSE(again.fresh("k", file));
}

TEST(FetchStatCache, IgnoresGarbage) {
  EXPECT_TRUE(StatCache::parse("not json").empty());
  EXPECT_TRUE(StatCache::parse("{\"version\":2,\"entries\":{}}").empty());
  auto parsed = StatCache::parse(R"({"version":1,"entries":{"a":[1,2,3],"b":"x"}})");
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed["a"], (FileStamp{1, 2, 3}));
}
