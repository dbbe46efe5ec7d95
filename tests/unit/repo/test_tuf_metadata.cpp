#include <gtest/gtest.h>
#include <sys/stat.h>

#include "osbuild/repo/keys.h"
#include "osbuild/repo/metadata.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"

using namespace osbuild;
using namespace osbuild::repo;

TEST(TufCanonicalJson, SortsKeysAndEscapesOnlyQuoteAndBackslash) {
  Json v = Json::parse(R"({"b": [3, -1, true, null], "a": "x\"y\\z\n\u00e9", "A": {}})");
  // OLPC: control characters and non-ASCII are written as they are.
  EXPECT_EQ(tuf_canonical_json(v),
            "{\"A\":{},\"a\":\"x\\\"y\\\\z\n\xc3\xa9\",\"b\":[3,-1,true,null]}");
}

TEST(TufCanonicalJson, RefusesFloats) {
  EXPECT_THROW(tuf_canonical_json(Json::parse(R"({"a": 1.5})")), Error);
  EXPECT_EQ(tuf_canonical_json(Json::parse("18446744073709551615")), "18446744073709551615");
}

TEST(TufKeys, KeyIdIsSha256OfTheCanonicalKey) {
  PublicKey key{"ed25519", "ed25519",
                "4cb7384b7a2d4a5ad7a9c7f7e2b2b7c3b4a9e6e3c1d2a0f1e2d3c4b5a6978812"};
  std::string canonical =
      "{\"keytype\":\"ed25519\",\"keyval\":{\"public\":"
      "\"4cb7384b7a2d4a5ad7a9c7f7e2b2b7c3b4a9e6e3c1d2a0f1e2d3c4b5a6978812\"},"
      "\"scheme\":\"ed25519\"}";
  EXPECT_EQ(key.key_id(), sha256_hex(canonical));
  EXPECT_EQ(PublicKey::from_json(key.to_json()).value(), key);
}

class TufKeyTypes : public ::testing::TestWithParam<KeyType> {};

TEST_P(TufKeyTypes, SignsAndVerifies) {
  SigningKey key = SigningKey::generate(GetParam());
  std::string sig = key.sign("message");
  EXPECT_TRUE(verify_signature(key.public_key(), "message", sig));
  EXPECT_FALSE(verify_signature(key.public_key(), "messagE", sig));
  SigningKey other = SigningKey::generate(GetParam());
  EXPECT_FALSE(verify_signature(other.public_key(), "message", sig));
  // The PEM round trip keeps the key and its id.
  SigningKey again = SigningKey::from_pem(key.to_pem(), "test");
  EXPECT_EQ(again.key_id(), key.key_id());
  EXPECT_EQ(public_key_from_pem(key.to_pem(), "test"), key.public_key());
  EXPECT_NE(key.to_pem().find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
}

TEST_P(TufKeyTypes, WritesTheFormsClientsRead) {
  SigningKey key = SigningKey::generate(GetParam());
  const PublicKey& pub = key.public_key();
  switch (GetParam()) {
    case KeyType::ed25519:
      EXPECT_EQ(pub.keytype, "ed25519");
      EXPECT_EQ(pub.scheme, "ed25519");
      EXPECT_TRUE(is_lower_hex(pub.value, 64));
      break;
    case KeyType::ecdsa:
      EXPECT_EQ(pub.keytype, "ecdsa");
      EXPECT_EQ(pub.scheme, "ecdsa-sha2-nistp256");
      EXPECT_TRUE(pub.value.starts_with("-----BEGIN PUBLIC KEY-----"));
      // DER: a SEQUENCE of two INTEGERs.
      EXPECT_EQ(static_cast<unsigned char>(key.sign("x")[0]), 0x30);
      break;
    case KeyType::rsa:
      EXPECT_EQ(pub.keytype, "rsa");
      EXPECT_EQ(pub.scheme, "rsassa-pss-sha256");
      EXPECT_TRUE(pub.value.starts_with("-----BEGIN PUBLIC KEY-----"));
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(All, TufKeyTypes,
                         ::testing::Values(KeyType::ed25519, KeyType::ecdsa, KeyType::rsa),
                         [](const auto& p) { return std::string(key_type_name(p.param)); });

TEST(TufKeys, KeyFilesAreWrittenPrivateAndLooseOnesRefused) {
  TempDir dir;
  auto path = dir.path() / "k.pem";
  write_private_key(path, SigningKey::generate(KeyType::ed25519));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NO_THROW(SigningKey::load(path));
  EXPECT_THROW(write_private_key(path, SigningKey::generate(KeyType::ed25519)), Error);
  ::chmod(path.c_str(), 0644);
  try {
    SigningKey::load(path);
    FAIL() << "a world-readable key was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("readable by group or others (mode 0644)"),
              std::string::npos);
    EXPECT_EQ(e.hint(), "chmod 600 " + path.string());
  }
}

namespace {

RootRole root_with(const std::vector<const SigningKey*>& keys, std::uint32_t threshold) {
  RootRole root;
  root.expires = parse_rfc3339("2030-01-01T00:00:00Z").value();
  for (const auto* k : keys) {
    root.keys[k->key_id()] = k->public_key();
  }
  for (Role role : k_roles) {
    RoleKeys rk;
    for (const auto* k : keys) {
      rk.keyids.push_back(k->key_id());
    }
    rk.threshold = threshold;
    root.roles[role] = rk;
  }
  return root;
}

}  // namespace

TEST(TufMetadata, ThresholdCountsDistinctValidKeys) {
  SigningKey a = SigningKey::generate(KeyType::ed25519);
  SigningKey b = SigningKey::generate(KeyType::ecdsa);
  RootRole root = root_with({&a, &b}, 2);
  TimestampRole ts;
  ts.expires = root.expires;
  ts.snapshot = describe(1, "snapshot");
  Metadata md{ts.to_json(), {}};
  md.sign(a);
  md.sign(a);  // the same key twice is one signature
  ASSERT_TRUE(threshold_problem(md, root, Role::timestamp).has_value());
  EXPECT_EQ(*threshold_problem(md, root, Role::timestamp),
            "1 valid signature from the timestamp role's keys, threshold 2");
  md.sign(b);
  EXPECT_FALSE(threshold_problem(md, root, Role::timestamp).has_value());
  // A changed body invalidates both.
  md.body["version"] = 2;
  EXPECT_EQ(valid_signatures(md, root, Role::timestamp), 0u);
}

TEST(TufMetadata, RoundTripsThroughFiles) {
  SigningKey a = SigningKey::generate(KeyType::rsa);
  RootRole root = root_with({&a}, 1);
  Metadata md{root.to_json(), {}};
  md.sign(a);
  Metadata again = Metadata::parse(md.to_file(), "1.root.json");
  RootRole parsed = parse_root(again.body, "1.root.json");
  EXPECT_EQ(parsed.to_json(), root.to_json());
  EXPECT_FALSE(threshold_problem(again, parsed, Role::root).has_value());
  EXPECT_EQ(again.body["expires"], "2030-01-01T00:00:00Z");
  EXPECT_EQ(again.body["spec_version"], "1.0.0");
  EXPECT_EQ(again.body["consistent_snapshot"], true);
  EXPECT_THROW(parse_targets(again.body, "1.root.json"), Error);  // wrong _type
}

TEST(TufMetadata, ExpiryIsParsedAndWrittenInUtcSeconds) {
  TargetsRole t;
  t.version = 3;
  t.expires = parse_rfc3339("2026-11-21T13:14:15+01:00").value();
  Json j = t.to_json();
  EXPECT_EQ(j["expires"], "2026-11-21T12:14:15Z");
  EXPECT_EQ(parse_targets(j, "t").expires, t.expires);
  j["expires"] = "next week";
  EXPECT_THROW(parse_targets(j, "t"), Error);
}
