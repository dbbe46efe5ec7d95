// A kit of this project: its packages are the included ones and the closure of their requires,
// stopping at another kit's packages; assembling it gathers each built artifact and writes
// index.json with the kits its packages need.
#include <gtest/gtest.h>

#include "kit_fixture.h"
#include "osbuild/kit/kit.h"
#include "osbuild/store/store.h"
#include "osbuild/workspace/records.h"

namespace osbuild::kit {
namespace {

using namespace testing;

class KitBuild : public KitTest {
 protected:
  void SetUp() override {
    write_project();
    write_package("libc");
    write_package("greet-data", "requires = [\"libc\"]\n");
    write_package("greet", "requires = [\"greet-data\"]\n");
    write("kits/greet-kit/kit.toml",
          "[kit]\nvendor = \"local\"\nincluded-packages = [\"greet\"]\n");
  }
  void add_data_kit() const {
    write("kits/data-kit/kit.toml",
          "[kit]\nvendor = \"local\"\nincluded-packages = [\"greet-data\"]\n");
  }
  std::vector<std::string> packages_of(const std::string& kit) const {
    config::Project project = config::load_project(root());
    return kit_packages(project, project.kit(kit));
  }
  // The package's build recorded with `data` as its artifact, in the store.
  std::string built(const Context& ctx, const std::string& package, const std::string& data) const {
    store::Store store(cache());
    std::string hex = store.put_bytes(data);
    fs::path state = workspace::package_state_path(ctx.build_dir(), Arch::x86_64, package);
    fs::create_directories(state.parent_path());
    write_file_atomic(state, Json{{"artifact", hex}}.dump(), Durability::cache);
    return hex;
  }
};

TEST_F(KitBuild, TheClosureOfRequiresIsInTheKit) {
  EXPECT_EQ(packages_of("greet-kit"), (std::vector<std::string>{"greet", "greet-data", "libc"}));
}

TEST_F(KitBuild, TheClosureStopsAtAnotherKitsPackages) {
  add_data_kit();
  EXPECT_EQ(packages_of("greet-kit"), (std::vector<std::string>{"greet"}));
  EXPECT_EQ(packages_of("data-kit"), (std::vector<std::string>{"greet-data", "libc"}));
}

TEST_F(KitBuild, APackageBothKitsIncludeIsInEach) {
  write("kits/data-kit/kit.toml",
        "[kit]\nvendor = \"local\"\nincluded-packages = [\"greet-data\", \"greet\"]\n");
  EXPECT_EQ(packages_of("greet-kit"), (std::vector<std::string>{"greet"}));
  EXPECT_EQ(packages_of("data-kit"), (std::vector<std::string>{"greet", "greet-data", "libc"}));
}

TEST_F(KitBuild, TheClosureStopsAtAFetchedKitsPackages) {
  config::Project project = config::load_project(root());
  config::Package& data = project.packages.at("greet-data");
  data.kit = config::KitOrigin{"data-kit", "2.0.0", "local", std::string(64, 'd')};
  EXPECT_EQ(kit_packages(project, project.kit("greet-kit")), (std::vector<std::string>{"greet"}));
}

TEST_F(KitBuild, AnUnknownRequirementIsNamedWhereItIsWritten) {
  // With a [[kit]] required, `requires` may name a fetched kit's package: the project loads, and
  // the kit's closure finds no such package when the kit's packages are not there.
  write_project("[[kit]]\nname = \"x-kit\"\nversion = \"^1\"\nvendor = \"local\"\n");
  write_package("greet", "requires = [\"greet-dta\"]\n");
  auto e = catch_error([&] { packages_of("greet-kit"); });
  EXPECT_EQ(e.what.rfind("packages/greet/package.toml:4:13: package \"greet-dta\" is not in this "
                         "project",
                         0),
            0u)
      << e.what;
  EXPECT_NE(e.what.find("greet-data"), std::string::npos) << e.what;  // the suggestion
  EXPECT_NE(e.hint.find("add packages/greet-dta/package.toml"), std::string::npos) << e.hint;
}

TEST_F(KitBuild, AssembleGathersTheArtifactsAndWritesTheIndex) {
  add_data_kit();
  write_project("[[kit]]\nname = \"base-kit\"\nversion = \"^2.0\"\nvendor = \"local\"\n");
  Context ctx = context();
  std::string greet = built(ctx, "greet", "greet tar");
  fs::path dir = root() / "build/kits/greet-kit/x86_64";
  write("build/kits/greet-kit/x86_64/stale.tar", "old");

  BuiltKit kit = assemble_kit(ctx, "greet-kit", packages_of("greet-kit"));
  EXPECT_EQ(kit.name, "greet-kit");
  EXPECT_EQ(kit.arch, Arch::x86_64);
  EXPECT_EQ(kit.dir, dir);
  ASSERT_EQ(kit.packages.size(), 1u);
  EXPECT_EQ(kit.packages[0].name, "greet");
  EXPECT_EQ(kit.packages[0].version, "1.0.0");
  EXPECT_EQ(kit.packages[0].license, "MIT");
  EXPECT_EQ(kit.packages[0].artifact, greet);
  EXPECT_EQ(kit.packages[0].size, std::string("greet tar").size());
  EXPECT_EQ(kit.packages[0].requires_, (std::vector<std::string>{"greet-data"}));
  // greet needs greet-data from data-kit at this release, and the project's own [[kit]]s.
  EXPECT_EQ(kit.kits, (std::vector<config::KitDependency>{{"data-kit", "=1.0.0", "local"},
                                                         {"base-kit", "^2.0", "local"}}));

  EXPECT_EQ(read_file(dir / "greet.tar").value(), "greet tar");
  EXPECT_FALSE(fs::exists(dir / "stale.tar"));
  Json index = Json::parse(read_file(dir / "index.json").value());
  EXPECT_EQ(index["name"], "greet-kit");
  EXPECT_EQ(index["vendor"], "local");
  EXPECT_EQ(index["version"], "1.0.0");
  EXPECT_EQ(index["arch"], "x86_64");
  ASSERT_EQ(index["packages"].size(), 1u);
  EXPECT_EQ(index["packages"][0]["digest"], "sha256:" + greet);
  EXPECT_EQ(index["packages"][0]["requires"], Json::array({"greet-data"}));
  EXPECT_EQ(kits_from_json(index["kits"]), kit.kits);
}

TEST_F(KitBuild, AKitHoldingItsRequiresNeedsNoOtherKit) {
  Context ctx = context();
  built(ctx, "greet", "greet tar");
  built(ctx, "greet-data", "data tar");
  built(ctx, "libc", "libc tar");
  BuiltKit kit = assemble_kit(ctx, "greet-kit", packages_of("greet-kit"));
  ASSERT_EQ(kit.packages.size(), 3u);
  EXPECT_TRUE(kit.kits.empty());
  EXPECT_EQ(read_file(kit.dir / "libc.tar").value(), "libc tar");
}

TEST_F(KitBuild, APackageNotBuiltSaysWhatToBuild) {
  Context ctx = context();
  auto e = catch_error([&] { assemble_kit(ctx, "greet-kit", {"greet"}); });
  fs::path state = workspace::package_state_path(ctx.build_dir(), Arch::x86_64, "greet");
  EXPECT_EQ(e.what, state.string() + ": no artifact recorded for package greet");
  EXPECT_EQ(e.hint, "run `osbuild build package greet --arch x86_64`");
}

TEST_F(KitBuild, AnArtifactGoneFromTheStoreSaysToRebuild) {
  Context ctx = context();
  std::string hex = built(ctx, "greet", "greet tar");
  store::Store store(cache());
  fs::remove(*store.get_blob(hex));
  auto e = catch_error([&] { assemble_kit(ctx, "greet-kit", {"greet"}); });
  EXPECT_EQ(e.what, "the artifact of package greet (" + hex.substr(0, 12) +
                        ") is not in the store at " + store.root().string());
  EXPECT_EQ(e.hint, "run `osbuild build package greet --force-package greet`");
}

}  // namespace
}  // namespace osbuild::kit
