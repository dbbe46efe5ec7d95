// The client workflow against a repository held in memory.
#include <gtest/gtest.h>

#include "osbuild/repo/client.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"
#include "repo/repo_test_util.h"

using namespace osbuild;
using namespace osbuild::repo;
using namespace osbuild::repo::test_util;

namespace {

// A small consistent-snapshot repository with one key for every role.
struct MemoryRepo {
  SigningKey key = SigningKey::generate(KeyType::ed25519);
  MemoryTransport transport;
  RootRole root;
  Metadata root_md;
  std::map<std::string, std::string> contents{{"a.img", "image bytes"}, {"manifest.json", "{}"}};

  MemoryRepo() {
    root.expires = at("2030-01-01T00:00:00Z");
    root.keys[key.key_id()] = key.public_key();
    for (Role r : k_roles) {
      root.roles[r] = RoleKeys{{key.key_id()}, 1};
    }
    root_md = Metadata{root.to_json(), {}};
    root_md.sign(key);
    transport.files[k_meta + "1.root.json"] = root_md.to_file();
    publish(1, at("2030-01-01T00:00:00Z"));
  }

  void publish(std::uint64_t version, Time expires) {
    TargetsRole targets;
    targets.version = version;
    targets.expires = expires;
    for (const auto& [name, bytes] : contents) {
      TargetFile f;
      f.length = bytes.size();
      f.hashes["sha256"] = sha256_hex(bytes);
      transport.files[k_targets + sha256_hex(bytes) + "." + name] = bytes;
      targets.targets[name] = f;
    }
    Metadata t{targets.to_json(), {}};
    t.sign(key);
    std::string t_text = t.to_file();
    transport.files[k_meta + std::to_string(version) + ".targets.json"] = t_text;
    SnapshotRole snapshot;
    snapshot.version = version;
    snapshot.expires = expires;
    snapshot.meta["targets.json"] = describe(version, t_text);
    Metadata s{snapshot.to_json(), {}};
    s.sign(key);
    transport.files[k_meta + std::to_string(version) + ".snapshot.json"] = s.to_file();
    TimestampRole ts;
    ts.version = version;
    ts.expires = expires;
    ts.snapshot = describe(version, s.to_file());
    Metadata m{ts.to_json(), {}};
    m.sign(key);
    transport.files[k_meta + "timestamp.json"] = m.to_file();
  }

  LoadedRepo load(LoadOptions options = {Expiry::enforce, at("2026-11-21T00:00:00Z"), {}}) {
    auto repo = load_repository(transport, {k_meta, k_targets}, root_md, options);
    if (!repo) {
      throw std::runtime_error("no repository");
    }
    return *repo;
  }
};


}  // namespace

TEST(TufClient, LoadsAndChecksEveryTarget) {
  MemoryRepo r;
  LoadedRepo repo = r.load();
  EXPECT_EQ(repo.targets.targets.size(), 2u);
  auto check = verify_targets(r.transport, {k_meta, k_targets}, repo);
  EXPECT_EQ(check.count, 2u);
  EXPECT_EQ(fetch_target_text(r.transport, {k_meta, k_targets}, repo.targets, "manifest.json"),
            "{}");
}

TEST(TufClient, NoTimestampMeansNewRepository) {
  MemoryRepo r;
  r.transport.files.erase(k_meta + "timestamp.json");
  EXPECT_FALSE(load_repository(r.transport, {k_meta, k_targets}, r.root_md,
                               {Expiry::enforce, at("2026-11-21T00:00:00Z"), {}})
                   .has_value());
}

TEST(TufClient, RefusesATamperedTarget) {
  MemoryRepo r;
  LoadedRepo repo = r.load();
  r.transport.files[k_targets + sha256_hex("image bytes") + ".a.img"] = "image bytez";
  EXPECT_NE(verification_error_of([&] {
              verify_targets(r.transport, {k_meta, k_targets}, repo);
            }).find("target a.img has sha256"),
            std::string::npos);
}

TEST(TufClient, RefusesABadSignature) {
  MemoryRepo r;
  Json doc = Json::parse(r.transport.files[k_meta + "timestamp.json"]);
  doc["signed"]["version"] = 7;  // signed body changed after signing
  r.transport.files[k_meta + "timestamp.json"] = doc.dump();
  EXPECT_EQ(verification_error_of([&] { r.load(); }),
            "timestamp.json: signature threshold not met: 0 valid signatures from the timestamp "
            "role's keys, threshold 1 (1 bad signature)");
}

TEST(TufClient, RefusesAWrongLengthInSnapshot) {
  MemoryRepo r;
  std::string& text = r.transport.files[k_meta + "1.targets.json"];
  text += " ";
  EXPECT_NE(verification_error_of([&] { r.load(); }).find("1.targets.json is"), std::string::npos);
}

TEST(TufClient, RefusesAnExpiredRoleUnlessToldToIgnoreIt) {
  MemoryRepo r;
  r.publish(2, at("2026-01-01T00:00:00Z"));
  EXPECT_EQ(verification_error_of([&] { r.load(); }),
            "timestamp.json: the timestamp role expired on 2026-01-01T00:00:00Z");
  EXPECT_NO_THROW(r.load({Expiry::ignore, at("2026-11-21T00:00:00Z"), {}}));
}

TEST(TufClient, RefusesARollback) {
  MemoryRepo r;
  r.publish(2, at("2030-01-01T00:00:00Z"));
  TrustedVersions seen = r.load().versions();
  std::string old = r.transport.files[k_meta + "timestamp.json"];
  r.publish(3, at("2030-01-01T00:00:00Z"));
  r.load({Expiry::enforce, at("2026-11-21T00:00:00Z"), seen});
  r.transport.files[k_meta + "timestamp.json"] = old;
  seen.timestamp = 3;
  EXPECT_NE(verification_error_of([&] {
              r.load({Expiry::enforce, at("2026-11-21T00:00:00Z"), seen});
            }).find("timestamp.json has version 2, lower than the trusted version 3"),
            std::string::npos);
}

TEST(TufClient, FollowsARotationSignedByOldAndNewKeys) {
  MemoryRepo r;
  SigningKey next_key = SigningKey::generate(KeyType::ecdsa);
  RootRole next = r.root;
  next.version = 2;
  next.keys.clear();
  next.keys[next_key.key_id()] = next_key.public_key();
  for (Role role : k_roles) {
    next.roles[role] = RoleKeys{{next_key.key_id()}, 1};
  }
  Metadata md{next.to_json(), {}};
  md.sign(next_key);
  r.transport.files[k_meta + "2.root.json"] = md.to_file();
  EXPECT_NE(
      verification_error_of([&] { r.load(); }).find("2.root.json is not signed by the keys of root version 1"),
      std::string::npos);
  md.sign(r.key);
  r.transport.files[k_meta + "2.root.json"] = md.to_file();
  // Old-key timestamp under the new root: refused until re-signed with the new key.
  EXPECT_NE(verification_error_of([&] { r.load(); }).find("timestamp.json: signature threshold not met"),
            std::string::npos);
  std::swap(r.key, next_key);
  r.publish(2, at("2030-01-01T00:00:00Z"));
  LoadedRepo repo = r.load();
  EXPECT_EQ(repo.root.version, 2u);
  EXPECT_EQ(repo.root_chain.size(), 2u);
}
