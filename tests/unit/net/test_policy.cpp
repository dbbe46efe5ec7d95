#include "osbuild/net/policy.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include "osbuild/util/error.h"

using namespace osbuild;
using namespace osbuild::net;
using namespace std::chrono_literals;

TEST(NetPolicy, ClassifiesStatusesAndCurlCodes) {
  EXPECT_EQ(classify(CURLE_OK, 200), Outcome::ok);
  EXPECT_EQ(classify(CURLE_OK, 206), Outcome::ok);
  EXPECT_EQ(classify(CURLE_OK, 0), Outcome::ok);
  EXPECT_EQ(classify(CURLE_OK, 404), Outcome::missing);
  EXPECT_EQ(classify(CURLE_OK, 403), Outcome::permanent);
  EXPECT_EQ(classify(CURLE_OK, 429), Outcome::transient);
  EXPECT_EQ(classify(CURLE_OK, 500), Outcome::transient);
  EXPECT_EQ(classify(CURLE_OK, 503), Outcome::transient);
  EXPECT_EQ(classify(CURLE_OK, 501), Outcome::permanent);
  EXPECT_EQ(classify(CURLE_RECV_ERROR, 200), Outcome::transient);
  EXPECT_EQ(classify(CURLE_PARTIAL_FILE, 200), Outcome::transient);
  EXPECT_EQ(classify(CURLE_OPERATION_TIMEDOUT, 0), Outcome::transient);
  EXPECT_EQ(classify(CURLE_COULDNT_CONNECT, 0), Outcome::transient);
  EXPECT_EQ(classify(CURLE_COULDNT_RESOLVE_HOST, 0), Outcome::permanent);
  EXPECT_EQ(classify(CURLE_TOO_MANY_REDIRECTS, 301), Outcome::permanent);
  EXPECT_EQ(classify(CURLE_PEER_FAILED_VERIFICATION, 0), Outcome::permanent);
  EXPECT_EQ(classify(CURLE_FILE_COULDNT_READ_FILE, 0), Outcome::missing);
  EXPECT_EQ(classify(CURLE_WRITE_ERROR, 200), Outcome::fatal);
}

TEST(NetPolicy, BackoffDoublesUpToTheCap) {
  TransferPolicy p;
  p.backoff_base = 100ms;
  p.backoff_max = 1000ms;
  EXPECT_EQ(backoff_delay(p, 1, 1.0), 100ms);
  EXPECT_EQ(backoff_delay(p, 2, 1.0), 200ms);
  EXPECT_EQ(backoff_delay(p, 3, 1.0), 400ms);
  EXPECT_EQ(backoff_delay(p, 5, 1.0), 1000ms);
  EXPECT_EQ(backoff_delay(p, 50, 1.0), 1000ms);
  EXPECT_EQ(backoff_delay(p, 1, 0.0), 50ms);  // jitter keeps at least half
}

TEST(NetPolicy, RetryAfterWinsWhenLongerButIsClamped) {
  TransferPolicy p;
  p.backoff_base = 100ms;
  p.retry_after_max = 10s;
  EXPECT_EQ(backoff_delay(p, 1, 1.0, 2s), 2000ms);
  EXPECT_EQ(backoff_delay(p, 1, 1.0, 0s), 100ms);
  EXPECT_EQ(backoff_delay(p, 1, 1.0, 3600s), 10000ms);
}

TEST(NetPolicy, ParsesRetryAfter) {
  auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("120", now), 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), 10s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0s);
  EXPECT_FALSE(parse_retry_after("soon", now));
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("-5", now));
}

TEST(NetPolicy, PolicyFromEnvironment) {
  auto p = TransferPolicy::from_environment({{"OSBUILD_FETCH_RETRIES", "1"},
                                             {"OSBUILD_FETCH_LOW_SPEED_TIME", "2"},
                                             {"OSBUILD_FETCH_CONNECT_TIMEOUT", "3"}});
  EXPECT_EQ(p.retries, 1);
  EXPECT_EQ(p.low_speed_time_s, 2);
  EXPECT_EQ(p.connect_timeout_s, 3);
  EXPECT_EQ(TransferPolicy::from_environment({}).retries, 4);
  EXPECT_THROW(TransferPolicy::from_environment({{"OSBUILD_FETCH_RETRIES", "many"}}), UsageError);
}
