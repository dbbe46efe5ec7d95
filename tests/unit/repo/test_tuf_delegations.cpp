// The client workflow's delegated roles, hashes and layouts, against repositories held in memory.
#include <gtest/gtest.h>

#include "osbuild/repo/client.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"
#include "repo/repo_test_util.h"

using namespace osbuild;
using namespace osbuild::repo;
using namespace osbuild::repo::test_util;

namespace {

// One targets role as the test writes it: the files it lists, what it delegates, who signs it.
struct RoleSpec {
  std::map<std::string, std::string> files;  // target name → bytes
  Json delegations;                          // null: none
  const SigningKey* key = nullptr;
  std::uint64_t version = 1;
  Time expires = at("2030-01-01T00:00:00Z");
};

Json role_entry(const std::string& name, const SigningKey& key, bool terminating,
                const std::string& match_kind, const std::vector<std::string>& patterns) {
  Json entry;
  entry["name"] = name;
  entry["keyids"] = std::vector<std::string>{key.key_id()};
  entry["threshold"] = 1;
  entry["terminating"] = terminating;
  entry[match_kind] = patterns;
  return entry;
}

// Top-level roles signed by `top`; targets delegates apps/* to "apps" (which delegates
// apps/extra-* to "nested") and pkgs by path hash to two hash-bin roles.
struct DelegatedRepo {
  SigningKey top = SigningKey::generate(KeyType::ed25519);
  SigningKey apps_key = SigningKey::generate(KeyType::ed25519);
  SigningKey nested_key = SigningKey::generate(KeyType::ed25519);
  SigningKey bins_key = SigningKey::generate(KeyType::ed25519);
  MemoryTransport transport;
  RootRole root;
  Metadata root_md;
  std::vector<std::string> algorithms{"sha256", "sha512"};
  std::map<std::string, RoleSpec> roles;
  std::vector<std::string> order{"nested", "apps", "bin-lo", "bin-hi", "targets"};

  explicit DelegatedRepo(bool consistent = true) {
    root.expires = at("2030-01-01T00:00:00Z");
    root.consistent_snapshot = consistent;
    root.keys[top.key_id()] = top.public_key();
    for (Role r : k_roles) {
      root.roles[r] = RoleKeys{{top.key_id()}, 1};
    }
    root_md = Metadata{root.to_json(), {}};
    root_md.sign(top);
    transport.files[k_meta + "1.root.json"] = root_md.to_file();

    Json top_delegations;
    top_delegations["keys"][apps_key.key_id()] = apps_key.public_key().to_json();
    top_delegations["keys"][bins_key.key_id()] = bins_key.public_key().to_json();
    top_delegations["roles"] = Json::array();
    top_delegations["roles"].push_back(role_entry("apps", apps_key, false, "paths", {"apps/*"}));
    top_delegations["roles"].push_back(role_entry("bin-lo", bins_key, true, "path_hash_prefixes",
                                                  {"0", "1", "2", "3", "4", "5", "6", "7"}));
    top_delegations["roles"].push_back(role_entry("bin-hi", bins_key, true, "path_hash_prefixes",
                                                  {"8", "9", "a", "b", "c", "d", "e", "f"}));
    Json apps_delegations;
    apps_delegations["keys"][nested_key.key_id()] = nested_key.public_key().to_json();
    apps_delegations["roles"] = Json::array();
    apps_delegations["roles"].push_back(
        role_entry("nested", nested_key, false, "paths", {"apps/extra-*"}));
    add_role("targets", {{"manifest.json", "{}"}}, top_delegations, top);
    add_role("apps", {{"apps/one.txt", "one"}}, apps_delegations, apps_key);
    add_role("nested", {{"apps/extra-two.txt", "two"}}, nullptr, nested_key);
    add_role("bin-lo", {}, nullptr, bins_key);
    add_role("bin-hi", {}, nullptr, bins_key);
    for (std::string name : {"pkgs/p1.txt", "pkgs/p2.txt", "pkgs/p3.txt", "pkgs/p4.txt"}) {
      roles[bin_of(name)].files[name] = "package " + name;
    }
  }

  void add_role(const std::string& name, std::map<std::string, std::string> files,
                Json delegations, const SigningKey& key) {
    RoleSpec spec;
    spec.files = std::move(files);
    spec.delegations = std::move(delegations);
    spec.key = &key;
    roles[name] = std::move(spec);
  }

  static std::string bin_of(const std::string& name) {
    return sha256_hex(name)[0] < '8' ? "bin-lo" : "bin-hi";
  }

  std::string meta_name(std::uint64_t version, const std::string& role) const {
    return metadata_file_name(layout_of(root), version, role);
  }

  TargetFile store(const std::string& name, const std::string& bytes) {
    TargetFile f;
    f.length = bytes.size();
    for (const auto& a : algorithms) {
      f.hashes[a] = a == "sha256" ? sha256_hex(bytes) : sha512_hex(bytes);
    }
    std::string stored = root.consistent_snapshot
                             ? consistent_target_path(name, f.hashes.at(algorithms.front()))
                             : name;
    transport.files[k_targets + stored] = bytes;
    return f;
  }

  std::string sign_role(const std::string& name) {
    RoleSpec& spec = roles.at(name);
    TargetsRole t;
    t.version = spec.version;
    t.expires = spec.expires;
    for (const auto& [file, bytes] : spec.files) {
      t.targets[file] = store(file, bytes);
    }
    t.delegations = spec.delegations;
    Metadata md{t.to_json(), {}};
    md.sign(*spec.key);
    std::string text = md.to_file();
    transport.files[k_meta + meta_name(spec.version, name)] = text;
    return text;
  }

  // Signs every role, then snapshot and timestamp over what was written.
  void publish() {
    SnapshotRole snapshot;
    snapshot.expires = at("2030-01-01T00:00:00Z");
    for (const auto& name : order) {
      snapshot.meta[name + ".json"] = describe(roles.at(name).version, sign_role(name));
    }
    Metadata s{snapshot.to_json(), {}};
    s.sign(top);
    transport.files[k_meta + meta_name(1, "snapshot")] = s.to_file();
    TimestampRole ts;
    ts.expires = at("2030-01-01T00:00:00Z");
    ts.snapshot = describe(1, s.to_file());
    Metadata m{ts.to_json(), {}};
    m.sign(top);
    transport.files[k_meta + "timestamp.json"] = m.to_file();
  }

  LoadedRepo load(const TrustedVersions& trusted = {}) {
    auto repo = load_repository(transport, {k_meta, k_targets}, root_md,
                                {Expiry::enforce, at("2026-11-21T00:00:00Z"), trusted});
    if (!repo) {
      throw std::runtime_error("no repository");
    }
    return *repo;
  }

  TargetCheck verify() { return verify_targets(transport, {k_meta, k_targets}, load()); }
};


bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(TufDelegations, LoadsEveryDelegatedRoleAndChecksTheirTargets) {
  DelegatedRepo r;
  r.publish();
  LoadedRepo repo = r.load();
  ASSERT_EQ(repo.delegated.size(), 4u);
  EXPECT_EQ(repo.delegated[0].name, "apps");
  EXPECT_EQ(repo.delegated[1].name, "nested");
  EXPECT_EQ(repo.delegated[1].delegator, "apps");
  EXPECT_EQ(repo.delegated[1].file, "1.nested.json");
  TargetCheck check = verify_targets(r.transport, {k_meta, k_targets}, repo);
  EXPECT_EQ(check.count, 7u);  // manifest, two apps, four packages
}

TEST(TufDelegations, LookupWalksPreorderIntoMatchingRoles) {
  DelegatedRepo r;
  r.publish();
  LoadedRepo repo = r.load();
  EXPECT_EQ(find_target(repo, "manifest.json")->role, "targets");
  EXPECT_EQ(find_target(repo, "apps/extra-two.txt")->role, "nested");
  EXPECT_EQ(find_target(repo, "pkgs/p3.txt")->role, DelegatedRepo::bin_of("pkgs/p3.txt"));
  EXPECT_FALSE(find_target(repo, "apps/none.txt").has_value());
}

TEST(TufDelegations, RefusesABadDelegatedSignature) {
  DelegatedRepo r;
  r.roles["apps"].key = &r.top;  // not a key targets.json lists for apps
  r.publish();
  EXPECT_EQ(verification_error_of([&] { r.load(); }),
            "1.apps.json: signature threshold not met: 0 valid signatures from the apps role's "
            "keys, threshold 1 (as targets delegates it)");
}

TEST(TufDelegations, RefusesANestedRoleSignedByItsDelegatorsParentKey) {
  DelegatedRepo r;
  r.roles["nested"].key = &r.apps_key;
  r.publish();
  EXPECT_TRUE(has(verification_error_of([&] { r.load(); }), "1.nested.json: signature threshold not met"));
}

TEST(TufDelegations, RefusesADelegatedRoleRolledBackBelowTheTrustedVersion) {
  DelegatedRepo r;
  r.roles["apps"].version = 3;
  r.publish();
  TrustedVersions trusted = r.load().versions();
  EXPECT_EQ(trusted.delegated.at("apps"), 3u);
  EXPECT_EQ(trusted.delegated.at("nested"), 1u);
  // The same snapshot version, re-signed over an older apps.json: only the role's own
  // remembered version catches it.
  r.roles["apps"].version = 2;
  r.publish();
  EXPECT_TRUE(has(verification_error_of([&] { r.load(trusted); }),
                  "1.snapshot.json's apps.json has version 2, lower than the trusted version 3: "
                  "a rollback"));
  EXPECT_NO_THROW(r.load());  // a client that never saw version 3 accepts it
  TrustedVersions merged = TrustedVersions{}.newest(trusted);
  EXPECT_EQ(merged.delegated.at("apps"), 3u);
}

TEST(TufDelegations, RefusesATamperedDelegatedTarget) {
  DelegatedRepo r;
  r.publish();
  r.transport.files[k_targets + "apps/" + sha256_hex("two") + ".extra-two.txt"] = "tw0";
  EXPECT_TRUE(has(verification_error_of([&] { r.verify(); }),
                  "target apps/extra-two.txt has sha256 " + sha256_hex("tw0") +
                      ", but nested.json records"));
}

TEST(TufDelegations, ATerminatingRoleHidesALaterRolesTarget) {
  DelegatedRepo r;
  SigningKey early = SigningKey::generate(KeyType::ed25519);
  Json& d = r.roles["targets"].delegations;
  d["keys"][early.key_id()] = early.public_key().to_json();
  d["roles"].insert(d["roles"].begin(), role_entry("early", early, true, "paths", {"apps/*"}));
  r.add_role("early", {{"apps/early.txt", "early"}}, nullptr, early);
  r.order.insert(r.order.begin(), "early");
  r.publish();
  LoadedRepo repo = r.load();
  EXPECT_EQ(find_target(repo, "apps/early.txt")->role, "early");
  EXPECT_FALSE(find_target(repo, "apps/one.txt").has_value());
  EXPECT_TRUE(has(verification_error_of([&] { r.verify(); }),
                  "target apps/one.txt, listed in apps.json, is not found by a client's lookup"));
}

TEST(TufDelegations, RefusesAHashBinTargetInTheWrongBin) {
  DelegatedRepo r;
  std::string name = "pkgs/p1.txt";
  std::string right = DelegatedRepo::bin_of(name);
  std::string wrong = right == "bin-lo" ? "bin-hi" : "bin-lo";
  r.roles[wrong].files[name] = r.roles[right].files[name];
  r.roles[right].files.erase(name);
  r.publish();
  EXPECT_TRUE(has(verification_error_of([&] { r.verify(); }),
                  "target pkgs/p1.txt, listed in " + wrong + ".json, is not found"));
}

TEST(TufDelegations, RefusesMissingOrUnlistedDelegatedMetadata) {
  DelegatedRepo r;
  r.publish();
  r.transport.files.erase(k_meta + "1.nested.json");
  EXPECT_TRUE(has(verification_error_of([&] { r.load(); }), "1.nested.json is missing"));

  DelegatedRepo unlisted;
  unlisted.order.erase(unlisted.order.begin());  // nested.json not in the snapshot
  unlisted.publish();
  EXPECT_TRUE(has(verification_error_of([&] { unlisted.load(); }),
                  "1.snapshot.json does not list nested.json, the metadata of the role apps "
                  "delegates to"));
}

TEST(TufDelegations, RefusesADelegatedVersionOtherThanTheSnapshotsAndAnExpiredRole) {
  DelegatedRepo r(false);  // plain names: the file read is apps.json whatever its version
  r.roles["apps"].version = 2;
  r.publish();
  Json doc = Json::parse(r.transport.files[k_meta + "snapshot.json"]);
  EXPECT_EQ(doc["signed"]["meta"]["apps.json"]["version"], 2);
  // Re-sign a snapshot that names version 1 for apps.json.
  SnapshotRole s = parse_snapshot(doc["signed"], "snapshot.json");
  s.meta["apps.json"].version = 1;
  Metadata md{s.to_json(), {}};
  md.sign(r.top);
  r.transport.files[k_meta + "snapshot.json"] = md.to_file();
  TimestampRole ts = parse_timestamp(
      Json::parse(r.transport.files[k_meta + "timestamp.json"])["signed"], "timestamp.json");
  ts.snapshot = describe(1, md.to_file());
  Metadata t{ts.to_json(), {}};
  t.sign(r.top);
  r.transport.files[k_meta + "timestamp.json"] = t.to_file();
  EXPECT_EQ(verification_error_of([&] { r.load(); }),
            "apps.json holds version 2, but snapshot.json names version 1");

  DelegatedRepo expired;
  expired.roles["nested"].expires = at("2026-01-01T00:00:00Z");
  expired.publish();
  EXPECT_EQ(verification_error_of([&] { expired.load(); }),
            "1.nested.json: the delegated targets role nested expired on 2026-01-01T00:00:00Z");
}

TEST(TufDelegations, ChecksEverySha512NotOnlySha256) {
  DelegatedRepo r;
  r.publish();
  LoadedRepo repo = r.load();
  // targets.json re-signed with a wrong sha512 beside the right sha256.
  TargetsRole t = repo.targets;
  t.targets["manifest.json"].hashes["sha512"] = sha512_hex("not it");
  Metadata md{t.to_json(), {}};
  md.sign(r.top);
  repo.targets = t;
  EXPECT_TRUE(has(verification_error_of([&] { verify_targets(r.transport, {k_meta, k_targets}, repo); }),
                  "target manifest.json has sha512 " + sha512_hex("{}") +
                      ", but targets.json records " + sha512_hex("not it")));
  EXPECT_TRUE(has(verification_error_of([&] {
                    fetch_target_text(r.transport, {k_meta, k_targets}, t, "manifest.json");
                  }),
                  "has sha512"));
}

TEST(TufDelegations, RefusesMetadataOrTargetsListingOnlyUnknownHashes) {
  DelegatedRepo r;
  r.publish();
  Json doc = Json::parse(r.transport.files[k_meta + "timestamp.json"]);
  TimestampRole ts = parse_timestamp(doc["signed"], "timestamp.json");
  ts.snapshot.hashes = {{"md5", "00112233445566778899aabbccddeeff"}};
  Metadata md{ts.to_json(), {}};
  md.sign(r.top);
  r.transport.files[k_meta + "timestamp.json"] = md.to_file();
  EXPECT_EQ(verification_error_of([&] { r.load(); }),
            "timestamp.json records only md5 for 1.snapshot.json, which osbuild cannot check: it "
            "checks sha256 and sha512");

  DelegatedRepo target;
  target.publish();
  LoadedRepo repo = target.load();
  repo.targets.targets["manifest.json"].hashes = {{"md5", "99914b932bd37a50b983c5e7c90ae93b"}};
  EXPECT_TRUE(has(verification_error_of([&] { verify_targets(target.transport, {k_meta, k_targets}, repo); }),
                  "records only md5 for target manifest.json"));
}

TEST(TufDelegations, ReadsAPlainLayoutAndASha512FirstStore) {
  DelegatedRepo plain(false);
  plain.publish();
  EXPECT_TRUE(plain.transport.files.count(k_meta + "snapshot.json"));
  EXPECT_TRUE(plain.transport.files.count(k_meta + "apps.json"));
  EXPECT_EQ(plain.verify().count, 7u);

  DelegatedRepo sha512_first;
  sha512_first.algorithms = {"sha512", "sha256"};  // stored as "<sha512>.<name>"
  sha512_first.publish();
  EXPECT_TRUE(sha512_first.transport.files.count(k_targets + sha512_hex("{}") + ".manifest.json"));
  EXPECT_EQ(sha512_first.verify().count, 7u);
  LoadedRepo repo = sha512_first.load();
  EXPECT_EQ(fetch_target_text(sha512_first.transport, {k_meta, k_targets}, repo.targets,
                              "manifest.json"),
            "{}");

  DelegatedRepo sha512_only;
  sha512_only.algorithms = {"sha512"};
  sha512_only.publish();
  EXPECT_EQ(sha512_only.verify().count, 7u);
}

TEST(TufDelegations, PathPatternsMatchOnePartPerStar) {
  DelegatedRole role;
  role.paths = {"apps/*", "*.txt", "img/v?/*.img"};
  EXPECT_TRUE(role.matches("apps/a.bin"));
  EXPECT_FALSE(role.matches("apps/x/a.bin"));
  EXPECT_TRUE(role.matches("top.txt"));
  EXPECT_FALSE(role.matches("dir/top.txt"));
  EXPECT_TRUE(role.matches("img/v2/disk.img"));
  EXPECT_FALSE(role.matches("img/v10/disk.img"));
  DelegatedRole bin;
  bin.path_hash_prefixes = {sha256_hex("pkgs/p1.txt").substr(0, 2)};
  EXPECT_TRUE(bin.matches("pkgs/p1.txt"));
}

TEST(TufDelegations, RefusesMalformedDelegations) {
  Json both{{"keys", Json::object()},
            {"roles",
             {{{"name", "x"},
               {"keyids", Json::array()},
               {"threshold", 1},
               {"terminating", false},
               {"paths", {"a/*"}},
               {"path_hash_prefixes", {"0"}}}}}};
  EXPECT_TRUE(has(verification_error_of([&] { parse_delegations(both, "t.json"); }),
                  "exactly one of 'paths' and 'path_hash_prefixes'"));
  Json top_name = both;
  top_name["roles"][0]["name"] = "snapshot";
  top_name["roles"][0].erase("paths");
  EXPECT_TRUE(has(verification_error_of([&] { parse_delegations(top_name, "t.json"); }),
                  "may not take a top-level role's name"));
  Json succinct{{"keys", Json::object()}, {"succinct_roles", Json::object()}};
  EXPECT_TRUE(has(verification_error_of([&] { parse_delegations(succinct, "t.json"); }), "succinct_roles"));
}
