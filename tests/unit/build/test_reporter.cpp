// What the build stage prints: plain lines, JSON events, quiet, and the timings.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "build/package_build.h"
#include "build/reporter.h"

namespace osbuild::build {
namespace {

using testing::internal::CaptureStderr;
using testing::internal::CaptureStdout;
using testing::internal::GetCapturedStderr;
using testing::internal::GetCapturedStdout;

std::vector<Json> json_lines(const std::string& text) {
  std::vector<Json> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    out.push_back(Json::parse(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

TEST(BuildReporter, PlainSaysWhatItBuildsAndWhatFailed) {
  CaptureStdout();
  CaptureStderr();
  {
    BuildReporter reporter(BuildReporter::Mode::plain, "x86_64", 2);
    reporter.started("zlib");
    reporter.finished("zlib", std::string(64, 'a'), {{"deps", true}, {"all", false}});
    reporter.started("lua");
    reporter.failed("lua", "build of lua failed: `make` exited with status 2\n");
  }
  std::string out = GetCapturedStdout();
  std::string err = GetCapturedStderr();
  EXPECT_NE(out.find("building zlib\n"), std::string::npos) << out;
  EXPECT_NE(out.find("(aaaaaaaaaaaa; steps: deps reused, all ran)"), std::string::npos) << out;
  EXPECT_EQ(err, "osbuild: build of lua failed: `make` exited with status 2\n");
}

TEST(BuildReporter, JsonWritesOneEventPerLine) {
  CaptureStdout();
  {
    BuildReporter reporter(BuildReporter::Mode::json, "aarch64", 3);
    reporter.cached("zlib", "digest-z");
    reporter.explain("lua", "no cached result");
    reporter.started("lua");
    reporter.finished("lua", "digest-l", {{"deps", false}});
    reporter.say("not in json");
  }
  auto events = json_lines(GetCapturedStdout());
  ASSERT_EQ(events.size(), 5u);
  for (const auto& e : events) {
    EXPECT_EQ(e["schema"], 1);
    EXPECT_EQ(e["stage"], "build");
  }
  EXPECT_EQ(events[0]["event"], "start");
  EXPECT_EQ(events[0]["arch"], "aarch64");
  EXPECT_EQ(events[0]["packages"], 3);
  EXPECT_EQ(events[1]["event"], "cached");
  EXPECT_EQ(events[1]["artifact"], "digest-z");
  EXPECT_EQ(events[2]["event"], "explain");
  EXPECT_EQ(events[2]["reason"], "no cached result");
  EXPECT_EQ(events[3]["event"], "started");
  EXPECT_EQ(events[4]["event"], "finished");
  EXPECT_EQ(events[4]["steps"][0]["name"], "deps");
  EXPECT_EQ(events[4]["steps"][0]["reused"], false);
}

TEST(BuildReporter, QuietPrintsOnlyFailures) {
  CaptureStdout();
  CaptureStderr();
  {
    BuildReporter reporter(BuildReporter::Mode::quiet, "x86_64", 1);
    reporter.started("zlib");
    reporter.failed("zlib", "report\n");
  }
  EXPECT_EQ(GetCapturedStdout(), "");
  EXPECT_EQ(GetCapturedStderr(), "osbuild: report\n");
}

TEST(BuildReporter, CriticalPathFollowsTheLongestChain) {
  CaptureStdout();
  BuildReporter reporter(BuildReporter::Mode::quiet, "x86_64", 3);
  for (const auto* name : {"zlib", "lua", "app"}) reporter.started(name);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  reporter.finished("lua", "l", {});
  reporter.finished("app", "a", {});
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  reporter.finished("zlib", "z", {});
  GetCapturedStdout();
  // app depends on both; zlib took longest, so the path goes through it.
  auto path = reporter.critical_path({{"app", {"zlib", "lua"}}, {"zlib", {}}, {"lua", {}}});
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[0].package, "zlib");
  EXPECT_EQ(path[1].package, "app");
  auto slow = reporter.slowest(1);
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_EQ(slow[0].package, "zlib");
  EXPECT_GE(slow[0].seconds, 0.08);
}

}  // namespace
}  // namespace osbuild::build
