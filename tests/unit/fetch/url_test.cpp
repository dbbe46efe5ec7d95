#include "osbuild/fetch/url.h"

#include <gtest/gtest.h>

using namespace osbuild;
using namespace osbuild::fetch;

TEST(FetchUrl, LookasideUrlFollowsBottlerocketLayout) {
  EXPECT_EQ(lookaside_url("https://cache.example.org", "zlib-1.3.1.tar.gz", "abc"),
            "https://cache.example.org/zlib-1.3.1.tar.gz/abc/zlib-1.3.1.tar.gz");
  EXPECT_EQ(lookaside_url("file:///srv/lookaside/", "a.tar", "00"),
            "file:///srv/lookaside/a.tar/00/a.tar");
}

TEST(FetchUrl, LookasideBaseKeepsUrlsAndResolvesFolders) {
  EXPECT_EQ(lookaside_base("https://cache.example.org/", "/p").value(),
            "https://cache.example.org");
  EXPECT_EQ(lookaside_base("file:///srv/lookaside", "/p").value(), "file:///srv/lookaside");
  EXPECT_EQ(lookaside_base("../lookaside", "/srv/examples/hello-os").value(), "file:///srv/examples/lookaside");
  EXPECT_EQ(lookaside_base("/abs/dir/", "/p").value(), "file:///abs/dir");
  EXPECT_FALSE(lookaside_base("ftp://x/y", "/p").ok());
  EXPECT_FALSE(lookaside_base("  ", "/p").ok());
}

TEST(FetchUrl, ProblemsNameTheUrl) {
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

TEST(FetchUrl, SchemeAndFilePath) {
  EXPECT_EQ(url_scheme("HTTPS://x"), "https");
  EXPECT_EQ(url_scheme("/no/scheme"), "");
  EXPECT_EQ(file_url_path("file:///srv/a").value(), "/srv/a");
  EXPECT_EQ(file_url_path("file://localhost/srv/a").value(), "/srv/a");
  EXPECT_FALSE(file_url_path("http://x/a"));
}

TEST(FetchUrl, ExternalFileName) {
  config::ExternalFile f;
  f.url = "https://zlib.net/zlib-1.3.1.tar.gz?download=1#frag";
  EXPECT_EQ(external_file_name(f), "zlib-1.3.1.tar.gz");
  f.path = "zlib.tar.gz";
  EXPECT_EQ(external_file_name(f), "zlib.tar.gz");
}

TEST(FetchUrl, RedactsCredentials) {
  EXPECT_EQ(redact_url("https://user:secret@host/x@y"), "https://***@host/x@y");
  EXPECT_EQ(redact_url("https://host/x@y"), "https://host/x@y");
}
