#include <gtest/gtest.h>

#include <set>

#include "osbuild/config/settings.h"

using namespace osbuild;
using namespace osbuild::config;

TEST(Settings, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  ProjectFile file;
  file.path = "/p/osbuild.toml";
  file.sources.upstream_fallback = false;
  file.cache.dir = "/from/file";
  Environment env = {{"BUILDSYS_UPSTREAM_SOURCE_FALLBACK", "true"}, {"OSBUILD_CACHE_DIR", "/env"}};
  FlagValues flags = {{"cache.dir", "/flag"}};
  auto s = Settings::resolve(&file, flags, env);
  EXPECT_EQ(s.str("cache.dir"), "/flag");
  EXPECT_EQ(s.get("cache.dir").origin, Origin::flag);
  EXPECT_TRUE(s.boolean("sources.upstream-fallback"));
  EXPECT_EQ(s.get("sources.upstream-fallback").source, "BUILDSYS_UPSTREAM_SOURCE_FALLBACK");
  auto no_env = Settings::resolve(&file, {}, {});
  EXPECT_EQ(no_env.str("cache.dir"), "/from/file");
  EXPECT_EQ(no_env.get("cache.dir").origin, Origin::file);
  EXPECT_FALSE(no_env.boolean("sources.upstream-fallback"));
  EXPECT_EQ(no_env.get("cache.max-size").origin, Origin::builtin);
  EXPECT_EQ(no_env.size("cache.max-size"), 20ULL << 30);
}

TEST(Settings, BottlerocketNamesComeBeforeOsbuildOnes) {
  Environment env = {{"BUILDSYS_ARCH", "arm64"}, {"OSBUILD_ARCH", "x86_64"}};
  auto s = Settings::resolve(nullptr, {}, env);
  EXPECT_EQ(s.str("arch"), "aarch64");
  EXPECT_EQ(s.get("arch").source, "BUILDSYS_ARCH");
}

TEST(Settings, BadValueNamesItsSource) {
  Environment env = {{"BUILDSYS_JOBS", "many"}};
  try {
    Settings::resolve(nullptr, {}, env);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "jobs from BUILDSYS_JOBS: expected a whole number of at least 1, got 'many'");
    EXPECT_EQ(e.exit_code(), ExitCode::usage);
  }
  try {
    Settings::resolve(nullptr, {{"arch", "sparc"}}, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "arch from --arch: unknown architecture 'sparc': expected x86_64 (alias amd64) or "
                 "aarch64 (alias arm64)");
  }
}

TEST(Settings, EveryKeyIsDeclaredOnce) {
  std::set<std::string_view> seen;
  for (const auto& def : setting_table()) {
    EXPECT_TRUE(seen.insert(def.key).second) << def.key;
    EXPECT_FALSE(def.help.empty()) << def.key;
  }
}

TEST(Settings, RelativePathsFromTheFileAreInsideTheProject) {
  ProjectFile file;
  file.path = "/srv/project/osbuild.toml";
  file.cache.dir = ".cache/osbuild";
  auto s = Settings::resolve(&file, {}, {});
  EXPECT_EQ(s.str("cache.dir"), "/srv/project/.cache/osbuild");
  // From the environment or a flag, a relative path is relative to where osbuild runs.
  auto env = Settings::resolve(&file, {}, {{"OSBUILD_CACHE_DIR", "rel"}});
  EXPECT_EQ(env.str("cache.dir"), "rel");
}

namespace osbuild::config {
namespace {

TEST(Settings, LogLevelIsCheckedAndNamesItsSource) {
  auto s = Settings::resolve(nullptr, {}, {{"OSBUILD_LOG_LEVEL", "debug"}});
  EXPECT_EQ(s.str("log-level"), "debug");
  EXPECT_EQ(s.get("log-level").source, "OSBUILD_LOG_LEVEL");
  EXPECT_EQ(Settings::resolve(nullptr, {}, {}).str("log-level"), "warn");
  try {
    resolve_setting(setting("log-level"), nullptr, {}, {{"OSBUILD_LOG_LEVEL", "loud"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "log-level from OSBUILD_LOG_LEVEL: expected trace, debug, info, warn, "
                           "error or off, got 'loud'");
    EXPECT_EQ(e.hint(), "fix or unset OSBUILD_LOG_LEVEL");
    EXPECT_EQ(e.exit_code(), ExitCode::usage);
  }
}

TEST(Settings, FetchTuningComesFromTheEnvironment) {
  auto s = Settings::resolve(nullptr, {}, {{"OSBUILD_FETCH_RETRIES", "0"}});
  EXPECT_EQ(s.integer("fetch.retries"), 0);  // a count: zero is allowed
  EXPECT_EQ(s.integer("fetch.host-connections"), 8);
  EXPECT_EQ(s.get("fetch.retries").origin, Origin::environment);
  EXPECT_THROW(Settings::resolve(nullptr, {}, {{"OSBUILD_FETCH_CONNECT_TIMEOUT", "0"}}), Error);
  EXPECT_THROW(Settings::resolve(nullptr, {}, {{"OSBUILD_FETCH_RETRIES", "-1"}}), Error);
}

TEST(Settings, AFlagIsNamedByItsLongName) {
  EXPECT_EQ(long_flag(setting("jobs")), "--jobs");
  EXPECT_EQ(long_flag(setting("arch")), "--arch");
  EXPECT_EQ(long_flag(setting("variant")), "");
  auto s = Settings::resolve(nullptr, {{"jobs", "3"}}, {});
  EXPECT_EQ(s.get("jobs").source, "--jobs");
  EXPECT_EQ(normalise_setting(setting("arch"), {"arm64", Origin::flag, "--arch"}), "aarch64");
  EXPECT_THROW(setting("no-such-setting"), Error);
}

}  // namespace
}  // namespace osbuild::config
