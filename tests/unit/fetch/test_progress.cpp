// What the fetch stage tells the user while the downloader works: JSON events for scripts, plain
// lines for logs, nothing with -q; the messages name the URL, the reason and the wait.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "fakes/fake_http.h"
#include "fetch/downloader.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/json.h"

namespace osbuild::fetch {
namespace {

using net::testing::Canned;
using net::testing::FakeHttpClient;

const std::string k_data = "source archive";
const std::string k_look = "http://127.0.0.1:9/look/a.tar/x/a.tar";
const std::string k_up = "http://127.0.0.1:9/up/a.tar";

std::vector<Json> json_lines(const std::string& text) {
  std::vector<Json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(Json::parse(line));
  }
  return out;
}

class ProgressTest : public ::testing::Test {
 protected:
  DownloadJob job() {
    DownloadJob j;
    j.name = "a.tar";
    j.sha512 = sha512_hex(k_data);
    j.candidates = {{k_look, Place::lookaside}, {k_up, Place::upstream}};
    j.partial = m_dir.path() / "a.tar.partial";
    return j;
  }
  void run(Reporter& reporter) {
    std::vector<DownloadJob> jobs{job()};
    Downloader downloader(net::testing::fast_policy(1), 2, reporter, &m_http);
    downloader.run(jobs, [](DownloadJob&) {});
    m_done = jobs[0].done;
  }

  TempDir m_dir{"osbuild-progress-test"};
  FakeHttpClient m_http{net::testing::fast_policy(1)};
  bool m_done = false;
};

TEST_F(ProgressTest, JsonEventsTellTheWholeStory) {
  m_http.queue(k_up, Canned{503, "", {}, net::code::ok, "", std::nullopt, true});
  m_http.serve(k_up, k_data);
  Reporter reporter(Reporter::Mode::json, false);
  ::testing::internal::CaptureStdout();
  reporter.set_total(1, 0);
  run(reporter);
  reporter.summary(1, 0, 0);
  auto events = json_lines(::testing::internal::GetCapturedStdout());
  ASSERT_TRUE(m_done);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0]["event"], "plan");
  for (const auto& e : events) {
    EXPECT_EQ(e["schema"], 1);
    EXPECT_EQ(e["stage"], "fetch");
  }
  EXPECT_EQ(events[0]["to_fetch"], 1);
  EXPECT_EQ(events[1]["event"], "info");
  EXPECT_EQ(events[1]["message"],
            "a.tar: not in lookaside " + k_look + ", trying upstream " + k_up);
  EXPECT_EQ(events[2]["event"], "retry");
  EXPECT_EQ(events[2]["url"], k_up);
  EXPECT_EQ(events[2]["reason"], k_up + ": HTTP 503 (attempt 1 of 2)");
  EXPECT_EQ(events[2]["delay_ms"], 1);
  EXPECT_EQ(events[3]["event"], "fetched");
  EXPECT_EQ(events[3]["bytes"], k_data.size());
  EXPECT_EQ(events[4]["event"], "summary");
  EXPECT_EQ(events[4]["bytes"], k_data.size()) << "bytes are counted as they arrive";
}

TEST_F(ProgressTest, AFailureIsAnEventNamingTheLastReason) {
  m_http.queue(k_up, Canned{403, "", {}, net::code::ok, "", std::nullopt, true});
  Reporter reporter(Reporter::Mode::json, false);
  ::testing::internal::CaptureStdout();
  run(reporter);
  auto events = json_lines(::testing::internal::GetCapturedStdout());
  EXPECT_FALSE(m_done);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["event"], "failed");
  EXPECT_EQ(events.back()["message"], k_up + ": HTTP 403 (attempt 1 of 2)");
}

TEST_F(ProgressTest, PlainLinesGoToStandardError) {
  m_http.queue(k_up, Canned{500, "", {}, net::code::ok, "", std::nullopt, true});
  m_http.serve(k_up, k_data);
  Reporter reporter(Reporter::Mode::plain, false);
  ::testing::internal::CaptureStderr();
  run(reporter);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("fetch: a.tar: not in lookaside " + k_look + ", trying upstream " + k_up),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("fetch: " + k_up + ": HTTP 500 (attempt 1 of 2); retrying in 1 ms"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("fetch: fetched a.tar ("), std::string::npos) << err;
}

TEST_F(ProgressTest, QuietSaysNothing) {
  m_http.serve(k_up, k_data);
  Reporter reporter(Reporter::Mode::quiet, true);
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  run(reporter);
  reporter.summary(1, 0, 0);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_TRUE(m_done);
}

TEST_F(ProgressTest, SummaryWithNothingToFetch) {
  Reporter reporter(Reporter::Mode::plain, false);
  ::testing::internal::CaptureStderr();
  reporter.present("a.tar");
  reporter.summary(0, 2, 0);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.rfind("fetch: nothing to fetch, 2 sources already present (", 0), 0u) << err;
  EXPECT_EQ(err.find("already in the store"), std::string::npos) << "present is verbose only";
}

}  // namespace
}  // namespace osbuild::fetch
