// The registry client over the fake HTTP client: bearer and basic challenges, digests checked,
// uploads through an upload session, tag pagination and errors that name registry and status.
#include <gtest/gtest.h>

#include <cstdlib>

#include "fakes/fake_http.h"
#include "osbuild/oci/registry.h"
#include "osbuild/util/fs.h"

namespace osbuild::oci {
namespace {

using net::testing::Canned;
using net::testing::FakeHttpClient;

const std::string k_base = "http://127.0.0.1:5000";
const std::string k_blob = "layer bytes";

Canned answer(long status, std::string body = {},
              std::vector<std::pair<std::string, std::string>> headers = {}) {
  return Canned{status, std::move(body), std::move(headers), net::code::ok, "", std::nullopt, true};
}

class OciClient : public ::testing::Test {
 protected:
  OciClient() { ::setenv("OSBUILD_REGISTRY_AUTH", "ci:pw", 1); }
  ~OciClient() override { ::unsetenv("OSBUILD_REGISTRY_AUTH"); }
  RegistryClient client() { return RegistryClient(ClientOptions{"127.0.0.1:5000", false, 10, 600, &m_http}); }
  std::string blob_url(const std::string& digest) const {
    return k_base + "/v2/kits/core/blobs/" + digest;
  }
  FakeHttpClient m_http{net::testing::fast_policy(0)};
};

TEST_F(OciClient, PingAcceptsARegistryThatAsksForAuth) {
  m_http.queue(k_base + "/v2/", answer(401, "{}", {{"www-authenticate", "Bearer realm=\"x\""}}));
  auto c = client();
  EXPECT_NO_THROW(c.ping());
}

TEST_F(OciClient, PingOfSomethingElseSaysSo) {
  m_http.serve(k_base + "/v2/", "hello");
  auto c = client();
  try {
    c.ping();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not look like an OCI registry"), std::string::npos)
        << e.what();
  }
}

TEST_F(OciClient, AnUnreachableRegistryIsNamed) {
  m_http.fail(k_base + "/v2/", net::code::couldnt_connect, "Connection refused");
  auto c = client();
  try {
    c.ping();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot reach the registry at " + k_base + " (GET /v2/): Connection refused");
    EXPECT_NE(e.hint().find("start the registry at 127.0.0.1:5000"), std::string::npos);
  }
}

TEST_F(OciClient, ABearerChallengeFetchesATokenOncePerScope) {
  std::string digest = sha256_digest(k_blob);
  m_http.queue(blob_url(digest),
               answer(401, "", {{"www-authenticate",
                                 R"(Bearer realm="http://127.0.0.1:5001/token",service="reg")"}}));
  m_http.serve(blob_url(digest), k_blob);
  const std::string token_url =
      "http://127.0.0.1:5001/token?service=reg&scope=repository%3Akits/core%3Apull";
  m_http.serve(token_url, R"({"token":"t0k"})");
  auto c = client();
  EXPECT_EQ(c.get_blob("kits/core", digest), k_blob);
  EXPECT_EQ(c.get_blob("kits/core", digest), k_blob);
  EXPECT_EQ(m_http.count(token_url), 1u);
  // The token request carries the credentials; the retried request carries the token.
  const auto& token_request = m_http.sent[1];
  EXPECT_EQ(token_request.url, token_url);
  EXPECT_EQ(token_request.headers.back(), "Authorization: Basic " + base64_encode("ci:pw"));
  EXPECT_EQ(m_http.sent[2].headers.back(), "Authorization: Bearer t0k");
}

TEST_F(OciClient, ARefusedTokenNamesTheServiceAndTheScope) {
  std::string digest = sha256_digest(k_blob);
  m_http.serve(blob_url(digest),
               k_blob);
  m_http.queue(blob_url(digest),
               answer(401, "", {{"www-authenticate", R"(Bearer realm="http://127.0.0.1:5001/t")"}}));
  m_http.queue("http://127.0.0.1:5001/t?scope=repository%3Akits/core%3Apull",
               answer(403, R"({"errors":[{"code":"DENIED","message":"no"}]})"));
  auto c = client();
  try {
    c.get_blob("kits/core", digest);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "the token service http://127.0.0.1:5001/t refused a token for "
              "repository:kits/core:pull (HTTP 403): DENIED: no");
    EXPECT_NE(e.hint().find("OSBUILD_REGISTRY_AUTH"), std::string::npos);
  }
}

TEST_F(OciClient, ABasicChallengeIsAnsweredWithTheCredentials) {
  m_http.queue(k_base + "/v2/kits/core/tags/list",
               answer(401, "", {{"www-authenticate", R"(Basic realm="registry")"}}));
  m_http.serve(k_base + "/v2/kits/core/tags/list", R"({"tags":["1.0.0"]})");
  auto c = client();
  EXPECT_EQ(c.list_tags("kits/core"), std::vector<std::string>{"1.0.0"});
  EXPECT_EQ(m_http.sent.back().headers.back(), "Authorization: Basic " + base64_encode("ci:pw"));
}

TEST_F(OciClient, ACorruptBlobIsAVerificationError) {
  std::string digest = sha256_digest(k_blob);
  m_http.serve(blob_url(digest), "tampered");
  auto c = client();
  try {
    c.get_blob("kits/core", digest);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), ExitCode::verification);
    EXPECT_NE(std::string(e.what()).find("blob " + digest + " of kits/core from " + k_base),
              std::string::npos)
        << e.what();
  }
}

TEST_F(OciClient, HttpErrorsNameWhatTheRegistryAndTheStatus) {
  std::string digest = sha256_digest(k_blob);
  m_http.queue(blob_url(digest), answer(500, R"({"errors":[{"code":"UNKNOWN","message":"disk"}]})"));
  auto c = client();
  try {
    c.get_blob("kits/core", digest);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "GET kits/core blob " + digest + ": " + k_base +
                                         " answered HTTP 500: UNKNOWN: disk");
  }
}

TEST_F(OciClient, ABlobIsUploadedThroughAnUploadSession) {
  std::string digest = sha256_digest(k_blob);
  m_http.queue(k_base + "/v2/kits/core/blobs/uploads/",
               answer(202, "", {{"location", "/v2/kits/core/blobs/uploads/u1?_state=s"}}));
  m_http.queue(k_base + "/v2/kits/core/blobs/uploads/u1?_state=s&digest=" + "sha256%3A" +
                   digest.substr(7),
               answer(201, "", {{"docker-content-digest", digest}}));
  auto c = client();
  BlobPush push = c.push_blob_bytes("kits/core", digest, k_blob);
  EXPECT_EQ(push.outcome, BlobPush::Outcome::uploaded);
  EXPECT_EQ(push.bytes_sent, k_blob.size());
  EXPECT_EQ(m_http.sent.back().method, net::Method::put);
  EXPECT_EQ(m_http.sent.back().body, k_blob);
}

TEST_F(OciClient, APresentBlobIsNotUploaded) {
  std::string digest = sha256_digest(k_blob);
  m_http.serve(blob_url(digest), "");
  auto c = client();
  EXPECT_EQ(c.push_blob_bytes("kits/core", digest, k_blob).outcome, BlobPush::Outcome::present);
  EXPECT_EQ(m_http.sent.size(), 1u);
}

TEST_F(OciClient, AMountIsTriedBeforeAnUpload) {
  std::string digest = sha256_digest(k_blob);
  m_http.queue(k_base + "/v2/kits/core/blobs/uploads/?mount=sha256%3A" + digest.substr(7) +
                   "&from=kits/base",
               answer(201));
  TempDir dir("osbuild-oci-test");
  write_file_atomic(dir.path() / "blob", k_blob, Durability::cache);
  auto c = client();
  BlobPush push = c.push_blob_file("kits/core", digest, dir.path() / "blob", "kits/base");
  EXPECT_EQ(push.outcome, BlobPush::Outcome::mounted);
  EXPECT_EQ(m_http.count(net::Method::put, blob_url(digest)), 0u);
}

TEST_F(OciClient, AFileIsUploadedFromDisk) {
  std::string digest = sha256_digest(k_blob);
  TempDir dir("osbuild-oci-test");
  write_file_atomic(dir.path() / "blob", k_blob, Durability::cache);
  m_http.queue(k_base + "/v2/kits/core/blobs/uploads/",
               answer(202, "", {{"location", k_base + "/v2/kits/core/blobs/uploads/u2"}}));
  m_http.queue(k_base + "/v2/kits/core/blobs/uploads/u2?digest=sha256%3A" + digest.substr(7),
               answer(201, "", {{"docker-content-digest", sha256_digest("other")}}));
  auto c = client();
  try {
    c.push_blob_file("kits/core", digest, dir.path() / "blob");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), ExitCode::verification);
    EXPECT_NE(std::string(e.what()).find("stored blob " + digest + " under digest"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(m_http.sent.back().body, k_blob) << "the file's bytes were sent";
}

TEST_F(OciClient, ManifestsAreCheckedAgainstTheirDigest) {
  std::string body = R"({"schemaVersion":2})";
  std::string digest = sha256_digest(body);
  m_http.serve(k_base + "/v2/kits/core/manifests/1.0.0", body,
               200, {{"content-type", std::string(k_manifest_media_type) + "; charset=utf-8"},
                     {"docker-content-digest", digest}});
  auto c = client();
  auto m = c.get_manifest("kits/core", "1.0.0");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->digest, digest);
  EXPECT_EQ(m->media_type, k_manifest_media_type);
  EXPECT_FALSE(c.get_manifest("kits/core", "2.0.0")) << "404 is no manifest";
  m_http.serve(k_base + "/v2/kits/core/manifests/bad", body, 200,
               {{"docker-content-digest", sha256_digest("other")}});
  EXPECT_THROW(c.get_manifest("kits/core", "bad"), Error);
}

TEST_F(OciClient, TagsFollowPagination) {
  m_http.serve(k_base + "/v2/kits/core/tags/list", R"({"tags":["a","b"]})", 200,
               {{"link", R"(</v2/kits/core/tags/list?n=2&last=b>; rel="next")"}});
  m_http.serve(k_base + "/v2/kits/core/tags/list?n=2&last=b", R"({"tags":["c"]})");
  auto c = client();
  EXPECT_EQ(c.list_tags("kits/core"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(c.list_tags("kits/absent").empty());
}

}  // namespace
}  // namespace osbuild::oci
