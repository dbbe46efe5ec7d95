// The remote cache over the fake HTTP client: hits, misses and corrupt entries on the way down,
// HEAD-then-PUT on the way up, and the first failure skipping the remote.
#include <gtest/gtest.h>

#include "fakes/fake_http.h"
#include "osbuild/store/remote.h"
#include "osbuild/util/hash.h"
#include "store_test_util.h"

namespace osbuild::store::testing {
namespace {

using net::testing::Canned;
using net::testing::FakeHttpClient;

const std::string k_base = "http://127.0.0.1:9/cache";
const std::string k_key = sha256_hex("action key");
const std::string k_blob = "artifact bytes";
const std::string k_blob_digest = sha256_hex(k_blob);

std::string action_json(const std::string& digest, std::uint64_t size) {
  return Json{{"outputs", {{{"path", "artifact.tar"}, {"digest", digest}, {"size", size}}}},
              {"package", "hello"}}
      .dump();
}

class RemoteHttp : public StoreTest {
 protected:
  RemoteCache& remote(bool upload = true) {
    RemoteOptions options{"http://ci:s%40cret@127.0.0.1:9/cache/"};
    options.upload = upload;
    options.parallel = 3;
    m_remote = std::make_unique<RemoteCache>(
        options, m_store, [this](const std::string& w) { m_warned.push_back(w); }, &m_http);
    return *m_remote;
  }
  std::string ac_url() const { return k_base + "/ac/" + k_key; }
  std::string cas_url(const std::string& digest = k_blob_digest) const {
    return k_base + "/cas/" + digest;
  }
  void serve_entry() {
    m_http.serve(ac_url(), action_json(k_blob_digest, k_blob.size()));
    m_http.serve(cas_url(), k_blob);
  }

  FakeHttpClient m_http;
  std::unique_ptr<RemoteCache> m_remote;
  std::vector<std::string> m_warned;
};

TEST_F(RemoteHttp, AHitPutsTheBlobsAndThenTheActionResultInTheLocalStore) {
  serve_entry();
  RemoteCache& r = remote();
  ASSERT_TRUE(r.fetch(k_key));
  EXPECT_TRUE(m_store.has_blob(k_blob_digest));
  auto action = m_store.get_action(k_key);
  ASSERT_TRUE(action);
  EXPECT_EQ((*action)["package"], "hello");
  EXPECT_EQ(r.stats().remote_hits, 1u);
  EXPECT_EQ(r.stats().bytes_down, action_json(k_blob_digest, k_blob.size()).size() + k_blob.size());
  EXPECT_TRUE(m_warned.empty());
  // The credentials of the URL are sent as basic auth, decoded, and never in the URL.
  ASSERT_EQ(m_http.sent.size(), 2u);
  EXPECT_TRUE(m_http.sent[0].has_auth);
  EXPECT_EQ(m_http.sent[0].user, "ci");
  EXPECT_EQ(m_http.sent[0].password, "s@cret");
  EXPECT_EQ(m_http.sent[0].url, ac_url());
}

TEST_F(RemoteHttp, ABlobTheStoreHasIsNotFetchedAgain) {
  serve_entry();
  m_store.put_bytes(k_blob);
  ASSERT_TRUE(remote().fetch(k_key));
  EXPECT_EQ(m_http.count(cas_url()), 0u);
}

TEST_F(RemoteHttp, AMissIsAskedOnce) {
  RemoteCache& r = remote();
  EXPECT_FALSE(r.fetch(k_key));
  EXPECT_FALSE(r.fetch(k_key));
  EXPECT_EQ(m_http.count(ac_url()), 1u);
  EXPECT_TRUE(r.active()) << "a 404 is a miss, not a failure";
  EXPECT_TRUE(m_warned.empty());
}

TEST_F(RemoteHttp, AServerErrorSkipsTheRemoteWithOneWarningNamingStatus) {
  m_http.queue(ac_url(), Canned{500, "boom", {}, net::code::ok, "", std::nullopt, true});
  RemoteCache& r = remote();
  EXPECT_FALSE(r.fetch(k_key));
  EXPECT_FALSE(r.active());
  EXPECT_FALSE(r.fetch(sha256_hex("other")));
  EXPECT_EQ(m_http.sent.size(), 1u) << "a skipped remote is not asked again";
  ASSERT_EQ(m_warned.size(), 1u);
  EXPECT_EQ(m_warned[0], "remote cache " + k_base + " skipped: ac/" + k_key +
                             ": HTTP 500; building locally");
}

TEST_F(RemoteHttp, AConnectionErrorIsNamedInTheWarning) {
  m_http.fail(ac_url(), net::code::couldnt_connect, "Failed to connect to 127.0.0.1 port 9");
  RemoteCache& r = remote();
  EXPECT_FALSE(r.fetch(k_key));
  ASSERT_EQ(m_warned.size(), 1u);
  EXPECT_NE(m_warned[0].find("ac/" + k_key + ": Failed to connect to 127.0.0.1 port 9"),
            std::string::npos)
      << m_warned[0];
  EXPECT_EQ(m_http.count(ac_url()), 1u) << "the remote cache never retries";
}

TEST_F(RemoteHttp, AnActionEntryThatIsNotJsonIsCorruptAndAMiss) {
  m_http.serve(ac_url(), "<html>");
  RemoteCache& r = remote();
  EXPECT_FALSE(r.fetch(k_key));
  EXPECT_TRUE(r.active());
  EXPECT_EQ(r.stats().corrupt, 1u);
  ASSERT_EQ(m_warned.size(), 1u);
  EXPECT_EQ(m_warned[0], "remote cache " + k_base + ": ac/" + k_key +
                             " is corrupt (not JSON); treated as a miss");
  EXPECT_FALSE(m_store.get_action(k_key));
}

TEST_F(RemoteHttp, ABlobWithOtherContentIsCorruptAndNeverStored) {
  m_http.serve(ac_url(), action_json(k_blob_digest, k_blob.size()));
  std::string other(k_blob.size(), 'x');
  m_http.serve(cas_url(), other);
  RemoteCache& r = remote();
  EXPECT_FALSE(r.fetch(k_key));
  EXPECT_FALSE(m_store.has_blob(k_blob_digest));
  EXPECT_FALSE(m_store.get_action(k_key));
  EXPECT_EQ(r.stats().corrupt, 1u);
  ASSERT_EQ(m_warned.size(), 1u);
  EXPECT_NE(m_warned[0].find("cas/" + k_blob_digest + " is corrupt (its content hashes to " +
                             sha256_hex(other) + ")"),
            std::string::npos)
      << m_warned[0];
}

TEST_F(RemoteHttp, ABlobCutShortIsCorrupt) {
  m_http.serve(ac_url(), action_json(k_blob_digest, k_blob.size()));
  m_http.queue(cas_url(), Canned{200, k_blob, {}, net::code::ok, "", 5, true});
  RemoteCache& r = remote();
  EXPECT_FALSE(r.fetch(k_key));
  ASSERT_EQ(m_warned.size(), 1u);
  EXPECT_NE(m_warned[0].find("the transfer ended after 5 of " + std::to_string(k_blob.size()) +
                             " bytes"),
            std::string::npos)
      << m_warned[0];
}

TEST_F(RemoteHttp, ABlobLongerThanListedIsCorrupt) {
  m_http.serve(ac_url(), action_json(k_blob_digest, 4));
  m_http.serve(cas_url(), k_blob);
  RemoteCache& r = remote();
  EXPECT_FALSE(r.fetch(k_key));
  ASSERT_EQ(m_warned.size(), 1u);
  EXPECT_NE(m_warned[0].find("more than the 4 bytes the action result lists"), std::string::npos)
      << m_warned[0];
}

TEST_F(RemoteHttp, AnEntryNamingAMissingBlobIsCorrupt) {
  m_http.serve(ac_url(), action_json(k_blob_digest, k_blob.size()));
  RemoteCache& r = remote();
  EXPECT_FALSE(r.fetch(k_key));
  EXPECT_TRUE(r.active());
  ASSERT_EQ(m_warned.size(), 1u);
  EXPECT_NE(m_warned[0].find("ac/" + k_key + " is corrupt (it names cas/" + k_blob_digest +
                             ", which the server does not hold)"),
            std::string::npos)
      << m_warned[0];
}

TEST_F(RemoteHttp, UploadSendsMissingBlobsThenTheActionResult) {
  std::string digest = m_store.put_bytes(k_blob);
  m_store.put_action(k_key, Json::parse(action_json(digest, k_blob.size())));
  RemoteCache& r = remote();
  r.upload(k_key);
  EXPECT_TRUE(m_warned.empty());
  ASSERT_EQ(m_http.sent.size(), 3u);
  EXPECT_EQ(m_http.sent[0].method, net::Method::head);
  EXPECT_EQ(m_http.sent[1].method, net::Method::put);
  EXPECT_EQ(m_http.sent[1].url, cas_url());
  EXPECT_EQ(m_http.sent[1].body, k_blob);
  EXPECT_EQ(m_http.sent[2].method, net::Method::put);
  EXPECT_EQ(m_http.sent[2].url, ac_url());
  EXPECT_EQ(m_http.stored[ac_url()], m_store.get_action(k_key)->dump());
  EXPECT_EQ(r.stats().uploads, 1u);
  EXPECT_EQ(r.stats().bytes_up, k_blob.size() + m_http.stored[ac_url()].size());
}

TEST_F(RemoteHttp, UploadSkipsBlobsTheServerHas) {
  std::string digest = m_store.put_bytes(k_blob);
  m_store.put_action(k_key, Json::parse(action_json(digest, k_blob.size())));
  m_http.serve(cas_url(), k_blob);
  remote().upload(k_key);
  EXPECT_EQ(m_http.count(net::Method::put, cas_url()), 0u);
  EXPECT_EQ(m_http.count(net::Method::put, ac_url()), 1u);
}

TEST_F(RemoteHttp, AfterACorruptBlobTheUploadReplacesIt) {
  // Fetch finds the server's blob corrupt...
  m_http.serve(ac_url(), action_json(k_blob_digest, k_blob.size()));
  m_http.serve(cas_url(), std::string(k_blob.size(), 'x'));
  RemoteCache& r = remote();
  EXPECT_FALSE(r.fetch(k_key));
  // ...so the upload of the good one does not trust HEAD.
  m_store.put_bytes(k_blob);
  m_store.put_action(k_key, Json::parse(action_json(k_blob_digest, k_blob.size())));
  m_http.queue(cas_url(), Canned{201, "", {}, net::code::ok, "", std::nullopt, true});
  r.upload(k_key);
  EXPECT_EQ(m_http.count(net::Method::head, cas_url()), 0u);
  EXPECT_EQ(m_http.count(net::Method::put, cas_url()), 1u);
  EXPECT_EQ(r.stats().uploads, 1u);
}

TEST_F(RemoteHttp, ARefusedUploadSkipsTheRemote) {
  std::string digest = m_store.put_bytes(k_blob);
  m_store.put_action(k_key, Json::parse(action_json(digest, k_blob.size())));
  m_http.queue(cas_url(), Canned{404, "", {}, net::code::ok, "", std::nullopt, true});
  m_http.queue(cas_url(), Canned{403, "read only", {}, net::code::ok, "", std::nullopt, true});
  RemoteCache& r = remote();
  r.upload(k_key);
  EXPECT_FALSE(r.active());
  EXPECT_EQ(m_http.count(net::Method::put, ac_url()), 0u) << "no action result without its blobs";
  ASSERT_EQ(m_warned.size(), 1u);
  EXPECT_NE(m_warned[0].find("cas/" + k_blob_digest + ": HTTP 403"), std::string::npos);
}

TEST_F(RemoteHttp, StatusReadsJson) {
  m_http.serve(k_base + "/status", R"({"CurrSize":12})");
  RemoteStatus s = remote().status();
  EXPECT_TRUE(s.reachable);
  EXPECT_EQ(s.http_status, 200);
  ASSERT_TRUE(s.status);
  EXPECT_EQ((*s.status)["CurrSize"], 12);
}

TEST_F(RemoteHttp, StatusOfAnUnreachableServerSaysWhy) {
  m_http.fail(k_base + "/status", net::code::couldnt_connect, "Connection refused");
  RemoteStatus s = remote().status();
  EXPECT_FALSE(s.reachable);
  EXPECT_EQ(s.error, "status: Connection refused");
}

}  // namespace
}  // namespace osbuild::store::testing
