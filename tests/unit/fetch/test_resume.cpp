#include "osbuild/fetch/resume.h"

#include <gtest/gtest.h>

using namespace osbuild::fetch;

TEST(FetchResume, RecordRoundTrips) {
  PartialRecord r{"http://127.0.0.1:1/a", "\"abc\"", "Sun, 06 Nov 1994 08:49:37 GMT"};
  auto back = parse_partial_record(format_partial_record(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->url, r.url);
  EXPECT_EQ(back->etag, r.etag);
  EXPECT_EQ(back->last_modified, r.last_modified);
  EXPECT_FALSE(parse_partial_record("{\"url\":"));
  EXPECT_FALSE(parse_partial_record("[]"));
}

TEST(FetchResume, ResumesOnlyTheSameUrl) {
  PartialRecord r{"http://h/a", "\"e1\"", ""};
  EXPECT_EQ(plan_resume(r, "http://h/a", 100).offset, 100u);
  EXPECT_EQ(plan_resume(r, "http://h/a", 100).if_range, "\"e1\"");
  EXPECT_EQ(plan_resume(r, "http://h/b", 100).offset, 0u);
  EXPECT_EQ(plan_resume(std::nullopt, "http://h/a", 100).offset, 0u);
  EXPECT_EQ(plan_resume(r, "http://h/a", 0).offset, 0u);
}

TEST(FetchResume, WeakEtagFallsBackToLastModified) {
  PartialRecord r{"http://h/a", "W/\"e1\"", "Sun, 06 Nov 1994 08:49:37 GMT"};
  EXPECT_EQ(plan_resume(r, "http://h/a", 10).if_range, "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(FetchResume, BodyActionFollowsTheStatus) {
  EXPECT_EQ(body_action("http", 206, 100), BodyAction::append);
  EXPECT_EQ(body_action("http", 200, 100), BodyAction::restart);  // server ignored the range
  EXPECT_EQ(body_action("http", 200, 0), BodyAction::append);
  EXPECT_EQ(body_action("https", 500, 0), BodyAction::discard);
  EXPECT_EQ(body_action("http", 404, 100), BodyAction::discard);
  EXPECT_EQ(body_action("file", 0, 100), BodyAction::append);
}
