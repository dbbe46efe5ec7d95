#include "osbuild/net/url.h"

#include <gtest/gtest.h>

using namespace osbuild;
using namespace osbuild::net;

TEST(NetUrl, ProblemsNameTheUrl) {
  EXPECT_FALSE(url_problem("https://zlib.net/zlib-1.3.1.tar.gz"));
  EXPECT_FALSE(url_problem("file:///srv/x"));
  auto scheme = url_problem("ftp://example.org/x.tar");
  ASSERT_TRUE(scheme);
  EXPECT_EQ(*scheme,
            "unsupported URL scheme 'ftp' in 'ftp://example.org/x.tar': use http://, https:// or "
            "file://");
  auto malformed = url_problem("not a url");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(*malformed, "malformed URL 'not a url': expected scheme://host/path");
  auto space = url_problem("http://exa mple.org/x");
  ASSERT_TRUE(space);
  EXPECT_NE(space->find("space"), std::string::npos);
  EXPECT_TRUE(url_problem("https://example.org:99999/x"));
}

TEST(NetUrl, SchemeAndFilePath) {
  EXPECT_EQ(url_scheme("HTTPS://x"), "https");
  EXPECT_EQ(url_scheme("/no/scheme"), "");
  EXPECT_EQ(file_url_path("file:///srv/a").value(), "/srv/a");
  EXPECT_EQ(file_url_path("file://localhost/srv/a").value(), "/srv/a");
  EXPECT_FALSE(file_url_path("http://x/a"));
}

TEST(NetUrl, RedactsCredentials) {
  EXPECT_EQ(redact_url("https://user:secret@host/x@y"), "https://***@host/x@y");
  EXPECT_EQ(redact_url("https://host/x@y"), "https://host/x@y");
}

TEST(NetUrl, ParsesPartsAndDecodesCredentials) {
  auto url = Url::parse("https://ci:s%40cret@Cache.Example.com:9090/osbuild/?a=1");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url.value().scheme(), "https");
  EXPECT_EQ(url.value().host(), "Cache.Example.com");
  EXPECT_EQ(url.value().port(), "9090");
  EXPECT_EQ(url.value().path(), "/osbuild/");
  EXPECT_EQ(url.value().query(), "a=1");
  EXPECT_EQ(url.value().user(), "ci");
  EXPECT_EQ(url.value().password(), "s@cret");
  EXPECT_TRUE(url.value().has_credentials());
  EXPECT_EQ(url.value().without_credentials().text(), "https://Cache.Example.com:9090/osbuild/?a=1");
}

TEST(NetUrl, JoinsReferences) {
  auto base = Url::parse("http://127.0.0.1:5000/v2/kits/core/tags/list");
  ASSERT_TRUE(base);
  EXPECT_EQ(base.value().join("/v2/x/blobs/uploads/u1?_state=a").value().text(),
            "http://127.0.0.1:5000/v2/x/blobs/uploads/u1?_state=a");
  EXPECT_EQ(base.value().join("list2?n=1").value().text(),
            "http://127.0.0.1:5000/v2/kits/core/tags/list2?n=1");
  EXPECT_EQ(base.value().join("http://127.0.0.1:6000/other").value().text(),
            "http://127.0.0.1:6000/other");
}

TEST(NetUrl, ParseFailuresHideThePassword) {
  auto url = Url::parse("https://u:hunter2@/x");
  ASSERT_FALSE(url);
  EXPECT_EQ(url.error().find("hunter2"), std::string::npos) << url.error();
  EXPECT_NE(url.error().find("malformed URL 'https://***@/x'"), std::string::npos) << url.error();
}

TEST(NetUrl, CopiesAreIndependent) {
  auto a = Url::parse("http://user:pw@127.0.0.1/a").value();
  Url b = a.without_credentials();
  Url c = a;
  EXPECT_EQ(a.user(), "user");
  EXPECT_EQ(b.user(), "");
  EXPECT_EQ(c.text(), "http://user:pw@127.0.0.1/a");
}
