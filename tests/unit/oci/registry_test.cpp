#include "osbuild/oci/registry.h"

#include <gtest/gtest.h>

#include "osbuild/util/hash.h"

namespace osbuild::oci {
namespace {

TEST(OciRegistry, ParsesHostAndPath) {
  auto loc = parse_registry("127.0.0.1:5000/osbuild/team/");
  ASSERT_TRUE(loc.ok()) << loc.error();
  EXPECT_EQ(loc.value().host, "127.0.0.1:5000");
  EXPECT_EQ(loc.value().path, "osbuild/team");
  EXPECT_EQ(loc.value().repository("core-kit"), "osbuild/team/core-kit");

  auto bare = parse_registry("registry.example.org");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare.value().path, "");
  EXPECT_EQ(bare.value().repository("k"), "k");
}

TEST(OciRegistry, RejectsSchemeAndBadPath) {
  auto scheme = parse_registry("https://127.0.0.1:5000/osbuild");
  ASSERT_FALSE(scheme.ok());
  EXPECT_NE(scheme.error().find("URL scheme"), std::string::npos);
  EXPECT_FALSE(parse_registry("host/Upper").ok());
  EXPECT_FALSE(parse_registry("/path").ok());
}

TEST(OciRegistry, PlainHttpOnlyOnLoopbackOrInsecure) {
  EXPECT_EQ(base_url("127.0.0.1:5000", false), "http://127.0.0.1:5000");
  EXPECT_EQ(base_url("localhost:5000", false), "http://localhost:5000");
  EXPECT_EQ(base_url("LOCALHOST", false), "http://LOCALHOST");
  EXPECT_EQ(base_url("[::1]:5000", false), "http://[::1]:5000");
  EXPECT_EQ(base_url("registry.example.org", false), "https://registry.example.org");
  EXPECT_EQ(base_url("10.0.0.5:5000", false), "https://10.0.0.5:5000");
  EXPECT_EQ(base_url("10.0.0.5:5000", true), "http://10.0.0.5:5000");
  // A name that only starts like loopback is not loopback.
  EXPECT_EQ(base_url("localhost.example.org", false), "https://localhost.example.org");
}

TEST(OciRegistry, BuildsApiUrls) {
  EXPECT_EQ(api_url("http://h:1", "osbuild/kit", "manifests", "v1.0.0"),
            "http://h:1/v2/osbuild/kit/manifests/v1.0.0");
  EXPECT_EQ(api_url("https://h", "k", "tags", "list"), "https://h/v2/k/tags/list");
}

TEST(OciRegistry, VerifiesDigests) {
  std::string data = "hello";
  std::string digest = "sha256:" + sha256_hex(data);
  EXPECT_TRUE(is_digest(digest));
  EXPECT_FALSE(is_digest("sha256:abc"));
  EXPECT_FALSE(is_digest("sha512:" + sha256_hex(data)));
  EXPECT_EQ(sha256_digest(data), digest);
  EXPECT_TRUE(verify_digest(data, digest).ok());
  auto bad = verify_digest("hellO", digest);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find(digest), std::string::npos);
  EXPECT_NE(bad.error().find(sha256_digest("hellO")), std::string::npos);
  EXPECT_FALSE(verify_digest(data, "md5:abc").ok());
}

TEST(OciAuth, ParsesUserPassword) {
  auto c = parse_user_password("alice:s3:cr:et");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().user, "alice");
  EXPECT_EQ(c.value().password, "s3:cr:et");
  EXPECT_FALSE(parse_user_password("alice").ok());
  EXPECT_FALSE(parse_user_password(":pw").ok());
  auto empty_pw = parse_user_password("bob:");
  ASSERT_TRUE(empty_pw.ok());
  EXPECT_EQ(empty_pw.value().password, "");
}

TEST(OciAuth, Base64RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "user:pass\xff\x01"}) {
    auto d = base64_decode(base64_encode(s));
    ASSERT_TRUE(d.ok()) << s;
    EXPECT_EQ(d.value(), s);
  }
  EXPECT_EQ(base64_encode("alice:secret"), "YWxpY2U6c2VjcmV0");
  EXPECT_FALSE(base64_decode("YW*j").ok());
  EXPECT_FALSE(base64_decode("YQ==YQ==").ok());
}

TEST(OciAuth, ReadsDockerConfigAuth) {
  std::string config = R"({"auths": {
      "https://index.docker.io/v1/": {"auth": "ZG9ja2VyOmh1Yg=="},
      "registry.example.org:5000": {"auth": "YWxpY2U6c2VjcmV0"},
      "other.example.org": {"username": "bob", "password": "pw"}}})";
  auto a = docker_config_credentials(config, "registry.example.org:5000");
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(a.value().has_value());
  EXPECT_EQ(a.value()->user, "alice");
  EXPECT_EQ(a.value()->password, "secret");

  auto hub = docker_config_credentials(config, "index.docker.io");
  ASSERT_TRUE(hub.ok());
  ASSERT_TRUE(hub.value().has_value());
  EXPECT_EQ(hub.value()->user, "docker");

  auto bob = docker_config_credentials(config, "OTHER.example.org");
  ASSERT_TRUE(bob.ok());
  ASSERT_TRUE(bob.value().has_value());
  EXPECT_EQ(bob.value()->password, "pw");

  auto none = docker_config_credentials(config, "registry.example.org");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value().has_value());

  auto no_auths = docker_config_credentials(R"({"credsStore": "desktop"})", "h");
  ASSERT_TRUE(no_auths.ok());
  EXPECT_FALSE(no_auths.value().has_value());
}

TEST(OciAuth, RejectsBrokenDockerConfig) {
  EXPECT_FALSE(docker_config_credentials("not json", "h").ok());
  EXPECT_FALSE(docker_config_credentials(R"({"auths": []})", "h").ok());
  auto bad64 = docker_config_credentials(R"({"auths": {"h": {"auth": "!!"}}})", "h");
  ASSERT_FALSE(bad64.ok());
  EXPECT_NE(bad64.error().find("base64"), std::string::npos);
  // base64 of "nocolon"
  auto nocolon = docker_config_credentials(R"({"auths": {"h": {"auth": "bm9jb2xvbg=="}}})", "h");
  ASSERT_FALSE(nocolon.ok());
  EXPECT_NE(nocolon.error().find("user:password"), std::string::npos);
}

TEST(OciAuth, ParsesBearerChallenge) {
  auto ch = parse_challenge(
      R"(Bearer realm="https://auth.example.org/token",service="registry.example.org",scope="repository:osbuild/kit:pull,push")");
  ASSERT_TRUE(ch.ok()) << ch.error();
  EXPECT_EQ(ch.value().scheme, "bearer");
  EXPECT_EQ(ch.value().params.at("realm"), "https://auth.example.org/token");
  EXPECT_EQ(ch.value().params.at("service"), "registry.example.org");
  EXPECT_EQ(ch.value().params.at("scope"), "repository:osbuild/kit:pull,push");
}

TEST(OciAuth, ParsesBasicAndUnquotedChallenges) {
  auto basic = parse_challenge(R"(Basic realm="Registry Realm")");
  ASSERT_TRUE(basic.ok());
  EXPECT_EQ(basic.value().scheme, "basic");
  EXPECT_EQ(basic.value().params.at("realm"), "Registry Realm");

  auto loose =
      parse_challenge(R"(bearer Realm=https://a/token, service=svc, error="insufficient_scope")");
  ASSERT_TRUE(loose.ok()) << loose.error();
  EXPECT_EQ(loose.value().params.at("realm"), "https://a/token");
  EXPECT_EQ(loose.value().params.at("service"), "svc");
  EXPECT_EQ(loose.value().params.at("error"), "insufficient_scope");

  auto escaped = parse_challenge(R"(Bearer realm="a\"b")");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(escaped.value().params.at("realm"), "a\"b");

  EXPECT_FALSE(parse_challenge(R"(Bearer realm="unterminated)").ok());
  EXPECT_FALSE(parse_challenge("Bearer realm").ok());
  EXPECT_FALSE(parse_challenge("   ").ok());
}

TEST(OciAuth, CredentialsFromEnvironmentFirst) {
  ::setenv("OSBUILD_REGISTRY_AUTH", "carol:pw", 1);
  auto found = find_credentials("any.example.org");
  ::unsetenv("OSBUILD_REGISTRY_AUTH");
  ASSERT_TRUE(found.credentials.has_value());
  EXPECT_EQ(found.credentials->user, "carol");
  EXPECT_EQ(found.source, "OSBUILD_REGISTRY_AUTH");

  ::setenv("OSBUILD_REGISTRY_AUTH", "nocolon", 1);
  EXPECT_THROW(find_credentials("h"), Error);
  ::unsetenv("OSBUILD_REGISTRY_AUTH");
}

}  // namespace
}  // namespace osbuild::oci
