#include <gtest/gtest.h>

#include "config_test_util.h"
#include "osbuild/config/load.h"

using namespace osbuild;
using namespace osbuild::config;
using namespace osbuild::config::testing;

namespace {

Caught release_error(const std::string& text) {
  return catch_error([&] { parse_release(text, "Release.toml"); });
}

Caught migrations_error(const std::string& text, const fs::path& dir = {}) {
  return catch_error([&] { check_migrations(parse_release(text, "Release.toml"), dir); });
}

}  // namespace

TEST(LoadRelease, ReadsVersionAndSortsMigrations) {
  Release r = parse_release(R"toml(version = "1.4.0"

[migrations]
"(1.3.0, 1.4.0)" = ["migrate_v1.4.0_b.lz4"]
"( 1.2.0 ,1.3.0 )" = [
    "migrate_v1.3.0_a.lz4",
    "migrate_v1.3.0_b.lz4",
]
)toml",
                            "Release.toml");
  EXPECT_EQ(r.version.str(), "1.4.0");
  EXPECT_EQ(r.version_where.str(), "Release.toml:1:11");
  ASSERT_EQ(r.migrations.size(), 2u);
  EXPECT_EQ(r.migrations[0].from.str(), "1.2.0");
  EXPECT_EQ(r.migrations[0].to.str(), "1.3.0");
  EXPECT_EQ(r.migrations[0].files.size(), 2u);
  EXPECT_EQ(r.migrations[0].where.str(), "Release.toml:5:1");
  EXPECT_EQ(r.migrations[1].files, (std::vector<std::string>{"migrate_v1.4.0_b.lz4"}));
  check_migrations(r);
}

TEST(LoadRelease, NoMigrationsIsFine) {
  Release r = parse_release("version = \"1.0.0\"\n", "Release.toml");
  EXPECT_TRUE(r.migrations.empty());
  check_migrations(r);
}

TEST(LoadRelease, MissingVersion) {
  auto e = release_error("[migrations]\n");
  EXPECT_EQ(e.what, "Release.toml:1:1: missing required key 'version' at the top level");
  EXPECT_EQ(e.hint, "add version = \"1.4.0\" at the top of Release.toml");
}

TEST(LoadRelease, BadMigrationKey) {
  auto e = release_error("version = \"1.4.0\"\n[migrations]\n\"(1.3.0 1.4.0)\" = []\n");
  EXPECT_EQ(e.what, "Release.toml:3:1: invalid migration key \"(1.3.0 1.4.0)\": expected two "
                    "versions separated by a comma, \"(from, to)\"");
  EXPECT_EQ(e.hint, "write each transition as \"(from, to)\" = [...], e.g. \"(1.3.0, 1.4.0)\" = []");
  auto parens = release_error("version = \"1.4.0\"\n[migrations]\n\"1.3.0, 1.4.0\" = []\n");
  EXPECT_EQ(parens.what, "Release.toml:3:1: invalid migration key \"1.3.0, 1.4.0\": expected two "
                         "versions in parentheses, \"(from, to)\"");
  auto semver = release_error("version = \"1.4.0\"\n[migrations]\n\"(1.3, 1.4.0)\" = []\n");
  EXPECT_EQ(semver.what, "Release.toml:3:1: invalid migration key \"(1.3, 1.4.0)\": '1.3' is not "
                         "a semantic version such as '1.4.0'");
  auto backwards = release_error("version = \"1.4.0\"\n[migrations]\n\"(1.4.0, 1.3.0)\" = []\n");
  EXPECT_EQ(backwards.what, "Release.toml:3:1: invalid migration key \"(1.4.0, 1.3.0)\": 'from' "
                            "must be lower than 'to'");
}

TEST(LoadRelease, DuplicateTransitionWrittenTwoWays) {
  auto e = release_error(
      "version = \"1.4.0\"\n[migrations]\n\"(1.3.0, 1.4.0)\" = []\n\"(1.3.0,1.4.0)\" = []\n");
  EXPECT_EQ(e.what, "Release.toml:4:1: duplicate migration key for (1.3.0, 1.4.0)");
}

TEST(LoadRelease, MigrationFileNames) {
  auto e = release_error(
      "version = \"1.4.0\"\n[migrations]\n\"(1.3.0, 1.4.0)\" = [\"dir/migrate_v1.4.0_a.lz4\"]\n");
  EXPECT_EQ(e.what, "Release.toml:3:21: invalid migration file name 'dir/migrate_v1.4.0_a.lz4': "
                    "it contains '/'");
  auto type = release_error("version = \"1.4.0\"\n[migrations]\n\"(1.3.0, 1.4.0)\" = \"a.lz4\"\n");
  EXPECT_EQ(type.what, "Release.toml:3:20: expected a list of migration file names for "
                       "\"(1.3.0, 1.4.0)\", found a string");
}

TEST(LoadRelease, GapBetweenTransitions) {
  auto e = migrations_error(
      "version = \"1.48.0\"\n[migrations]\n\"(1.46.0, 1.47.0)\" = []\n\"(1.48.0, 1.48.1)\" = []\n");
  // The gap is reported before the transition that goes past the version.
  EXPECT_EQ(e.what, "Release.toml:4:1: missing version transition: (1.47.0, 1.48.0)");
  EXPECT_EQ(e.hint, "add \"(1.47.0, 1.48.0)\" = [] under [migrations]");
}

TEST(LoadRelease, TransitionsMustReachTheVersion) {
  auto e = migrations_error("version = \"1.48.0\"\n[migrations]\n\"(1.46.0, 1.47.0)\" = []\n");
  EXPECT_EQ(e.what, "Release.toml:1:11: missing version transition: (1.47.0, 1.48.0)");
  auto past = migrations_error("version = \"1.47.0\"\n[migrations]\n\"(1.47.0, 1.48.0)\" = []\n");
  EXPECT_EQ(past.what, "Release.toml:3:1: version transition (1.47.0, 1.48.0) goes past the "
                       "release version 1.47.0");
}

TEST(LoadRelease, OverlappingTransitions) {
  auto e = migrations_error(
      "version = \"1.2.0\"\n[migrations]\n\"(1.0.0, 1.2.0)\" = []\n\"(1.1.0, 1.2.0)\" = []\n");
  EXPECT_EQ(e.what, "Release.toml:4:1: version transition (1.1.0, 1.2.0) overlaps (1.0.0, 1.2.0): "
                    "each transition must start where the previous one ends");
}

TEST(LoadRelease, MigrationFilesMustExist) {
  TempDir dir;
  write_file_atomic(dir.path() / "migrate_v1.4.0_a.lz4", "x", Durability::cache);
  std::string text = "version = \"1.4.0\"\n[migrations]\n"
                     "\"(1.3.0, 1.4.0)\" = [\"migrate_v1.4.0_a.lz4\", \"migrate_v1.4.0_b.lz4\"]\n";
  auto e = migrations_error(text, dir.path());
  EXPECT_EQ(e.what, "Release.toml:3:1: migration file 'migrate_v1.4.0_b.lz4' for (1.3.0, 1.4.0) "
                    "does not exist in " + dir.path().string());
  write_file_atomic(dir.path() / "migrate_v1.4.0_b.lz4", "x", Durability::cache);
  check_migrations(parse_release(text, "Release.toml"), dir.path());
}

TEST(LoadRelease, UnknownTopLevelKey) {
  auto e = release_error("versoin = \"1.4.0\"\n");
  EXPECT_EQ(e.what, "Release.toml:1:1: unknown key 'versoin' at the top level, did you mean "
                    "'version'?");
  EXPECT_EQ(e.hint, "rename it to 'version' or remove it; the top-level keys of Release.toml are: "
                    "version, migrations");
}
