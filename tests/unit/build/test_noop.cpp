// The no-op stamp: a build that finds nothing changed since the stamp stops after stat calls; any
// change to what the build read, watched or left sends it down the full path.
#include "osbuild/build/noop.h"

#include <gtest/gtest.h>

#include <thread>

#include "osbuild/util/fs.h"

namespace osbuild::build {
namespace {

namespace fs = std::filesystem;

class NoopTest : public ::testing::Test {
 protected:
  NoopTest() {
    write("osbuild.toml", "schema-version = 1\nname = \"test-os\"\nrelease-version = \"1.0.0\"\n");
    write("packages/zlib/package.toml", "[package]\nname = \"zlib\"\n");
    write(m_output.filename(), "artifact");
    m_global.project_dir = m_dir.path().string();
    m_options.target = BuildTarget::variant;
    m_options.name = "dev";
  }

  void write(const fs::path& relative, const std::string& text) const {
    fs::path path = m_dir.path() / relative;
    fs::create_directories(path.parent_path());
    write_file_atomic(path, text, Durability::cache);
  }

  // A build that succeeded: the stamp written from the check made before it.
  void build_once() {
    NoopCheck before = check_noop(m_global, m_options);
    ASSERT_FALSE(before.hit);
    clear_noop_stamp(before);
    NoopRecord record;
    record.packages = 3;
    record.notes = {"skipping kernel for linux-aarch64: cpu:x86_64 only"};
    record.outputs = {m_output};
    write_noop_stamp(before, record);
  }

  TempDir m_dir{"osbuild-noop-test"};
  fs::path m_output = m_dir.path() / "artifact.tar";
  GlobalOptions m_global;
  BuildOptions m_options;
};

TEST_F(NoopTest, NoStampMeansTheFullPath) {
  NoopCheck check = check_noop(m_global, m_options);
  EXPECT_FALSE(check.hit);
  EXPECT_FALSE(check.stamp.empty());
  EXPECT_EQ(check.packages, 0U);
  EXPECT_FALSE(check.tree.empty());  // the project as the build will have read it
}

TEST_F(NoopTest, AStampThatHoldsIsAHitWithWhatTheBuildSaid) {
  build_once();
  NoopCheck again = check_noop(m_global, m_options);
  EXPECT_TRUE(again.hit);
  EXPECT_EQ(again.packages, 3U);
  EXPECT_EQ(again.notes, std::vector<std::string>{"skipping kernel for linux-aarch64: cpu:x86_64 only"});
}

TEST_F(NoopTest, AnEditedPackageIsAMiss) {
  build_once();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a new mtime, whatever the clock
  write("packages/zlib/package.toml", "[package]\nname = \"zlib\"\nversion = \"2\"\n");
  EXPECT_FALSE(check_noop(m_global, m_options).hit);
}

TEST_F(NoopTest, ANewPackageFolderIsAMiss) {
  build_once();
  write("packages/lua/package.toml", "[package]\nname = \"lua\"\n");
  EXPECT_FALSE(check_noop(m_global, m_options).hit);
}

TEST_F(NoopTest, ARemovedOutputIsAMiss) {
  build_once();
  fs::remove(m_output);
  EXPECT_FALSE(check_noop(m_global, m_options).hit);
}

TEST_F(NoopTest, ForceExplainOrJsonNeverTakeTheFastPath) {
  build_once();
  BuildOptions forced = m_options;
  forced.force = Force::yes;
  EXPECT_FALSE(check_noop(m_global, forced).hit);
  BuildOptions explained = m_options;
  explained.explain = Explain::yes;
  EXPECT_FALSE(check_noop(m_global, explained).hit);
  GlobalOptions json = m_global;
  json.output = OutputMode::json;
  EXPECT_FALSE(check_noop(json, m_options).hit);
}

TEST_F(NoopTest, OtherCommandLinesHaveTheirOwnStamp) {
  build_once();
  BuildOptions other = m_options;
  other.name = "prod";
  NoopCheck check = check_noop(m_global, other);
  EXPECT_FALSE(check.hit);
  EXPECT_NE(check.stamp, check_noop(m_global, m_options).stamp);
}

// The stamp's name is a short non-cryptographic hash of the command line; the stamp holds the
// command line whole, so another one whose name hashes alike finds a stamp that is not its own.
TEST_F(NoopTest, AStampOfAnotherCommandLineUnderTheSameNameIsAMiss) {
  build_once();
  NoopCheck hit = check_noop(m_global, m_options);
  ASSERT_TRUE(hit.hit);
  std::string text = read_file_or_throw(hit.stamp);
  auto at = text.find("\nfor ");
  ASSERT_NE(at, std::string::npos) << text;
  text.insert(at + 5, "/elsewhere");
  write_file_atomic(hit.stamp, text, Durability::cache);
  EXPECT_FALSE(check_noop(m_global, m_options).hit);
}

TEST_F(NoopTest, AClearedStampIsAMiss) {
  build_once();
  NoopCheck hit = check_noop(m_global, m_options);
  ASSERT_TRUE(hit.hit);
  clear_noop_stamp(hit);
  EXPECT_FALSE(fs::exists(hit.stamp));
  EXPECT_FALSE(check_noop(m_global, m_options).hit);
}

TEST_F(NoopTest, OutsideAProjectThereIsNoStamp) {
  TempDir elsewhere("osbuild-noop-none");
  GlobalOptions global;
  global.project_dir = elsewhere.path().string();
  NoopCheck check = check_noop(global, m_options);
  EXPECT_FALSE(check.hit);
  EXPECT_TRUE(check.stamp.empty());
}

}  // namespace
}  // namespace osbuild::build
