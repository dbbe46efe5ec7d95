// osbuild.lock and osbuild.override.toml: the text update writes reads back the same; a lock whose
// version and source tag disagree is refused; stale entries are each named.
#include <gtest/gtest.h>

#include "osbuild/config/kits.h"
#include "osbuild/config/load.h"
#include "osbuild/util/error.h"

namespace osbuild::config {
namespace {

Lock sample_lock() {
  Lock lock;
  lock.kits.push_back({"app-kit",
                       "1.2.0",
                       "local",
                       "127.0.0.1:5000/o/app-kit:v1.2.0",
                       "sha256:" + std::string(64, 'a'),
                       {{"base-kit", "^1", "local"}},
                       {}});
  lock.kits.push_back({"base-kit",
                       "1.4.0",
                       "local",
                       "127.0.0.1:5000/o/base-kit:v1.4.0",
                       "sha256:" + std::string(64, 'b'),
                       {},
                       {}});
  return lock;
}

ProjectFile project_requiring(const std::string& kits_toml) {
  return parse_project_file(
      "schema-version = 1\nname = \"p\"\nrelease-version = \"1.0.0\"\n"
      "[vendor.local]\nregistry = \"127.0.0.1:5000/o\"\n"
      "[vendor.other]\nregistry = \"127.0.0.1:5000/o\"\n" +
          kits_toml,
      "osbuild.toml");
}

TEST(KitLock, RendersSortedAndReadsBack) {
  Lock lock = sample_lock();
  std::swap(lock.kits[0], lock.kits[1]);
  std::string text = render_lock(lock);
  EXPECT_LT(text.find("name = \"app-kit\""), text.find("name = \"base-kit\""));
  EXPECT_NE(text.find("kits = [{ name = \"base-kit\", version = \"^1\", vendor = \"local\" }]"),
            std::string::npos);
  Lock back = parse_lock(text, "osbuild.lock");
  ASSERT_EQ(back.kits.size(), 2u);
  EXPECT_EQ(back.kits[0].name, "app-kit");
  EXPECT_EQ(back.kits[0].kits, (std::vector<KitDependency>{{"base-kit", "^1", "local"}}));
  EXPECT_EQ(back.kits[1].digest, "sha256:" + std::string(64, 'b'));
  EXPECT_EQ(render_lock(back), text);
}

TEST(KitLock, RefusesVersionThatDisagreesWithTheSourceTag) {
  std::string text = render_lock(sample_lock());
  text.replace(text.find("version = \"1.4.0\""), 17, "version = \"1.5.0\"");
  try {
    parse_lock(text, "osbuild.lock");
    FAIL() << "a lock whose version and tag disagree was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), ExitCode::verification);
    EXPECT_NE(std::string(e.what()).find("osbuild.lock:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("version 1.5.0 disagrees with its source"),
              std::string::npos)
        << e.what();
  }
}

TEST(KitLock, MatchingLockHasNoProblems) {
  auto file =
      project_requiring("[[kit]]\nname = \"app-kit\"\nversion = \"^1.1\"\nvendor = \"local\"\n");
  EXPECT_TRUE(lock_problems(file, sample_lock()).empty());
}

TEST(KitLock, NamesEachStaleEntry) {
  auto file = project_requiring(
      "[[kit]]\nname = \"app-kit\"\nversion = \"^2\"\nvendor = \"other\"\n"
      "[[kit]]\nname = \"new-kit\"\nversion = \"^1\"\nvendor = \"local\"\n");
  Lock lock = sample_lock();
  lock.kits.push_back({"old-kit", "1.0.0", "local", "h/o/old-kit:v1.0.0", "sha256:x", {}, {}});
  lock.kits[1].version = "2.0.0";  // base-kit no longer meets app-kit's ^1
  auto problems = lock_problems(file, lock);
  auto has = [&](const std::string& text) {
    for (const auto& p : problems) {
      if (p.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("kit app-kit: osbuild.toml (osbuild.toml:8:1) says vendor \"other\""));
  EXPECT_TRUE(has("kit app-kit: locked version 1.2.0 does not meet \"^2\""));
  EXPECT_TRUE(has("kit new-kit (osbuild.toml:12:1) is not in osbuild.lock"));
  EXPECT_TRUE(has("kit base-kit: locked version 2.0.0 does not meet \"^1\" (required by app-kit"));
  EXPECT_TRUE(has("kit old-kit is in osbuild.lock"));
  EXPECT_EQ(problems.size(), 5u);
}

TEST(KitOverride, ReadsVendorsAndKits) {
  auto o = parse_overrides(
      "[vendor.local]\nregistry = \"127.0.0.1:5001/test\"\n"
      "[kit.greet-kit]\nname = \"greet-kit-dev\"\n",
      "osbuild.override.toml");
  EXPECT_EQ(o.vendors.at("local").registry, "127.0.0.1:5001/test");
  EXPECT_EQ(o.kits.at("greet-kit").name, "greet-kit-dev");
  EXPECT_EQ(o.summary(), "vendor local → 127.0.0.1:5001/test, kit greet-kit → greet-kit-dev");
  EXPECT_THROW(parse_overrides("[kit.k]\n", "osbuild.override.toml"), Error);
  EXPECT_THROW(parse_overrides("[vendor.v]\nregistry = \"http://h/x\"\n", "o.toml"), Error);
  EXPECT_THROW(parse_overrides("[vendr.v]\nregistry = \"h/x\"\n", "o.toml"), Error);
}

}  // namespace
}  // namespace osbuild::config
