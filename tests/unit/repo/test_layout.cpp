// File names of the two repository layouts: consistent snapshots ("3.targets.json",
// "<sha256>.<name>") and the plain names of a root with consistent_snapshot false, which its
// clients read and which osbuild must keep when it extends such a repository.
#include <gtest/gtest.h>

#include "osbuild/repo/client.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"
#include "repo/repo_test_util.h"

using namespace osbuild;
using namespace osbuild::repo;
using namespace osbuild::repo::test_util;

namespace {

// A repository with consistent_snapshot false and a delegated role listed in its snapshot:
// targets.json, snapshot.json and targets/<name>, as python-tuf or tuf-js write it.
struct PlainRepo {
  SigningKey key = SigningKey::generate(KeyType::ed25519);
  MemoryTransport transport;
  Metadata root_md;
  std::map<std::string, std::string> contents{{"a.img", "image bytes"}, {"manifest.json", "{}"}};

  PlainRepo() {
    RootRole root;
    root.consistent_snapshot = false;
    root.expires = at("2030-01-01T00:00:00Z");
    root.keys[key.key_id()] = key.public_key();
    for (Role r : k_roles) {
      root.roles[r] = RoleKeys{{key.key_id()}, 1};
    }
    root_md = Metadata{root.to_json(), {}};
    root_md.sign(key);
    transport.files[k_meta + "1.root.json"] = root_md.to_file();

    TargetsRole targets;
    targets.expires = at("2030-01-01T00:00:00Z");
    for (const auto& [name, bytes] : contents) {
      TargetFile f;
      f.length = bytes.size();
      f.hashes["sha256"] = sha256_hex(bytes);
      transport.files[k_targets + name] = bytes;
      targets.targets[name] = f;
    }
    std::string t_text = signed_text(targets.to_json());
    transport.files[k_meta + "targets.json"] = t_text;
    SnapshotRole snapshot;
    snapshot.expires = at("2030-01-01T00:00:00Z");
    snapshot.meta["targets.json"] = describe(1, t_text);
    snapshot.meta["extras.json"] = MetaFile{3, std::nullopt, {}};
    std::string s_text = signed_text(snapshot.to_json());
    transport.files[k_meta + "snapshot.json"] = s_text;
    TimestampRole ts;
    ts.expires = at("2030-01-01T00:00:00Z");
    ts.snapshot = describe(1, s_text);
    transport.files[k_meta + "timestamp.json"] = signed_text(ts.to_json());
  }

  std::string signed_text(const Json& body) const {
    Metadata md{body, {}};
    md.sign(key);
    return md.to_file();
  }
};

}  // namespace

TEST(RepoLayout, NamesMetadataFilesByLayout) {
  EXPECT_EQ(metadata_file_name(Layout::consistent, 3, "targets"), "3.targets.json");
  EXPECT_EQ(metadata_file_name(Layout::plain, 3, "targets"), "targets.json");
  EXPECT_EQ(metadata_file_name(Layout::consistent, 1, "extras"), "1.extras.json");
  EXPECT_EQ(metadata_file_name(Layout::plain, 7, "snapshot"), "snapshot.json");
}

TEST(RepoLayout, NamesTargetsByLayout) {
  EXPECT_EQ(target_path(Layout::consistent, "a.img", "ab12"), "ab12.a.img");
  EXPECT_EQ(target_path(Layout::consistent, "extras/x.txt", "ab12"), "extras/ab12.x.txt");
  EXPECT_EQ(target_path(Layout::plain, "a.img", "ab12"), "a.img");
  EXPECT_EQ(target_path(Layout::plain, "extras/x.txt", "ab12"), "extras/x.txt");
}

TEST(RepoLayout, LoadsAPlainRepositoryAndReadsItsTargetsUnderPlainNames) {
  PlainRepo r;
  auto repo = load_repository(r.transport, {k_meta, k_targets}, r.root_md,
                              {Expiry::enforce, at("2026-11-21T00:00:00Z"), {}});
  ASSERT_TRUE(repo.has_value());
  EXPECT_EQ(layout_of(repo->root), Layout::plain);
  EXPECT_EQ(repo->snapshot.meta.at("extras.json").version, 3u);
  auto check = verify_targets(r.transport, {k_meta, k_targets}, *repo);
  EXPECT_EQ(check.count, 2u);
  EXPECT_EQ(fetch_target_text(r.transport, {k_meta, k_targets}, repo->targets, "manifest.json",
                              Layout::plain),
            "{}");
}

TEST(RepoLayout, APlainRepositoryIsNotReadUnderContentAddresses) {
  PlainRepo r;
  auto repo = load_repository(r.transport, {k_meta, k_targets}, r.root_md,
                              {Expiry::enforce, at("2026-11-21T00:00:00Z"), {}});
  ASSERT_TRUE(repo.has_value());
  try {
    fetch_target_text(r.transport, {k_meta, k_targets}, repo->targets, "manifest.json",
                      Layout::consistent);
    FAIL() << "a consistent-snapshot name was found in a plain repository";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("target manifest.json is missing"), std::string::npos)
        << e.what();
  }
}
