#include "osbuild/fetch/lookaside.h"

#include <gtest/gtest.h>

using namespace osbuild;
using namespace osbuild::fetch;

TEST(FetchLookaside, LookasideUrlFollowsBottlerocketLayout) {
  EXPECT_EQ(lookaside_url("https://cache.example.org", "zlib-1.3.1.tar.gz", "abc"),
            "https://cache.example.org/zlib-1.3.1.tar.gz/abc/zlib-1.3.1.tar.gz");
  EXPECT_EQ(lookaside_url("file:///srv/lookaside/", "a.tar", "00"),
            "file:///srv/lookaside/a.tar/00/a.tar");
}

TEST(FetchLookaside, LookasideBaseKeepsUrlsAndResolvesFolders) {
  EXPECT_EQ(lookaside_base("https://cache.example.org/", "/p").value(),
            "https://cache.example.org");
  EXPECT_EQ(lookaside_base("file:///srv/lookaside", "/p").value(), "file:///srv/lookaside");
  EXPECT_EQ(lookaside_base("../lookaside", "/srv/examples/hello-os").value(), "file:///srv/examples/lookaside");
  EXPECT_EQ(lookaside_base("/abs/dir/", "/p").value(), "file:///abs/dir");
  EXPECT_FALSE(lookaside_base("ftp://x/y", "/p").ok());
  EXPECT_FALSE(lookaside_base("  ", "/p").ok());
}

TEST(FetchLookaside, ExternalFileName) {
  config::ExternalFile f;
  f.url = "https://zlib.net/zlib-1.3.1.tar.gz?download=1#frag";
  EXPECT_EQ(external_file_name(f), "zlib-1.3.1.tar.gz");
  f.path = "zlib.tar.gz";
  EXPECT_EQ(external_file_name(f), "zlib.tar.gz");
}
