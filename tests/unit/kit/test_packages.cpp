// The packages of fetched kits added to the project: each with its KitOrigin; a local package of
// the same name refused unless override-packages lists it; every name in depends, requires and
// included-packages then known, or named at its file:line.
#include <gtest/gtest.h>

#include "kit_fixture.h"
#include "osbuild/kit/kit.h"
#include "osbuild/workspace/records.h"

namespace osbuild::kit {
namespace {

using namespace testing;

const std::string k_index = "sha256:" + std::string(64, 'a');
const std::string k_greet = std::string(64, '1');
const std::string k_data = std::string(64, '2');

class KitPackages : public KitTest {
 protected:
  // osbuild.toml requiring greet-kit (its [[kit]] at line 6), with `kit_extra` in the [[kit]].
  void SetUp() override { project_requiring(); }
  void project_requiring(const std::string& kit_extra = {}) const {
    write_project("[[kit]]\nname = \"greet-kit\"\nversion = \"^1.0\"\nvendor = \"local\"\n" +
                  kit_extra);
    config::Lock lock;
    lock.kits.push_back({"greet-kit", "1.2.0", "local", k_host + "/osbuild/greet-kit:v1.2.0",
                         k_index, {}, {}});
    write("osbuild.lock", config::render_lock(lock));
  }
  void record(const std::string& index = k_index) const {
    std::vector<ConfigPackage> packages = {
        {"greet", "1.1.0", "MIT", "sha256:" + k_greet, 10, {"greet-data"}},
        {"greet-data", "1.0.0", "CC0-1.0", "sha256:" + k_data, 20, {}}};
    workspace::write_fetched_kit(build(), Arch::x86_64, "greet-kit",
                                 {{"schema-version", 1},
                                  {"name", "greet-kit"},
                                  {"index", index},
                                  {"packages", packages_json(packages)}});
  }
  fs::path build() const { return root() / "build"; }
  config::Project add() const {
    config::Project project = config::load_project(root());
    add_kit_packages(project, build(), Arch::x86_64, config::LockCheck::warn);
    return project;
  }
};

TEST_F(KitPackages, AddsEachPackageWithItsKitOrigin) {
  record();
  write_package("app", "depends = [\"greet-data\"]\nrequires = [\"greet\"]\n");
  config::Project project = config::load_project(root());
  auto lock = add_kit_packages(project, build(), Arch::x86_64, config::LockCheck::warn);
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->kits.at(0).name, "greet-kit");
  ASSERT_EQ(project.packages.size(), 3u);
  const config::Package& greet = project.package("greet");
  ASSERT_TRUE(greet.kit);
  EXPECT_EQ(greet.kit->kit, "greet-kit");
  EXPECT_EQ(greet.kit->kit_version, "1.2.0");
  EXPECT_EQ(greet.kit->vendor, "local");
  EXPECT_EQ(greet.kit->artifact, k_greet);
  EXPECT_EQ(greet.version.str(), "1.1.0");
  EXPECT_EQ(greet.license, "MIT");
  EXPECT_EQ(greet.runtime_requires, (std::vector<std::string>{"greet-data"}));
  EXPECT_EQ(greet.manifest, workspace::fetched_kit_path(build(), Arch::x86_64, "greet-kit"));
  EXPECT_EQ(project.package("greet-data").kit->artifact, k_data);
  EXPECT_FALSE(project.package("app").kit);
}

TEST_F(KitPackages, ALocalPackageOfTheSameNameIsRefused) {
  record();
  write_package("greet");
  auto e = catch_error([&] { add(); });
  EXPECT_EQ(e.what, (root() / "packages/greet/package.toml").string() +
                        ": package 'greet' is also in kit greet-kit 1.2.0");
  EXPECT_EQ(e.hint, "rename the local package, or build it instead of the kit's with "
                    "override-packages = [\"greet\"] in the [[kit]] of greet-kit in osbuild.toml");
}

TEST_F(KitPackages, OverridePackagesKeepsTheLocalPackage) {
  project_requiring("override-packages = [\"greet\"]\n");
  record();
  write_package("greet");
  config::Project project = add();
  EXPECT_FALSE(project.package("greet").kit);
  EXPECT_EQ(project.package("greet").version.str(), "1.0.0");
  EXPECT_TRUE(project.package("greet-data").kit);
}

TEST_F(KitPackages, OverridePackagesMustNameAPackageOfTheKit) {
  project_requiring("override-packages = [\"gret\"]\n");
  record();
  auto e = catch_error([&] { add(); });
  EXPECT_EQ(e.what, "osbuild.toml:6:1: override-packages names 'gret', which kit greet-kit "
                    "1.2.0 does not hold");
  EXPECT_EQ(e.hint, "remove it from override-packages");
}

TEST_F(KitPackages, OverridePackagesNeedsALocalPackage) {
  project_requiring("override-packages = [\"greet\"]\n");
  record();
  auto e = catch_error([&] { add(); });
  EXPECT_EQ(e.what, "osbuild.toml:6:1: override-packages names 'greet', but there is no local "
                    "package of that name");
}

TEST_F(KitPackages, AnUnknownNameInAVariantIsNamedAtItsLine) {
  record();
  write("variants/dev/variant.toml", "[variant]\nincluded-packages = [\"greet\", \"gret-data\"]\n");
  auto e = catch_error([&] { add(); });
  EXPECT_EQ(e.what.rfind("variants/dev/variant.toml:2:31: unknown package 'gret-data' in "
                         "'included-packages': not a package of this project nor of the kits "
                         "greet-kit 1.2.0",
                         0),
            0u)
      << e.what;
  EXPECT_NE(e.what.find("greet-data"), std::string::npos) << e.what;  // the suggestion
  EXPECT_NE(e.hint.find("packages/gret-data/package.toml"), std::string::npos) << e.hint;
}

TEST_F(KitPackages, AnUnknownNameInRequiresAndDependsIsNamedAtItsLine) {
  record();
  write_package("app", "requires = [\"greet\", \"nothing\"]\n");
  auto e = catch_error([&] { add(); });
  EXPECT_EQ(e.what.rfind("packages/app/package.toml:4:22: unknown package 'nothing' in "
                         "'requires'",
                         0),
            0u)
      << e.what;
  write_package("app", "depends = [\"nothing\"]\n");
  e = catch_error([&] { add(); });
  EXPECT_EQ(e.what.rfind("packages/app/package.toml:4:12: unknown package 'nothing' in "
                         "'depends'",
                         0),
            0u)
      << e.what;
}

TEST_F(KitPackages, ALockedKitNotFetchedSaysToFetch) {
  auto e = catch_error([&] { add(); });
  fs::path path = workspace::fetched_kit_path(build(), Arch::x86_64, "greet-kit");
  EXPECT_EQ(e.what, "kit greet-kit 1.2.0 is locked but not fetched for x86_64 (" + path.string() +
                        " is missing)");
  EXPECT_EQ(e.hint, "run `osbuild fetch --arch x86_64`");
}

TEST_F(KitPackages, AFetchedCopyOfAnotherIndexSaysToFetch) {
  record("sha256:" + std::string(64, 'b'));
  auto e = catch_error([&] { add(); });
  fs::path path = workspace::fetched_kit_path(build(), Arch::x86_64, "greet-kit");
  EXPECT_EQ(e.what, "kit greet-kit: the fetched copy (" + path.string() + ") is of index sha256:" +
                        std::string(64, 'b') + ", osbuild.lock names " + k_index);
  EXPECT_EQ(e.hint, "run `osbuild fetch --arch x86_64`");
}

TEST_F(KitPackages, WithoutKitsNothingIsAddedOrChecked) {
  write_project();
  fs::remove(root() / "osbuild.lock");
  write_package("app");
  config::Project project = config::load_project(root());
  EXPECT_FALSE(add_kit_packages(project, build(), Arch::x86_64, config::LockCheck::refuse));
  EXPECT_EQ(project.packages.size(), 1u);
}

}  // namespace
}  // namespace osbuild::kit
