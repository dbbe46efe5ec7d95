// Bottlerocket's own files (tests/data/bottlerocket/) load as they are: the formats are theirs.
#include <gtest/gtest.h>

#include <algorithm>

#include "config_test_util.h"
#include "test_paths.h"
#include "osbuild/config/load.h"

using namespace osbuild;
using namespace osbuild::config;
using namespace osbuild::config::testing;
using namespace std::chrono_literals;

namespace {

fs::path data(const std::string& name) { return fs::path(OSBUILD_TEST_DATA) / "bottlerocket" / name; }

template <typename T>
T load(T (*parse)(std::string_view, const fs::path&), const std::string& name) {
  return parse(read_file_or_throw(data(name)), data(name));
}

}  // namespace

TEST(BottlerocketFiles, ReleaseToml) {
  Release r = load(parse_release, "Release.toml");
  EXPECT_EQ(r.version.str(), "1.26.1");
  ASSERT_EQ(r.migrations.size(), 83u);
  EXPECT_EQ(r.migrations.front().from.str(), "0.3.1");
  EXPECT_EQ(r.migrations.back().to.str(), "1.26.1");
  // Sorted as versions, not as text: 1.10.0 comes after 1.9.2.
  auto it = std::find_if(r.migrations.begin(), r.migrations.end(),
                         [](const Migration& m) { return m.to.str() == "1.10.0"; });
  ASSERT_NE(it, r.migrations.end());
  EXPECT_EQ(it->from.str(), "1.9.2");
  std::size_t files = 0;
  for (const auto& m : r.migrations) {
    files += m.files.size();
    for (const auto& f : m.files) {
      EXPECT_EQ(f.rfind("migrate_v" + m.to.str() + "_", 0), 0u) << f;
    }
  }
  EXPECT_GT(files, 100u);
  check_migrations(r);
}

TEST(BottlerocketFiles, ReleaseTomlMigrationFilesAreChecked) {
  Release r = load(parse_release, "Release.toml");
  TempDir dir;
  auto e = catch_error([&] { check_migrations(r, dir.path()); });
  EXPECT_EQ(e.what.rfind(data("Release.toml").string() + ":", 0), 0u) << e.what;
  EXPECT_NE(e.what.find("does not exist in " + dir.path().string()), std::string::npos);
  for (const auto& m : r.migrations) {
    for (const auto& f : m.files) {
      write_file_atomic(dir.path() / f, "", Durability::cache);
    }
  }
  check_migrations(r, dir.path());
}

TEST(BottlerocketFiles, ReleaseTomlWithATransitionRemoved) {
  std::string text = read_file_or_throw(data("Release.toml"));
  auto start = text.find("\"(1.19.5, 1.20.0)\"");
  ASSERT_NE(start, std::string::npos);
  auto end = text.find("\n\"(", start);
  text.erase(start, end + 1 - start);
  auto e = catch_error([&] { check_migrations(parse_release(text, "Release.toml")); });
  EXPECT_NE(e.what.find(": missing version transition: (1.19.5, 1.20.0)"), std::string::npos)
      << e.what;
}

TEST(BottlerocketFiles, ExpirationPolicy) {
  auto p = load(parse_expiration_policy, "2w-2w-1w.toml");
  auto builtin = default_expiration_policy();
  EXPECT_EQ(p.snapshot.offset, builtin.snapshot.offset);
  EXPECT_EQ(p.targets.offset, builtin.targets.offset);
  EXPECT_EQ(p.timestamp.offset, builtin.timestamp.offset);
  EXPECT_EQ(p.timestamp.offset, 168h);
  EXPECT_EQ(p.path, data("2w-2w-1w.toml"));
}

TEST(BottlerocketFiles, DefaultWaves) {
  auto p = load(parse_wave_policy, "default-waves.toml");
  auto builtin = default_wave_policy();
  ASSERT_EQ(p.waves.size(), builtin.waves.size());
  for (std::size_t i = 0; i < p.waves.size(); ++i) {
    EXPECT_EQ(p.waves[i].start_after.offset, builtin.waves[i].start_after.offset);
    EXPECT_EQ(p.waves[i].fleet_percentage, builtin.waves[i].fleet_percentage);
  }
}

TEST(BottlerocketFiles, Infra) {
  Infra infra = load(parse_infra, "Infra.toml");
  ASSERT_EQ(infra.repos.size(), 2u);
  const auto& repo = infra.repos.at("default");
  EXPECT_EQ(repo.signing_key_file, fs::path("/home/user/key.pem"));
  EXPECT_EQ(repo.metadata_base_url, "https://updates.example.com/metadata/");
  EXPECT_EQ(repo.root_role_sha512->size(), 128u);
  EXPECT_EQ(infra.repos.at("local").signing_key_file, data("keys/local.pem"));
  EXPECT_EQ(infra.vendors.at("bottlerocket").registry, "public.ecr.aws/bottlerocket");
}

TEST(BottlerocketFiles, InfraWithAwsIsRefused) {
  auto e = catch_error([] { load(parse_infra, "Infra-aws.toml"); });
  EXPECT_EQ(e.what, data("Infra-aws.toml").string() +
                        ":6:1: [aws] is not supported by osbuild and can be removed");
}
