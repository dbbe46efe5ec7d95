// `[[build.step]]` chains through the FakeRunner: which steps run, which are reused from their
// snapshot, and what a failed step leaves.
#include "build_fixture.h"

namespace osbuild::build {
namespace {

class StepsTest : public PackageBuildTest {
 protected:
  void SetUp() override {
    PackageBuildTest::SetUp();
    write(group() / "deps.lock", "serde 1.0\n");
    write(group() / "main.rs", "fn main() {}\n");
    pkg.source_groups = {"app"};
    pkg.build.steps = {{"deps", {"$OSBUILD_SOURCES/app/deps.lock"}, "fetch-deps", {}},
                       {"compile", {"$OSBUILD_SOURCES/app/*.rs"}, "compile-app", {}},
                       {"install", {}, "install-app", {}}};
    // Each step leaves a file in the work dir that the next ones read.
    runner.on("fetch-deps", {}, [this](const process::Command& c) {
      ++m_deps_runs;
      write(c.cwd / "deps.out", "vendored\n");
    });
    runner.on("compile-app", {}, [this](const process::Command& c) {
      m_compile_saw_deps = fs::exists(c.cwd / "deps.out");
      write(c.cwd / "app.o", "object\n");
    });
    runner.on("install-app", {}, installs("usr/bin/app", "app\n"));
  }

  fs::path group() const { return project.root / "sources" / "app"; }

  std::vector<std::pair<std::string, bool>> outcomes(const PackageResult& r) const {
    std::vector<std::pair<std::string, bool>> out;
    for (const auto& s : r.steps) out.emplace_back(s.name, s.reused);
    return out;
  }

  int m_deps_runs = 0;
  bool m_compile_saw_deps = false;
};

TEST_F(StepsTest, FirstBuildRunsEveryStepInOrder) {
  auto result = build();
  ASSERT_TRUE(result.ok) << result.report;
  EXPECT_EQ(outcomes(result), (std::vector<std::pair<std::string, bool>>{
                                  {"deps", false}, {"compile", false}, {"install", false}}));
  auto lines = runner.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("-- sh -c fetch-deps"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("-- sh -c compile-app"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("-- sh -c install-app"), std::string::npos) << lines[2];
  EXPECT_TRUE(m_compile_saw_deps);
}

TEST_F(StepsTest, AnUnchangedChainIsReusedUpToTheLastStep) {
  ASSERT_TRUE(build().ok);
  runner.reset();
  runner.on("compile-app", {}, [this](const process::Command& c) {
    m_compile_saw_deps = fs::exists(c.cwd / "deps.out");
  });
  auto result = build();
  ASSERT_TRUE(result.ok) << result.report;
  // The last step's result is the artifact itself: it has no snapshot and always runs.
  EXPECT_EQ(outcomes(result), (std::vector<std::pair<std::string, bool>>{
                                  {"deps", true}, {"compile", true}, {"install", false}}));
  EXPECT_EQ(runner.lines_with("fetch-deps").size(), 0u);
  EXPECT_EQ(runner.lines_with("compile-app").size(), 0u);
  EXPECT_NE(read_file(log()).value().find("# step deps: reused ("), std::string::npos);
}

TEST_F(StepsTest, ChangingAFileOnlyALaterStepDeclaresKeepsTheEarlierSteps) {
  ASSERT_TRUE(build().ok);
  write(group() / "main.rs", "fn main() { println!(); }\n");
  auto result = build();
  ASSERT_TRUE(result.ok) << result.report;
  EXPECT_EQ(outcomes(result), (std::vector<std::pair<std::string, bool>>{
                                  {"deps", true}, {"compile", false}, {"install", false}}));
  EXPECT_EQ(m_deps_runs, 1);
  EXPECT_TRUE(m_compile_saw_deps);  // restored from the deps step's snapshot
}

TEST_F(StepsTest, ChangingTheFirstStepsInputRunsTheWholeChain) {
  ASSERT_TRUE(build().ok);
  write(group() / "deps.lock", "serde 1.1\n");
  auto result = build();
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(m_deps_runs, 2);
  EXPECT_FALSE(result.steps[0].reused);
}

TEST_F(StepsTest, AFailedStepStopsTheChainAndIsNamed) {
  runner.reset();
  runner.on("compile-app", {1, 0, false, "error[E0425]: cannot find value\n", ""});
  auto result = build();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(runner.lines_with("install-app").size(), 0u);
  EXPECT_NE(result.report.find("build of zlib (step compile) failed"), std::string::npos)
      << result.report;
  EXPECT_NE(result.report.find("  | error[E0425]: cannot find value"), std::string::npos);
}

TEST_F(StepsTest, AFailedStepKeepsTheSnapshotsBeforeIt) {
  fakes::FakeRunner failing;
  failing.on("compile-app", {1, 0, false, "", ""});
  failing.on("fetch-deps", {}, [this](const process::Command& c) {
    ++m_deps_runs;
    write(c.cwd / "deps.out", "vendored\n");
  });
  BuildContext bc{project, *store, failing, tc, tools(), {}, arch, 2, 1234, build_dir(),
                  sandbox_kind, nullptr};
  EXPECT_FALSE(build_package(bc, pkg, {}, std::string(64, '1'), inputs).ok);
  auto result = build();  // through the fixture's runner, where compile works
  ASSERT_TRUE(result.ok);
  EXPECT_TRUE(result.steps[0].reused);
  EXPECT_EQ(m_deps_runs, 1);
}

TEST_F(StepsTest, AnInputThatMatchesNothingIsAnError) {
  pkg.build.steps[1].inputs = {"$OSBUILD_SOURCES/app/*.c"};
  try {
    build();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("step 'compile' declares input "
                                         "'$OSBUILD_SOURCES/app/*.c', which matches no file"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(StepsTest, KeysChainSoAChangedStepChangesEveryLaterKey) {
  auto paths = BuildPaths::under(temp() / "keys");
  fs::create_directories(paths.sources / "app");
  fs::copy(group(), paths.sources / "app", fs::copy_options::recursive);
  auto before = step_keys(pkg, inputs, paths);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(step_keys(pkg, inputs, paths), before);  // stable
  pkg.build.steps[1].run = "compile-app --release";
  auto after = step_keys(pkg, inputs, paths);
  EXPECT_EQ(after[0], before[0]);
  EXPECT_NE(after[1], before[1]);
  EXPECT_NE(after[2], before[2]);
}

TEST_F(StepsTest, ADeclaringStepIgnoresTheSourcesButAnUndeclaringOneDoesNot) {
  auto paths = BuildPaths::under(temp() / "keys");
  fs::create_directories(paths.sources / "app");
  fs::copy(group(), paths.sources / "app", fs::copy_options::recursive);
  auto before = step_keys(pkg, inputs, paths);
  Json changed = inputs;
  changed["sources"] = {{"app.tar.gz", std::string(64, 'b')}};
  auto after = step_keys(pkg, changed, paths);
  EXPECT_EQ(after[0], before[0]);  // deps declares its files: the package's sources do not count
  EXPECT_EQ(after[1], before[1]);
  EXPECT_NE(after[2], before[2]);  // install declares nothing: it depends on everything
}

}  // namespace
}  // namespace osbuild::build
