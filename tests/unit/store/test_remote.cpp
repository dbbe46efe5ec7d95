// The remote cache client: URL and credential handling, what an ac/ entry must look like before
// anything it names is fetched, and a remote that cannot be reached.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "osbuild/store/remote.h"
#include "osbuild/util/hash.h"
#include "store_test_util.h"

namespace osbuild::store::testing {
namespace {

const std::string k_digest = sha256_hex("artifact");

TEST(RemoteUrl, PlainBaseLosesTrailingSlashes) {
  auto url = parse_remote_url("http://127.0.0.1:8080/cache//");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url.value().base, "http://127.0.0.1:8080/cache");
  EXPECT_FALSE(url.value().has_credentials());
}

TEST(RemoteUrl, HostOnly) {
  auto url = parse_remote_url("https://Cache.Example.com");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url.value().base, "https://cache.example.com");
}

TEST(RemoteUrl, CredentialsAreTakenOutOfTheBase) {
  auto url = parse_remote_url("https://ci:s%40cret%3Ax@cache.example.com:9090/osbuild");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url.value().base, "https://cache.example.com:9090/osbuild");
  EXPECT_EQ(url.value().user, "ci");
  EXPECT_EQ(url.value().password, "s@cret:x");
  EXPECT_TRUE(url.value().has_credentials());
}

TEST(RemoteUrl, UserWithoutPassword) {
  auto url = parse_remote_url("http://reader@host/c");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url.value().user, "reader");
  EXPECT_EQ(url.value().password, "");
  EXPECT_EQ(url.value().base, "http://host/c");
}

TEST(RemoteUrl, RejectionsNeverShowThePassword) {
  for (const char* text : {"ftp://u:hunter2@host/x", "https://u:hunter2@/x",
                           "https://u:hunter2@host/x?y=1", "https://u:hunter2@host/a b"}) {
    auto url = parse_remote_url(text);
    ASSERT_FALSE(url) << text;
    EXPECT_EQ(url.error().find("hunter2"), std::string::npos) << url.error();
  }
}

TEST(RemoteUrl, NotAUrl) {
  auto url = parse_remote_url("cache.example.com/osbuild");
  ASSERT_FALSE(url);
  EXPECT_NE(url.error().find("http(s)://"), std::string::npos) << url.error();
}

TEST(RemoteUrl, SchemeIsNamed) {
  auto url = parse_remote_url("grpc://host:9092");
  ASSERT_FALSE(url);
  EXPECT_NE(url.error().find("'grpc'"), std::string::npos) << url.error();
}

std::string entry(const std::string& outputs) {
  return R"({"outputs":)" + outputs + R"(,"package":"zlib"})";
}

TEST(ActionEntry, TheStoreFormatIsAccepted) {
  auto out = validate_action_entry(
      entry(R"([{"path":"artifact.tar","digest":")" + k_digest +
            R"(","size":10240,"mode":292},{"path":"manifest.json","digest":")" + sha256_hex("m") +
            R"(","size":3,"mode":292}])"));
  ASSERT_TRUE(out) << out.error();
  ASSERT_EQ(out.value().size(), 2u);
  EXPECT_EQ(out.value()[0].path, "artifact.tar");
  EXPECT_EQ(out.value()[0].digest, k_digest);
  EXPECT_EQ(out.value()[0].size, 10240u);
  EXPECT_EQ(out.value()[1].size, 3u);
}

void expect_rejected(const std::string& body, const std::string& why) {
  auto out = validate_action_entry(body);
  ASSERT_FALSE(out) << body;
  EXPECT_NE(out.error().find(why), std::string::npos) << out.error();
}

TEST(ActionEntry, Rejections) {
  std::string d = k_digest;
  expect_rejected("{\"outputs\":[", "not JSON");
  expect_rejected("", "not JSON");
  expect_rejected("[]", "no \"outputs\"");
  expect_rejected(R"({"outputs":{}})", "no \"outputs\"");
  expect_rejected(entry("[]"), "empty");
  expect_rejected(entry("[1]"), "not an object");
  expect_rejected(entry(R"([{"digest":")" + d + R"(","size":1}])"), "plain file name");
  expect_rejected(entry(R"([{"path":"../x","digest":")" + d + R"(","size":1}])"),
                  "plain file name");
  expect_rejected(entry(R"([{"path":"a/b","digest":")" + d + R"(","size":1}])"), "plain file name");
  expect_rejected(entry(R"([{"path":"a","digest":"abc","size":1}])"), "sha256");
  expect_rejected(entry(R"([{"path":"a","digest":")" + std::string(64, 'A') + R"(","size":1}])"),
                  "sha256");
  expect_rejected(entry(R"([{"path":"a","digest":")" + d + R"("}])"), "size");
  expect_rejected(entry(R"([{"path":"a","digest":")" + d + R"(","size":-1}])"), "size");
  expect_rejected(entry(R"([{"path":"a","digest":")" + d + R"(","size":"1"}])"), "size");
  expect_rejected(entry(R"([{"path":"a","digest":")" + d + R"(","size":1},{"path":"a","digest":")" +
                        d + R"(","size":1}])"),
                  "twice");
}

// A port on 127.0.0.1 nobody listens on.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class RemoteDown : public StoreTest {
 protected:
  std::string url() const {
    return "http://user:hunter2@127.0.0.1:" + std::to_string(m_port) + "/cache/";
  }
  int m_port = closed_port();
  std::vector<std::string> m_remote_warnings;
};

TEST_F(RemoteDown, FirstFailureSkipsTheRemoteWithOneWarning) {
  RemoteCache remote({url()}, m_store,
                     [this](const std::string& w) { m_remote_warnings.push_back(w); });
  EXPECT_EQ(remote.display_url(), "http://127.0.0.1:" + std::to_string(m_port) + "/cache");
  EXPECT_TRUE(remote.active());
  EXPECT_FALSE(remote.fetch(k_digest));
  EXPECT_FALSE(remote.active());
  EXPECT_FALSE(remote.fetch(sha256_hex("other")));
  remote.upload(k_digest);
  ASSERT_EQ(m_remote_warnings.size(), 1u);
  const std::string& w = m_remote_warnings[0];
  EXPECT_EQ(
      w.rfind("remote cache http://127.0.0.1:" + std::to_string(m_port) + "/cache skipped: ", 0),
      0u)
      << w;
  EXPECT_NE(w.find("; building locally"), std::string::npos) << w;
  EXPECT_EQ(w.find("hunter2"), std::string::npos) << w;
  EXPECT_EQ(remote.stats().remote_hits, 0u);
}

TEST_F(RemoteDown, ReadOnlyClientNeverContactsTheServerToWrite) {
  std::string digest = m_store.put_bytes("artifact");
  m_store.put_action(k_digest,
                     {{"outputs", {{{"path", "artifact.tar"}, {"digest", digest}, {"size", 8}}}}});
  RemoteOptions options{url()};
  options.upload = false;
  RemoteCache remote(options, m_store,
                     [this](const std::string& w) { m_remote_warnings.push_back(w); });
  remote.upload(k_digest);
  EXPECT_TRUE(m_remote_warnings.empty());  // no request was made, so nothing failed
  EXPECT_TRUE(remote.active());
  EXPECT_EQ(remote.stats().bytes_up, 0u);
}

TEST_F(StoreTest, BadRemoteUrlIsAnErrorNamingTheSetting) {
  try {
    RemoteCache remote({"s3://bucket/x"}, m_store, [](const std::string&) {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cache.remote"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("--no-remote-cache"), std::string::npos) << e.hint();
  }
}

}  // namespace
}  // namespace osbuild::store::testing
