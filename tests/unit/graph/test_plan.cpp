#include <gtest/gtest.h>

#include <fstream>

#include "osbuild/graph/action_key.h"
#include "osbuild/graph/plan.h"
#include "osbuild/util/fs.h"

using namespace osbuild;
using namespace osbuild::graph;

namespace {

// A project in memory, with each package's folder on disk (keys hash the folder's files).
class PlanTest : public ::testing::Test {
protected:
  void add_package(const std::string& name, std::vector<std::string> depends,
                   std::vector<std::string> requires_list = {}) {
    config::Package pkg;
    pkg.name = name;
    pkg.version = parse_version("1.0.0").value();
    pkg.depends = std::move(depends);
    pkg.runtime_requires = std::move(requires_list);
    pkg.dir = m_dir.path() / "packages" / name;
    pkg.manifest = pkg.dir / "package.toml";
    pkg.where["depends"] = config::SourceLocation{pkg.manifest, 5, 1};
    std::filesystem::create_directories(pkg.dir);
    write_file_atomic(pkg.dir / "build.sh", "make\n");
    write_file_atomic(pkg.manifest, "# not hashed directly\n");
    m_project.packages[name] = pkg;
  }
  void add_variant(std::vector<std::string> included) {
    config::Variant v;
    v.name = "dev";
    v.included_packages = std::move(included);
    v.supported_arches = {Arch::x86_64};
    v.manifest = m_dir.path() / "variants/dev/variant.toml";
    m_project.variants["dev"] = v;
  }
  Plan plan(Arch arch = Arch::x86_64) {
    auto g = PackageGraph::build(m_project);
    return make_plan(m_project, g, PlanRequest{"dev", arch, Json::object(), {}});
  }
  std::string key_of(const Plan& p, const std::string& name) {
    for (const auto& a : p.actions) {
      if (a.name == name) return a.key;
    }
    return {};
  }

  TempDir m_dir;
  config::Project m_project;
};

}  // namespace

TEST_F(PlanTest, OrdersDependenciesFirstAndEndsWithImageAndRepo) {
  m_project.root = m_dir.path();
  m_project.file.name = "hello-os";
  m_project.file.release_version = parse_version("1.4.0").value();
  add_package("libc", {});
  add_package("zlib", {"libc"});
  add_package("agent", {"zlib", "libc"}, {"zlib"});
  add_variant({"agent"});
  auto p = plan();
  ASSERT_EQ(p.actions.size(), 5U);
  EXPECT_EQ(p.actions[0].name, "libc");
  EXPECT_EQ(p.actions[1].name, "zlib");
  EXPECT_EQ(p.actions[2].name, "agent");
  EXPECT_EQ(p.actions[3].kind, ActionKind::image);
  EXPECT_EQ(p.actions[4].kind, ActionKind::repo);
  // The image contains the run-time closure only: agent and zlib, not the build-only libc.
  EXPECT_EQ(p.actions[3].inputs["packages"].size(), 2U);
}

TEST_F(PlanTest, ReleaseVersionBumpChangesOnlyWhatCanSeeIt) {
  m_project.root = m_dir.path();
  m_project.file.release_version = parse_version("1.4.0").value();
  add_package("zlib", {});
  add_package("os-release", {});
  m_project.packages["os-release"].uses_release_version = true;
  add_variant({"zlib", "os-release"});
  auto before = plan();
  m_project.file.release_version = parse_version("1.5.0").value();
  auto after = plan();
  EXPECT_EQ(key_of(before, "zlib"), key_of(after, "zlib"));
  EXPECT_NE(key_of(before, "os-release"), key_of(after, "os-release"));
  EXPECT_NE(before.actions[2].key, after.actions[2].key);  // the image reads the version
}

TEST_F(PlanTest, EditingAScriptChangesThePackageAndItsDependents) {
  m_project.root = m_dir.path();
  add_package("zlib", {});
  add_package("agent", {"zlib"});
  add_package("lua", {});
  add_variant({"agent", "lua"});
  auto before = plan();
  write_file_atomic(m_dir.path() / "packages/zlib/build.sh", "make -j4\n");
  auto after = plan();
  EXPECT_NE(key_of(before, "zlib"), key_of(after, "zlib"));
  EXPECT_NE(key_of(before, "agent"), key_of(after, "agent"));
  EXPECT_EQ(key_of(before, "lua"), key_of(after, "lua"));
  // package.toml itself is not hashed as bytes: a comment changes nothing.
  write_file_atomic(m_dir.path() / "packages/lua/package.toml", "# a new comment\n");
  EXPECT_EQ(key_of(after, "lua"), key_of(plan(), "lua"));
}

TEST_F(PlanTest, CacheMarksShowInTextAndJson) {
  m_project.root = m_dir.path();
  m_project.file.release_version = parse_version("1.0.0").value();
  add_package("zlib", {});
  add_variant({"zlib"});
  auto p = plan();
  ASSERT_EQ(p.actions.size(), 3U);
  p.actions[0].cached = true;   // build zlib
  p.actions[1].cached = false;  // image; the repo is left unmarked
  p.cache_note = "not looked up: the repository";
  std::string text = format_plan(p);
  EXPECT_NE(text.find("; 1 cached\n"), std::string::npos) << text;
  EXPECT_NE(text.find("build  cached  zlib "), std::string::npos) << text;
  EXPECT_NE(text.find("image  runs    dev "), std::string::npos) << text;
  EXPECT_NE(text.find("repo   -       dev "), std::string::npos) << text;
  EXPECT_NE(text.find("  -: not looked up: the repository\n"), std::string::npos) << text;
  Json doc = plan_to_json(p);
  EXPECT_EQ(doc["actions"][0]["cached"], true);
  EXPECT_EQ(doc["actions"][1]["cached"], false);
  EXPECT_TRUE(doc["actions"][2]["cached"].is_null());
  EXPECT_EQ(doc["cache_note"], "not looked up: the repository");
}

TEST_F(PlanTest, CycleIsReportedWithItsEdges) {
  add_package("a", {"b"});
  add_package("b", {"c"});
  add_package("c", {"a"});
  try {
    PackageGraph::build(m_project);
    FAIL() << "expected a cycle error";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("dependency cycle in 'depends': a -> b -> c -> a"), std::string::npos)
        << what;
    EXPECT_NE(what.find("packages/c/package.toml:5:1"), std::string::npos) << what;
  }
}

TEST_F(PlanTest, UnknownPackageSuggestsTheNearest) {
  add_package("zlib", {});
  add_package("agent", {"zlbi"});
  try {
    PackageGraph::build(m_project);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("refers to unknown package 'zlbi', did you mean 'zlib'?"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(PlanTest, UnsupportedArchIsRefusedWithTheFix) {
  m_project.root = m_dir.path();
  add_package("zlib", {});
  add_variant({"zlib"});
  try {
    plan(Arch::aarch64);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "variant 'dev' does not support aarch64: its supported-arches are x86_64");
    EXPECT_NE(e.hint().find("--arch x86_64"), std::string::npos);
  }
}

TEST(ActionKey, StableAndSensitive) {
  Json a = {{"b", 1}, {"a", "x"}};
  Json b = {{"a", "x"}, {"b", 1}};
  EXPECT_EQ(action_key("build", a), action_key("build", b));
  EXPECT_NE(action_key("build", a), action_key("image", a));
  EXPECT_EQ(action_key("build", a).size(), 64U);
}

TEST(TreeDigest, ContentAndExecutableBitCountTimestampsDoNot) {
  TempDir dir;
  write_file_atomic(dir.path() / "a.c", "int main(){}\n");
  auto d1 = tree_digest(dir.path());
  std::filesystem::last_write_time(dir.path() / "a.c", std::filesystem::file_time_type{});
  EXPECT_EQ(d1, tree_digest(dir.path()));
  std::filesystem::permissions(dir.path() / "a.c", std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  EXPECT_NE(d1, tree_digest(dir.path()));
  EXPECT_EQ(tree_digest(dir.path(), {"a.c"}), tree_digest(TempDir().path()));
}
