#include <gtest/gtest.h>

#include <stdexcept>

#include "osbuild/util/json_event.h"

namespace osbuild {
namespace {

TEST(JsonEvent, EnvelopeComesFirstThenTheFieldsCompact) {
  EXPECT_EQ(json_event_line("fetch", "fetched", {{"name", "a.tar"}, {"bytes", 3}}),
            R"({"schema":1,"stage":"fetch","event":"fetched","bytes":3,"name":"a.tar"})");
}

TEST(JsonEvent, NoFieldsIsTheEnvelopeAlone) {
  EXPECT_EQ(json_event_line("release", "summary"),
            R"({"schema":1,"stage":"release","event":"summary"})");
}

TEST(JsonEvent, LineParsesBackWithTheSameValues) {
  Json fields = {{"nested", {{"any-key", "is data"}}}, {"list", {1, 2}}};
  Json back = Json::parse(json_event_line("plan", "plan", fields));
  EXPECT_EQ(back["schema"], k_json_schema);
  EXPECT_EQ(back["stage"], "plan");
  EXPECT_EQ(back["event"], "plan");
  EXPECT_EQ(back["nested"], fields["nested"]);
  EXPECT_EQ(back["list"], fields["list"]);
}

TEST(JsonEvent, EnvelopeFieldsAndKebabCaseAreRefused) {
  EXPECT_THROW(json_event_line("build", "summary", {{"stage", "x"}}), std::logic_error);
  EXPECT_THROW(json_event_line("build", "summary", {{"event", "x"}}), std::logic_error);
  EXPECT_THROW(json_event_line("build", "timings", {{"critical-path", 1}}), std::logic_error);
  EXPECT_THROW(json_event_line("build", "timings", {{"maxBytes", 1}}), std::logic_error);
  EXPECT_THROW(json_event_line("build", "timings", Json::array()), std::logic_error);
}

}  // namespace
}  // namespace osbuild
