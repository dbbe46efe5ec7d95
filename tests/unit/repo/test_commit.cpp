// Writing a repository's metadata: keys checked against the root before anything is written,
// delegated roles kept in the snapshot, the plain layout honoured, and the journal that lets the
// next run complete a commit a killed one left unfinished.
#include <gtest/gtest.h>

#include "osbuild/util/fs.h"
#include "osbuild/util/units.h"
#include "repo/repo_test_util.h"
#include "repo/stage.h"

using namespace osbuild;
using namespace osbuild::repo;
using namespace osbuild::repo::test_util;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

RootRole root_with(const std::map<Role, std::vector<const SigningKey*>>& roles,
                   std::uint32_t threshold = 1) {
  RootRole root;
  root.expires = at("2030-01-01T00:00:00Z");
  for (const auto& [role, keys] : roles) {
    RoleKeys rk{{}, threshold};
    for (const auto* key : keys) {
      root.keys[key->key_id()] = key->public_key();
      rk.keyids.push_back(key->key_id());
    }
    root.roles[role] = rk;
  }
  return root;
}

// A repository folder in a temporary directory, signed by one key.
// Every role signed by `key` alone.
RootRole one_key_root(const SigningKey& key) {
  return root_with({{Role::root, {&key}},
                    {Role::targets, {&key}},
                    {Role::snapshot, {&key}},
                    {Role::timestamp, {&key}}});
}

struct Folder {
  TempDir tmp{"osbuild-repo-commit"};
  detail::Setup setup;
  Folder() {
    setup.variant = "dev";
    setup.arch = "x86_64";
    setup.output = tmp.path() / "repos" / "default";
    setup.metadata_dir = setup.output / "metadata" / "dev" / "x86_64";
    setup.targets_dir = setup.output / "targets";
    setup.trust_file = tmp.path() / "trust" / "x86_64.json";
    setup.now = at("2026-11-21T00:00:00Z");
    setup.start = setup.now;
    setup.expirations = {{},
                         parse_duration("2 weeks").value(),
                         parse_duration("2 weeks").value(),
                         parse_duration("1 week").value()};
    fs::create_directories(setup.metadata_dir);
    setup.keys.push_back(SigningKey::generate(KeyType::ed25519));
  }
  Metadata signed_root(RootRole root) {
    Metadata md{root.to_json(), {}};
    md.sign(setup.keys.front());
    return md;
  }
  Json file(const std::string& name) {
    return Json::parse(read_file_or_throw(setup.metadata_dir / name));
  }
};

}  // namespace

TEST(RepoCommit, RefusesKeysThatCannotSignEveryRole) {
  SigningKey a = SigningKey::generate(KeyType::ed25519);
  SigningKey b = SigningKey::generate(KeyType::ed25519);
  RootRole root = root_with({{Role::root, {&a}},
                             {Role::targets, {&a}},
                             {Role::snapshot, {&b}},
                             {Role::timestamp, {&b}}});
  std::vector<SigningKey> only_a;
  only_a.push_back(SigningKey::from_pem(a.to_pem(), "a.pem"));
  EXPECT_NE(error_of([&] { detail::check_signing_keys(only_a, root); })
                .find("cannot sign snapshot: 0 valid signatures from the snapshot role's keys, "
                      "threshold 1; the signing keys given are " +
                      a.key_id().substr(0, 12)),
            std::string::npos);
  only_a.push_back(SigningKey::from_pem(b.to_pem(), "b.pem"));
  EXPECT_EQ(error_of([&] { detail::check_signing_keys(only_a, root); }), "no error");
}

TEST(RepoCommit, CountsDistinctKeysAgainstTheThreshold) {
  SigningKey a = SigningKey::generate(KeyType::ed25519);
  SigningKey b = SigningKey::generate(KeyType::ed25519);
  RootRole root = root_with({{Role::root, {&a, &b}},
                             {Role::targets, {&a, &b}},
                             {Role::snapshot, {&a, &b}},
                             {Role::timestamp, {&a, &b}}},
                            2);
  std::vector<SigningKey> twice;
  twice.push_back(SigningKey::from_pem(a.to_pem(), "a.pem"));
  twice.push_back(SigningKey::from_pem(a.to_pem(), "a-copy.pem"));
  EXPECT_NE(error_of([&] { detail::check_signing_keys(twice, root); })
                .find("cannot sign targets: 1 valid signature from the targets role's keys, "
                      "threshold 2"),
            std::string::npos);
}

TEST(RepoCommit, KeepsDelegatedRolesInTheSnapshot) {
  Folder f;
  RootRole root = one_key_root(f.setup.keys.front());
  SnapshotRole previous;
  previous.version = 4;
  previous.meta["targets.json"] = MetaFile{4, std::nullopt, {}};
  previous.meta["extras.json"] = MetaFile{2, std::nullopt, {}};
  TrustedVersions versions{1, 4, 4, 4, {}};
  detail::commit_metadata(f.setup, {f.signed_root(root)}, root, TargetsRole{}, versions,
                          &previous);
  Json snapshot = f.file("5.snapshot.json")["signed"];
  EXPECT_EQ(snapshot["meta"]["extras.json"]["version"], 2);
  EXPECT_EQ(snapshot["meta"]["targets.json"]["version"], 5);
  EXPECT_TRUE(fs::exists(f.setup.metadata_dir / "5.targets.json"));
  EXPECT_FALSE(fs::exists(detail::journal_path(f.setup)));
  EXPECT_EQ(detail::read_trust(f.setup.trust_file).timestamp, 5u);
}

TEST(RepoCommit, WritesPlainNamesForARootWithoutConsistentSnapshots) {
  Folder f;
  RootRole root = one_key_root(f.setup.keys.front());
  root.consistent_snapshot = false;
  detail::commit_metadata(f.setup, {f.signed_root(root)}, root, TargetsRole{}, {}, nullptr);
  EXPECT_TRUE(fs::exists(f.setup.metadata_dir / "targets.json"));
  EXPECT_TRUE(fs::exists(f.setup.metadata_dir / "snapshot.json"));
  EXPECT_FALSE(fs::exists(f.setup.metadata_dir / "1.targets.json"));
  EXPECT_FALSE(fs::exists(f.setup.metadata_dir / "1.snapshot.json"));
  EXPECT_EQ(f.file("timestamp.json")["signed"]["meta"]["snapshot.json"]["version"], 1);
}

TEST(RepoCommit, CompletesAnUnfinishedCommitFromItsJournal) {
  Folder f;
  EXPECT_FALSE(detail::complete_unfinished(f.setup));
  fs::path journal = detail::journal_path(f.setup);
  fs::create_directories(journal.parent_path());
  Json doc{{"files",
            {{{"name", "2.root.json"}, {"text", "root two\n"}},
             {{"name", "timestamp.json"}, {"text", "timestamp three\n"}}}},
           {"versions", {{"root", 2}, {"timestamp", 3}, {"snapshot", 3}, {"targets", 3}}}};
  write_file_atomic(journal, doc.dump());
  write_file_atomic(f.setup.metadata_dir / "2.root.json", "root two\n");  // the kill came after it
  EXPECT_TRUE(detail::complete_unfinished(f.setup));
  EXPECT_EQ(read_file_or_throw(f.setup.metadata_dir / "timestamp.json"), "timestamp three\n");
  EXPECT_FALSE(fs::exists(journal));
  TrustedVersions trusted = detail::read_trust(f.setup.trust_file);
  EXPECT_EQ(trusted.root, 2u);
  EXPECT_EQ(trusted.timestamp, 3u);
  EXPECT_FALSE(detail::complete_unfinished(f.setup));
}

TEST(RepoCommit, RefusesAJournalNamingAFileOutsideTheMetadataFolder) {
  Folder f;
  fs::path journal = detail::journal_path(f.setup);
  fs::create_directories(journal.parent_path());
  Json doc{{"files", {{{"name", "../../escape.json"}, {"text", "x"}}}}, {"versions", Json::object()}};
  write_file_atomic(journal, doc.dump());
  EXPECT_NE(error_of([&] { detail::complete_unfinished(f.setup); })
                .find("a file entry is not a metadata file name and text"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(f.setup.output / "metadata" / "escape.json"));
}
