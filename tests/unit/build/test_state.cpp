// The state file of a package's last build and --explain's reasons.
#include <gtest/gtest.h>

#include "build/state.h"
#include "osbuild/build/build.h"
#include "osbuild/util/fs.h"

namespace osbuild::build {
namespace {

TEST(StateFile, RoundTripsTheLastBuild) {
  TempDir dir;
  StateFile state(dir.path(), Arch::aarch64, "zlib");
  EXPECT_FALSE(state.read().has_value());
  EXPECT_EQ(state.artifact(), "");
  Json inputs = {{"recipe", {{"name", "zlib"}}}};
  state.write("key-1", std::string(64, 'a'), inputs);
  auto doc = state.read();
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ((*doc)["key"], "key-1");
  EXPECT_EQ((*doc)["inputs"], inputs);
  EXPECT_EQ(state.artifact(), std::string(64, 'a'));
  EXPECT_EQ(state.artifact_path(),
            dir.path() / ".osbuild" / "state" / "aarch64" / "zlib.artifact");
}

TEST(StateFile, KeepsTheLastRealBuildsSecondsAcrossACacheHit) {
  TempDir dir;
  StateFile state(dir.path(), Arch::x86_64, "kernel");
  EXPECT_FALSE(state.seconds().has_value());
  state.write("key-1", std::string(64, 'a'), Json::object(), 612.5);
  EXPECT_DOUBLE_EQ(state.seconds().value(), 612.5);
  state.write("key-2", std::string(64, 'b'), Json::object());  // a result from the cache
  EXPECT_EQ(state.artifact(), std::string(64, 'b'));
  EXPECT_DOUBLE_EQ(state.seconds().value(), 612.5);
  state.write("key-3", std::string(64, 'c'), Json::object(), 3.25);
  EXPECT_DOUBLE_EQ(state.seconds().value(), 3.25);
}

TEST(StateFile, ATornRecordReadsAsNone) {
  TempDir dir;
  StateFile state(dir.path(), Arch::x86_64, "zlib");
  state.write("key-1", "digest", Json::object());
  write_file_atomic(dir.path() / ".osbuild" / "state" / "x86_64" / "zlib.json", "{not json",
                    Durability::cache);
  EXPECT_FALSE(state.read().has_value());
  EXPECT_EQ(explain_reason(state.read(), Json::object()), "no cached result");
}

TEST(Explain, NamesEveryChangedFieldAndANewDependency) {
  Json before = {{"recipe", "a"}, {"depends", {{"zlib", std::string(64, 'a')}}}};
  Json after = {{"recipe", "b"},
                {"depends", {{"zlib", std::string(64, 'a')}, {"lua", std::string(64, 'c')}}}};
  std::string reason = explain_reason(Json{{"inputs", before}}, after);
  EXPECT_NE(reason.find("output of lua changed ("), std::string::npos) << reason;
  EXPECT_NE(reason.find("recipe changed ("), std::string::npos) << reason;
  EXPECT_EQ(reason.find("zlib"), std::string::npos) << reason;
}

TEST(Explain, SameInputsMeanTheCacheLostTheResult) {
  Json inputs = {{"recipe", "a"}};
  EXPECT_EQ(explain_reason(Json{{"inputs", inputs}}, inputs),
            "no cached result (the cache no longer holds it)");
}

}  // namespace
}  // namespace osbuild::build
