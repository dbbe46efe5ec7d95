#include <gtest/gtest.h>

#include "config_test_util.h"
#include "osbuild/config/load.h"

using namespace osbuild;
using namespace osbuild::config;
using namespace osbuild::config::testing;
using namespace std::chrono_literals;

namespace {

Caught infra_error(const std::string& text) {
  return catch_error([&] { parse_infra(text, "Infra.toml"); });
}

Caught expiration_error(const std::string& text) {
  return catch_error([&] { parse_expiration_policy(text, "repo-expirations.toml"); });
}

Caught waves_error(const std::string& text) {
  return catch_error([&] { parse_wave_policy(text, "waves.toml"); });
}

std::string wave(const std::string& start, int percentage) {
  return "[[waves]]\nstart_after = '" + start + "'\nfleet_percentage = " +
         std::to_string(percentage) + "\n";
}

}  // namespace

// ---- Infra.toml ----------------------------------------------------------------------------

TEST(LoadInfra, ReadsRepoAndVendor) {
  TempDir dir;
  auto path = dir.path() / "Infra.toml";
  Infra infra = parse_infra(R"(
[repo.default]
root_role_url = "file:///srv/roles/default.root.json"
root_role_sha512 = ")" + sha512_of_nothing() + R"("
signing_keys = { file = { path = "keys/default.pem" } }
metadata_base_url = "https://updates.example.com/metadata/"
targets_url = "https://updates.example.com/targets/"
root_key_threshold = 1
pub_key_threshold = 2

[repo.local]

[vendor.bottlerocket]
registry = "public.ecr.aws/bottlerocket"
)",
                            path);
  ASSERT_EQ(infra.repos.size(), 2u);
  const RepoConfig& repo = infra.repos.at("default");
  EXPECT_EQ(repo.root_role_url, "file:///srv/roles/default.root.json");
  EXPECT_EQ(repo.signing_key_file, dir.path() / "keys/default.pem");
  EXPECT_EQ(repo.targets_url, "https://updates.example.com/targets/");
  EXPECT_EQ(repo.root_key_threshold, 1u);
  EXPECT_EQ(repo.pub_key_threshold, 2u);
  EXPECT_FALSE(infra.repos.at("local").signing_key_file.has_value());
  EXPECT_EQ(infra.vendors.at("bottlerocket").registry, "public.ecr.aws/bottlerocket");
}

TEST(LoadInfra, AbsoluteKeyPathStays) {
  Infra infra = parse_infra(
      "[repo.default]\nsigning_keys = { file = { path = \"/keys/k.pem\" } }\n", "Infra.toml");
  EXPECT_EQ(infra.repos.at("default").signing_key_file, fs::path("/keys/k.pem"));
}

TEST(LoadInfra, KmsIsNotSupported) {
  auto e = infra_error("[repo.default]\nsigning_keys = { kms = { key_id = \"abc\" } }\n");
  EXPECT_EQ(e.what, "Infra.toml:2:18: kms signing keys are not supported by osbuild, only "
                    "signing_keys = { file = { path = \"…\" } }");
  EXPECT_EQ(e.hint, "export the key to a PEM file and write signing_keys = { file = { path = "
                    "\"keys/default.pem\" } }");
  auto ssm = infra_error("[repo.default]\nsigning_keys = { ssm = { parameter = \"/p\" } }\n");
  EXPECT_EQ(ssm.what.substr(0, 40), "Infra.toml:2:18: ssm signing keys are no");
}

TEST(LoadInfra, AwsSectionIsNotSupported) {
  auto e = infra_error("[repo.default]\n\n[aws]\nregions = [\"us-west-2\"]\n");
  EXPECT_EQ(e.what, "Infra.toml:3:1: [aws] is not supported by osbuild and can be removed");
  auto vmware = infra_error("[vmware]\ndatacenters = []\n");
  EXPECT_EQ(vmware.what, "Infra.toml:1:1: [vmware] is not supported by osbuild and can be removed");
}

TEST(LoadInfra, RootRoleBothOrNeither) {
  auto e = infra_error("[repo.default]\nroot_role_url = \"https://e.com/root.json\"\n");
  EXPECT_EQ(e.what, "Infra.toml:2:17: 'root_role_url' is set without 'root_role_sha512' in "
                    "[repo.default]: give both or neither");
  EXPECT_EQ(e.hint, "add root_role_sha512 = \"<128 hex digits: sha512sum root.json>\" under "
                    "[repo.default], or remove root_role_url");
  auto urls = infra_error("[repo.default]\ntargets_url = \"https://e.com/targets/\"\n");
  EXPECT_EQ(urls.what, "Infra.toml:2:15: 'targets_url' is set without 'metadata_base_url' in "
                       "[repo.default]: give both or neither");
}

TEST(LoadInfra, RootRoleShaChecked) {
  auto e = infra_error(
      "[repo.default]\nroot_role_url = \"https://e.com/root.json\"\nroot_role_sha512 = \"0123\"\n");
  EXPECT_EQ(e.what, "Infra.toml:3:20: expected 128 hex digits for 'root_role_sha512' (a SHA-512 "
                    "digest), found 4");
}

TEST(LoadInfra, UnknownRepoKey) {
  auto e = infra_error("[repo.default]\ntargets_ulr = \"https://e.com/\"\n");
  EXPECT_EQ(e.what, "Infra.toml:2:1: unknown key 'targets_ulr' in [repo.default], did you mean "
                    "'targets_url'?");
}

TEST(LoadInfra, UnknownSection) {
  auto e = infra_error("[repos.default]\n");
  EXPECT_EQ(e.what, "Infra.toml:1:2: unknown table [repos], did you mean [repo]?");
}

TEST(LoadInfra, ThresholdRange) {
  auto e = infra_error("[repo.default]\nroot_key_threshold = 0\n");
  EXPECT_EQ(e.what, "Infra.toml:2:22: 'root_key_threshold' must be between 1 and 255, found 0");
}

TEST(LoadInfra, SigningKeysWithoutFile) {
  auto e = infra_error("[repo.default]\nsigning_keys = {}\n");
  EXPECT_EQ(e.what, "Infra.toml:2:16: signing_keys names no key");
  auto path = infra_error("[repo.default]\nsigning_keys = { file = { pth = \"k.pem\" } }\n");
  EXPECT_EQ(path.what, "Infra.toml:2:27: unknown key 'pth' in signing_keys.file, did you mean "
                       "'path'?");
}

TEST(LoadInfra, RegistryWithScheme) {
  auto e = infra_error("[vendor.local]\nregistry = \"https://r.example.com/x\"\n");
  EXPECT_EQ(e.what, "Infra.toml:2:12: registry 'https://r.example.com/x' must not start with a "
                    "URL scheme");
}

// ---- repo-expirations.toml -----------------------------------------------------------------

TEST(LoadExpirations, ReadsAllThree) {
  auto p = parse_expiration_policy(
      "snapshot_expiration = 'in 3 days'\ntargets_expiration = '30 minutes'\n"
      "timestamp_expiration = '2026-12-01T00:00:00Z'\n",
      "repo-expirations.toml");
  EXPECT_EQ(p.snapshot.offset, 72h);
  EXPECT_EQ(p.targets.offset, 30min);
  EXPECT_EQ(p.timestamp.kind, TimeSpec::Kind::absolute);
}

TEST(LoadExpirations, MissingKey) {
  auto e = expiration_error("snapshot_expiration = '2 weeks'\ntargets_expiration = '2 weeks'\n");
  EXPECT_EQ(e.what, "repo-expirations.toml:1:1: missing required key 'timestamp_expiration' at "
                    "the top level");
  EXPECT_EQ(e.hint, "add timestamp_expiration = '1 week' at the top of repo-expirations.toml");
}

TEST(LoadExpirations, BadDurationSuggestsUnit) {
  auto e = expiration_error(
      "snapshot_expiration = '2 weeks'\ntargets_expiration = '30 minuts'\n"
      "timestamp_expiration = '1 week'\n");
  EXPECT_EQ(e.what, "repo-expirations.toml:2:22: invalid duration '30 minuts' for "
                    "'targets_expiration': expected " + std::string(k_duration_grammar));
  EXPECT_EQ(e.hint, "did you mean targets_expiration = '30 minutes'?");
}

TEST(LoadExpirations, ZeroIsRefused) {
  auto e = expiration_error(
      "snapshot_expiration = '0 days'\ntargets_expiration = '2 weeks'\n"
      "timestamp_expiration = '1 week'\n");
  EXPECT_EQ(e.what, "repo-expirations.toml:1:23: 'snapshot_expiration' must be later than the "
                    "release start, found '0 days'");
}

TEST(LoadExpirations, UnknownKey) {
  auto e = expiration_error("snapshot_expiry = '2 weeks'\n");
  EXPECT_EQ(e.what, "repo-expirations.toml:1:1: unknown key 'snapshot_expiry' at the top level, "
                    "did you mean 'snapshot_expiration'?");
}

// ---- waves.toml ----------------------------------------------------------------------------

TEST(LoadWaves, ReadsWaves) {
  auto p = parse_wave_policy(wave("30 minutes", 1) + wave("1 day", 50) + wave("2 days", 100),
                             "waves.toml");
  ASSERT_EQ(p.waves.size(), 3u);
  EXPECT_EQ(p.waves[0].start_after.offset, 30min);
  EXPECT_EQ(p.waves[2].fleet_percentage, 100u);
}

TEST(LoadWaves, PercentageRange) {
  auto e = waves_error(wave("1 hour", 0));
  EXPECT_EQ(e.what, "waves.toml:3:20: 'fleet_percentage' must be between 1 and 100, found 0");
  auto high = waves_error(wave("1 hour", 101));
  EXPECT_EQ(high.what, "waves.toml:3:20: 'fleet_percentage' must be between 1 and 100, found 101");
}

TEST(LoadWaves, MustRise) {
  auto time = waves_error(wave("1 day", 5) + wave("4 hours", 10));
  EXPECT_EQ(time.what, "waves.toml:4:1: wave 2 starts after '4 hours', not later than wave 1 "
                       "('1 day')");
  EXPECT_EQ(time.hint, "list the [[waves]] in order, start_after and fleet_percentage both rising");
  auto share = waves_error(wave("1 hour", 15) + wave("4 hours", 15));
  EXPECT_EQ(share.what, "waves.toml:4:1: wave 2 reaches 15% of the fleet, not more than wave 1 "
                        "(15%)");
}

TEST(LoadWaves, MissingKeys) {
  auto e = waves_error("[[waves]]\nstart_after = '1 hour'\n");
  EXPECT_EQ(e.what, "waves.toml:1:1: missing required key 'fleet_percentage' in [[waves]]");
  auto none = waves_error("# nothing\n");
  EXPECT_EQ(none.what, "waves.toml:1:1: missing required table [[waves]]");
}

TEST(LoadWaves, FixedTimeIsRefused) {
  auto e = waves_error(wave("2026-01-01T00:00:00Z", 1));
  EXPECT_EQ(e.what, "waves.toml:2:15: 'start_after' must be a time after the release start such "
                    "as '1 day', not a fixed time");
}

TEST(LoadWaves, WavesMustBeTables) {
  auto e = waves_error("waves = [1]\n");
  EXPECT_EQ(e.what, "waves.toml:1:10: expected a table in 'waves', found an integer");
}

// ---- built-in defaults ---------------------------------------------------------------------

TEST(DefaultPolicies, ExpirationIsTwoWeeksTwoWeeksOneWeek) {
  auto p = default_expiration_policy();
  EXPECT_TRUE(p.path.empty());
  EXPECT_EQ(p.snapshot.offset, std::chrono::hours(24 * 14));
  EXPECT_EQ(p.targets.offset, std::chrono::hours(24 * 14));
  EXPECT_EQ(p.timestamp.offset, std::chrono::hours(24 * 7));
  EXPECT_NE(default_expiration_policy_text().find("snapshot_expiration = '2 weeks'"),
            std::string_view::npos);
}

TEST(DefaultPolicies, WavesAreBottlerocketsDefault) {
  auto p = default_wave_policy();
  EXPECT_TRUE(p.path.empty());
  std::vector<std::pair<std::chrono::hours, std::uint32_t>> expected = {
      {1h, 1}, {4h, 5}, {24h, 15}, {48h, 40}, {96h, 60}, {120h, 90}, {144h, 100}};
  ASSERT_EQ(p.waves.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(p.waves[i].start_after.offset, expected[i].first);
    EXPECT_EQ(p.waves[i].fleet_percentage, expected[i].second);
  }
  EXPECT_NE(default_wave_policy_text().find("[[waves]]"), std::string_view::npos);
}
