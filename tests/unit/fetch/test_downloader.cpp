// The downloader over the fake HTTP client: candidates tried in order, transient failures retried
// with backoff, partial files resumed with Range, digests checked, and failures that name the
// URL, the status and the attempt.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes/fake_http.h"
#include "fetch/downloader.h"
#include "osbuild/fetch/resume.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::fetch {
namespace {

using net::testing::Canned;
using net::testing::FakeHttpClient;

const std::string k_data = std::string(10000, 'a') + std::string(5000, 'b') + "end";
const std::string k_lookaside = "http://127.0.0.1:9/look/hello.tar/x/hello.tar";
const std::string k_upstream = "http://127.0.0.1:9/up/hello.tar";

class DownloaderTest : public ::testing::Test {
 protected:
  DownloadJob job(std::vector<Candidate> candidates, std::string sha512 = sha512_hex(k_data)) {
    DownloadJob j;
    j.name = "hello.tar";
    j.label = "hello.tar (package hello)";
    j.sha512 = std::move(sha512);
    j.upstream = k_upstream;
    j.candidates = std::move(candidates);
    j.partial = m_dir.path() / "hello.tar.partial";
    return j;
  }

  // Runs the jobs; each stored job's partial file is copied into `m_stored`.
  void run(std::vector<DownloadJob>& jobs, long parallel = 4) {
    Downloader downloader(m_http_policy, parallel, m_reporter, &m_http);
    downloader.run(jobs, [this](DownloadJob& j) {
      if (m_store_fails) throw Error("cannot store " + j.name + ": no space left on device");
      m_stored[j.name] = read_file(j.partial).value();
    });
  }

  std::vector<DownloadJob> one(std::vector<Candidate> candidates) {
    std::vector<DownloadJob> jobs;
    jobs.push_back(job(std::move(candidates)));
    return jobs;
  }

  TempDir m_dir{"osbuild-downloader-test"};
  net::TransferPolicy m_http_policy = net::testing::fast_policy(2);
  FakeHttpClient m_http{net::testing::fast_policy(2)};
  Reporter m_reporter{Reporter::Mode::quiet, false};
  std::map<std::string, std::string> m_stored;
  bool m_store_fails = false;
};

TEST_F(DownloaderTest, FetchesFromTheFirstCandidateAndStoresVerifiedBytes) {
  m_http.serve(k_lookaside, k_data);
  auto jobs = one({{k_lookaside, Place::lookaside}, {k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_TRUE(jobs[0].done) << (jobs[0].failures.empty() ? "" : jobs[0].failures.back());
  EXPECT_EQ(jobs[0].from_url, k_lookaside);
  EXPECT_EQ(jobs[0].bytes, k_data.size());
  EXPECT_EQ(m_stored["hello.tar"], k_data);
  EXPECT_EQ(m_http.count(k_upstream), 0u);
  // The partial file and its record are gone once stored.
  EXPECT_FALSE(fs::exists(jobs[0].partial));
  EXPECT_FALSE(fs::exists(partial_record_path(jobs[0].partial)));
}

TEST_F(DownloaderTest, MissingLookasideFallsBackToUpstream) {
  m_http.serve(k_upstream, k_data);
  auto jobs = one({{k_lookaside, Place::lookaside}, {k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_TRUE(jobs[0].done);
  EXPECT_EQ(jobs[0].from_url, k_upstream);
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_EQ(jobs[0].failures[0], k_lookaside + ": not found (HTTP 404)");
  EXPECT_EQ(m_http.count(k_lookaside), 1u) << "a 404 is not retried";
}

TEST_F(DownloaderTest, EveryPlaceMissingIsOnlyMissing) {
  m_http.queue(k_upstream, Canned{410, "gone", {}, net::code::ok, "", std::nullopt, true});
  auto jobs = one({{k_lookaside, Place::lookaside}, {k_upstream, Place::upstream}});
  run(jobs);
  EXPECT_FALSE(jobs[0].done);
  EXPECT_TRUE(jobs[0].only_missing);
  ASSERT_EQ(jobs[0].failures.size(), 2u);
  EXPECT_EQ(jobs[0].failures[1], k_upstream + ": gone (HTTP 410)");
}

TEST_F(DownloaderTest, TransientFailuresAreRetriedWithBackoff) {
  m_http.queue(k_upstream, Canned{503, "busy", {}, net::code::ok, "", std::nullopt, true});
  m_http.fail(k_upstream, net::code::couldnt_connect, "Failed to connect to 127.0.0.1 port 9");
  m_http.serve(k_upstream, k_data);
  auto jobs = one({{k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_TRUE(jobs[0].done);
  EXPECT_EQ(m_http.count(k_upstream), 3u);
  ASSERT_EQ(m_http.waits.size(), 2u);
  EXPECT_EQ(m_http.waits[0], std::chrono::milliseconds(1));
  EXPECT_EQ(m_http.waits[1], std::chrono::milliseconds(2)) << "the backoff doubles";
  EXPECT_TRUE(jobs[0].failures.empty()) << "a retried attempt that then worked is no failure";
}

TEST_F(DownloaderTest, RetriesRunOutWithTheAttemptNamed) {
  for (int i = 0; i < 3; ++i) {
    m_http.queue(k_upstream, Canned{500, "oops", {}, net::code::ok, "", std::nullopt, true});
  }
  auto jobs = one({{k_upstream, Place::upstream}});
  run(jobs);
  EXPECT_FALSE(jobs[0].done);
  EXPECT_FALSE(jobs[0].only_missing);
  EXPECT_EQ(m_http.count(k_upstream), 3u);
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_EQ(jobs[0].failures[0], k_upstream + ": HTTP 500 (attempt 3 of 3)");
}

TEST_F(DownloaderTest, PermanentFailuresAreNotRetried) {
  m_http.queue(k_upstream, Canned{403, "forbidden", {}, net::code::ok, "", std::nullopt, true});
  auto jobs = one({{k_upstream, Place::upstream}});
  run(jobs);
  EXPECT_EQ(m_http.count(k_upstream), 1u);
  EXPECT_TRUE(m_http.waits.empty());
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_EQ(jobs[0].failures[0], k_upstream + ": HTTP 403 (attempt 1 of 3)");
}

TEST_F(DownloaderTest, ConnectionErrorsNameTheUrlAndLibcurlsWords) {
  for (int i = 0; i < 3; ++i) {
    m_http.fail(k_upstream, net::code::couldnt_connect, "Failed to connect to 127.0.0.1 port 9");
  }
  auto jobs = one({{k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_EQ(jobs[0].failures[0],
            k_upstream + ": Failed to connect to 127.0.0.1 port 9 (attempt 3 of 3)");
}

TEST_F(DownloaderTest, ATimeoutBeforeAnyByteSaysSo) {
  for (int i = 0; i < 3; ++i) {
    m_http.fail(k_upstream, net::code::timed_out, "Operation timed out after 1000 milliseconds");
  }
  auto jobs = one({{k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_NE(jobs[0].failures[0].find("no response within the timeout: Operation timed out"),
            std::string::npos)
      << jobs[0].failures[0];
}

TEST_F(DownloaderTest, AShortBodyIsResumedWithRangeAndIfRange) {
  Canned cut{200, k_data, {{"etag", "\"v1\""}}, net::code::ok, "", 6000, true};
  m_http.queue(k_upstream, cut);
  m_http.serve(k_upstream, k_data, 200, {{"etag", "\"v1\""}});
  auto jobs = one({{k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_TRUE(jobs[0].done) << (jobs[0].failures.empty() ? "" : jobs[0].failures.back());
  ASSERT_EQ(m_http.sent.size(), 2u);
  EXPECT_EQ(m_http.sent[0].resume.offset, 0u);
  EXPECT_EQ(m_http.sent[1].resume.offset, 6000u);
  EXPECT_EQ(m_http.sent[1].resume.if_range, "\"v1\"");
  EXPECT_EQ(m_stored["hello.tar"], k_data) << "the resumed file hashes whole";
  EXPECT_EQ(jobs[0].bytes, k_data.size());
}

TEST_F(DownloaderTest, AServerThatIgnoresRangeRestartsTheFile) {
  Canned cut{200, k_data, {}, net::code::ok, "", 6000, true};
  m_http.queue(k_upstream, cut);
  m_http.queue(k_upstream, Canned{200, k_data, {}, net::code::ok, "", std::nullopt, false});
  auto jobs = one({{k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_TRUE(jobs[0].done);
  EXPECT_EQ(m_http.sent[1].resume.offset, 6000u);
  EXPECT_EQ(m_stored["hello.tar"], k_data) << "a 200 to a Range request replaces the partial";
}

TEST_F(DownloaderTest, APartialFileFromAnEarlierRunIsResumed) {
  auto jobs = one({{k_upstream, Place::upstream}});
  write_file_atomic(jobs[0].partial, k_data.substr(0, 10000), Durability::cache);
  write_file_atomic(partial_record_path(jobs[0].partial),
                    format_partial_record({k_upstream, "", "Tue, 01 Oct 2024 10:00:00 GMT"}),
                    Durability::cache);
  m_http.serve(k_upstream, k_data);
  run(jobs);
  ASSERT_TRUE(jobs[0].done);
  ASSERT_EQ(m_http.sent.size(), 1u);
  EXPECT_EQ(m_http.sent[0].resume.offset, 10000u);
  EXPECT_EQ(m_http.sent[0].resume.if_range, "Tue, 01 Oct 2024 10:00:00 GMT");
  EXPECT_EQ(m_stored["hello.tar"], k_data);
}

TEST_F(DownloaderTest, APartialFileOfAnotherUrlIsNotResumed) {
  auto jobs = one({{k_upstream, Place::upstream}});
  write_file_atomic(jobs[0].partial, "stale bytes", Durability::cache);
  write_file_atomic(partial_record_path(jobs[0].partial),
                    format_partial_record({k_lookaside, "\"e\"", ""}), Durability::cache);
  m_http.serve(k_upstream, k_data);
  run(jobs);
  ASSERT_TRUE(jobs[0].done);
  EXPECT_EQ(m_http.sent[0].resume.offset, 0u);
  EXPECT_EQ(m_stored["hello.tar"], k_data);
}

TEST_F(DownloaderTest, ADigestMismatchDeletesThePartialAndTriesTheNextPlace) {
  m_http.serve(k_lookaside, "re-rolled archive");
  m_http.serve(k_upstream, k_data);
  auto jobs = one({{k_lookaside, Place::lookaside}, {k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_TRUE(jobs[0].done);
  EXPECT_EQ(jobs[0].from_url, k_upstream);
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_EQ(jobs[0].failures[0].rfind("sha512 mismatch for " + k_lookaside + ": expected " +
                                          sha512_hex(k_data) + ", got " +
                                          sha512_hex("re-rolled archive"),
                                      0),
            0u)
      << jobs[0].failures[0];
  EXPECT_FALSE(jobs[0].only_missing);
}

TEST_F(DownloaderTest, CredentialsNeverReachTheMessages) {
  const std::string secret_url = "http://ci:hunter2@127.0.0.1:9/up/hello.tar";
  m_http.queue(secret_url, Canned{403, "", {}, net::code::ok, "", std::nullopt, true});
  auto jobs = one({{secret_url, Place::upstream}});
  run(jobs);
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_EQ(jobs[0].failures[0], "http://***@127.0.0.1:9/up/hello.tar: HTTP 403 (attempt 1 of 3)");
}

TEST_F(DownloaderTest, AMalformedCandidateIsSkipped) {
  m_http.serve(k_upstream, k_data);
  auto jobs = one({{"ftp://127.0.0.1/x.tar", Place::lookaside}, {k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_TRUE(jobs[0].done);
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_NE(jobs[0].failures[0].find("unsupported URL scheme 'ftp'"), std::string::npos);
  EXPECT_EQ(m_http.count("ftp://127.0.0.1/x.tar"), 0u);
}

TEST_F(DownloaderTest, AStoreThatFailsIsADiskFailure) {
  m_store_fails = true;
  m_http.serve(k_upstream, k_data);
  auto jobs = one({{k_upstream, Place::upstream}});
  run(jobs);
  EXPECT_FALSE(jobs[0].done);
  EXPECT_TRUE(jobs[0].disk_failed);
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_EQ(jobs[0].failures[0], "cannot store hello.tar: no space left on device");
}

TEST_F(DownloaderTest, ARangeTheServerRefusesStartsOver) {
  auto jobs = one({{k_upstream, Place::upstream}});
  write_file_atomic(jobs[0].partial, k_data.substr(0, 100), Durability::cache);
  write_file_atomic(partial_record_path(jobs[0].partial),
                    format_partial_record({k_upstream, "\"v1\"", ""}), Durability::cache);
  m_http.queue(k_upstream, Canned{416, "", {}, net::code::ok, "", std::nullopt, true});
  m_http.serve(k_upstream, k_data);
  run(jobs);
  // 416 is permanent: the partial is deleted so the next run starts over.
  EXPECT_FALSE(jobs[0].done);
  EXPECT_FALSE(fs::exists(jobs[0].partial));
  EXPECT_EQ(jobs[0].failures[0], k_upstream + ": HTTP 416 (attempt 1 of 3)");
}

TEST_F(DownloaderTest, ManyJobsRunThroughOneClient) {
  std::vector<DownloadJob> jobs;
  for (int i = 0; i < 5; ++i) {
    std::string body = "file " + std::to_string(i);
    std::string url = "http://127.0.0.1:9/f" + std::to_string(i);
    m_http.serve(url, body);
    DownloadJob j = job({{url, Place::upstream}}, sha512_hex(body));
    j.name = "f" + std::to_string(i);
    j.partial = m_dir.path() / (j.name + ".partial");
    jobs.push_back(std::move(j));
  }
  run(jobs, 3);
  for (const auto& j : jobs) {
    EXPECT_TRUE(j.done) << j.name;
    EXPECT_EQ(m_stored[j.name], "file " + j.name.substr(1));
  }
  EXPECT_EQ(m_http.most_parallel, 3u);
}

TEST_F(DownloaderTest, APartialFileThatCannotBeOpenedEndsTheJobWithoutARequest) {
  m_http.serve(k_upstream, k_data);
  auto jobs = one({{k_lookaside, Place::lookaside}, {k_upstream, Place::upstream}});
  jobs[0].partial = m_dir.path() / "no-such-folder" / "hello.tar.partial";
  run(jobs);
  EXPECT_FALSE(jobs[0].done);
  EXPECT_TRUE(m_http.sent.empty()) << "nothing is asked when there is nowhere to write it";
  ASSERT_EQ(jobs[0].failures.size(), 1u);
  EXPECT_EQ(jobs[0].failures[0],
            "cannot open " + jobs[0].partial.string() + ": No such file or directory");
}

TEST_F(DownloaderTest, RetryAfterFromTheServerSetsTheWait) {
  m_http.queue(k_upstream,
               Canned{429, "slow down", {{"retry-after", "2"}}, net::code::ok, "", std::nullopt,
                      true});
  m_http.serve(k_upstream, k_data);
  auto jobs = one({{k_upstream, Place::upstream}});
  run(jobs);
  ASSERT_TRUE(jobs[0].done);
  ASSERT_EQ(m_http.waits.size(), 1u);
  EXPECT_EQ(m_http.waits[0], std::chrono::milliseconds(2000));
}

}  // namespace
}  // namespace osbuild::fetch
