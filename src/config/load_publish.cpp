// Infra.toml, repo-expirations.toml and waves.toml: what `osbuild repo` publishes with.
#include "config/checks.h"
#include "config/loaders.h"
#include "osbuild/util/text.h"

namespace osbuild::config::detail {

namespace {

constexpr std::string_view k_expiration_text =
    "# Built-in repository expiration policy, Bottlerocket's 2w-2w-1w.toml.\n"
    "snapshot_expiration = '2 weeks'\n"
    "targets_expiration = '2 weeks'\n"
    "timestamp_expiration = '1 week'\n";

constexpr std::string_view k_waves_text =
    "# Built-in wave policy, Bottlerocket's default-waves.toml: a release reaches 1% of the fleet\n"
    "# after an hour and all of it after six days.\n"
    "[[waves]]\nstart_after = '1 hour'\nfleet_percentage = 1\n\n"
    "[[waves]]\nstart_after = '4 hours'\nfleet_percentage = 5\n\n"
    "[[waves]]\nstart_after = '1 day'\nfleet_percentage = 15\n\n"
    "[[waves]]\nstart_after = '2 days'\nfleet_percentage = 40\n\n"
    "[[waves]]\nstart_after = '4 days'\nfleet_percentage = 60\n\n"
    "[[waves]]\nstart_after = '5 days'\nfleet_percentage = 90\n\n"
    "[[waves]]\nstart_after = '6 days'\nfleet_percentage = 100\n";

// Infra.toml sections Bottlerocket has and osbuild does not: say so instead of "unknown".
void refuse_cloud_sections(const toml::table& root, const FileRef& file) {
  for (std::string_view section : {"aws", "vmware"}) {
    if (const toml::node* n = root.get(section)) {
      fail_at(location(file, n->source()),
              "[" + std::string(section) + "] is not supported by osbuild and can be removed",
              "osbuild publishes to a TUF repository only; keep [repo.<name>] and [vendor.<name>]");
    }
  }
}

std::optional<fs::path> read_signing_key(const TableReader& repo, const FileRef& file) {
  const toml::table* keys = repo.get_table("signing_keys");
  if (!keys) {
    return std::nullopt;
  }
  std::string hint = "write signing_keys = { file = { path = \"keys/default.pem\" } }";
  for (auto&& [source, value] : *keys) {
    if (source.str() == "kms" || source.str() == "ssm") {
      fail_at(location(file, source.source()),
              std::string(source.str()) + " signing keys are not supported by osbuild, only " +
                  "signing_keys = { file = { path = \"…\" } }",
              "export the key to a PEM file and " + hint);
    }
  }
  TableReader k(*keys, file, "signing_keys", {{"file", "[repo.default.signing_keys.file]"}});
  if (!k.has("file")) {
    fail_at(repo.where("signing_keys"), "signing_keys names no key", hint);
  }
  TableReader f(k.require_table("file"), file, "signing_keys.file",
                {{"path", "\"keys/default.pem\""}});
  fs::path path = f.require_string("path");
  // A relative key path is read from beside Infra.toml, wherever osbuild runs.
  return path.is_absolute() ? path : file.dir() / path;
}

// Both or neither: half of a pair is almost always a copy-paste slip.
void check_pair(const TableReader& t, std::string_view a, std::string_view b) {
  if (t.has(a) != t.has(b)) {
    std::string_view given = t.has(a) ? a : b;
    std::string_view missing = t.has(a) ? b : a;
    t.fail(given,
           "'" + std::string(given) + "' is set without '" + std::string(missing) + "' in " +
               t.title() + ": give both or neither",
           "add " + std::string(missing) + " = " + std::string(t.example(missing)) + " under " +
               t.title() + ", or remove " + std::string(given));
  }
}

RepoConfig read_repo(const std::string& name, const toml::table& table, const FileRef& file) {
  TableReader t(table, file, "[repo." + name + "]",
                {{"root_role_url", "\"https://example.com/root.json\""},
                 {"root_role_sha512", "\"<128 hex digits: sha512sum root.json>\""},
                 {"signing_keys", "{ file = { path = \"keys/default.pem\" } }"},
                 {"metadata_base_url", "\"https://example.com/metadata/\""},
                 {"targets_url", "\"https://example.com/targets/\""},
                 {"root_key_threshold", "1"},
                 {"pub_key_threshold", "1"}});
  RepoConfig repo;
  repo.name = name;
  repo.where = t.where();
  check_pair(t, "root_role_url", "root_role_sha512");
  check_pair(t, "metadata_base_url", "targets_url");
  for (std::string_view key : {"root_role_url", "metadata_base_url", "targets_url"}) {
    if (auto url = t.get_string(key)) {
      check_url(*url, {"http", "https", "file"}, key, t.where(key));
    }
  }
  repo.root_role_url = t.get_string("root_role_url");
  repo.root_role_sha512 = t.get_string("root_role_sha512");
  if (repo.root_role_sha512) {
    check_sha512(*repo.root_role_sha512, "root_role_sha512", t.where("root_role_sha512"));
  }
  repo.signing_key_file = read_signing_key(t, file);
  repo.metadata_base_url = t.get_string("metadata_base_url");
  repo.targets_url = t.get_string("targets_url");
  if (auto n = t.get_integer("root_key_threshold", 1, 255)) {
    repo.root_key_threshold = static_cast<std::uint32_t>(*n);
  }
  if (auto n = t.get_integer("pub_key_threshold", 1, 255)) {
    repo.pub_key_threshold = static_cast<std::uint32_t>(*n);
  }
  return repo;
}

}  // namespace

std::map<std::string, Vendor> parse_vendors(const TableReader& parent, const FileRef& file) {
  std::map<std::string, Vendor> vendors;
  for_each_named_table(
      parent, "vendor", file, IdentifierKind::name,
      [&](const std::string& name, const toml::table& v, const SourceLocation&) {
        TableReader t(v, file, "[vendor." + name + "]",
                      {{"registry", "\"127.0.0.1:5000/osbuild\""}, {"insecure", "true"}});
        Vendor vendor;
        vendor.name = name;
        vendor.where = t.where();
        vendor.registry = t.require_string("registry");
        if (vendor.registry.find("://") != std::string::npos) {
          t.fail("registry", "registry '" + vendor.registry + "' must not start with a URL scheme",
                 "write host[:port]/path, e.g. registry = \"public.ecr.aws/bottlerocket\"");
        }
        vendor.insecure = t.get_bool("insecure").value_or(false);
        vendors.emplace(name, std::move(vendor));
      });
  return vendors;
}

Infra parse_infra(std::string_view text, const FileRef& file) {
  toml::table root = parse_toml(text, file);
  refuse_cloud_sections(root, file);
  TableReader t(
      root, file, "",
      {{"repo", "[repo.default] with signing_keys"}, {"vendor", "[vendor.local] with registry"}});
  Infra infra;
  infra.path = file.absolute;
  for_each_named_table(t, "repo", file, IdentifierKind::name,
                       [&](const std::string& name, const toml::table& r, const SourceLocation&) {
                         infra.repos.emplace(name, read_repo(name, r, file));
                       });
  infra.vendors = parse_vendors(t, file);
  return infra;
}

ExpirationPolicy parse_expiration_policy(std::string_view text, const FileRef& file) {
  toml::table root = parse_toml(text, file);
  TableReader t(root, file, "",
                {{"snapshot_expiration", "'2 weeks'"},
                 {"targets_expiration", "'2 weeks'"},
                 {"timestamp_expiration", "'1 week'"}});
  ExpirationPolicy policy;
  policy.path = file.absolute;
  auto read = [&](std::string_view key) {
    auto spec = get_duration(t, key);
    if (!spec) {
      t.fail_missing(key);
    }
    if (spec->kind == TimeSpec::Kind::offset && spec->offset.count() <= 0) {
      t.fail(key,
             "'" + std::string(key) + "' must be later than the release start, found '" +
                 spec->text + "'",
             t.example_hint(key));
    }
    return *spec;
  };
  policy.snapshot = read("snapshot_expiration");
  policy.targets = read("targets_expiration");
  policy.timestamp = read("timestamp_expiration");
  return policy;
}

namespace {

Wave read_wave(const toml::table& table, const FileRef& file) {
  TableReader t(table, file, "[[waves]]", {{"start_after", "'1 hour'"}, {"fleet_percentage", "1"}});
  Wave wave;
  auto start = get_duration(t, "start_after");
  if (!start) {
    t.fail_missing("start_after");
  }
  if (start->kind != TimeSpec::Kind::offset) {
    t.fail("start_after",
           "'start_after' must be a time after the release start such as '1 day', not a fixed "
           "time",
           t.example_hint("start_after"));
  }
  wave.start_after = *start;
  auto percentage = t.get_integer("fleet_percentage", 1, 100);
  if (!percentage) {
    t.fail_missing("fleet_percentage");
  }
  wave.fleet_percentage = static_cast<std::uint32_t>(*percentage);
  return wave;
}

}  // namespace

WavePolicy parse_wave_policy(std::string_view text, const FileRef& file) {
  toml::table root = parse_toml(text, file);
  TableReader t(root, file, "",
                {{"waves", "[[waves]] with start_after = '1 hour' and fleet_percentage = 1"}});
  WavePolicy policy;
  policy.path = file.absolute;
  std::string hint = "list the [[waves]] in order, start_after and fleet_percentage both rising";
  for (const toml::table* table : t.get_table_array("waves")) {
    Wave wave = read_wave(*table, file);
    SourceLocation at = location(file, table->source());
    if (!policy.waves.empty()) {
      const Wave& prev = policy.waves.back();
      std::string n = std::to_string(policy.waves.size() + 1);
      std::string p = std::to_string(policy.waves.size());
      if (wave.start_after.offset <= prev.start_after.offset) {
        fail_at(at,
                "wave " + n + " starts after '" + wave.start_after.text +
                    "', not later than wave " + p + " ('" + prev.start_after.text + "')",
                hint);
      }
      if (wave.fleet_percentage <= prev.fleet_percentage) {
        fail_at(at,
                "wave " + n + " reaches " + std::to_string(wave.fleet_percentage) +
                    "% of the fleet, not more than wave " + p + " (" +
                    std::to_string(prev.fleet_percentage) + "%)",
                hint);
      }
    }
    policy.waves.push_back(std::move(wave));
  }
  if (policy.waves.empty()) {
    t.fail_missing("waves");
  }
  return policy;
}

}  // namespace osbuild::config::detail

namespace osbuild::config {

std::string_view default_expiration_policy_text() {
  return detail::k_expiration_text;
}
std::string_view default_wave_policy_text() {
  return detail::k_waves_text;
}

ExpirationPolicy default_expiration_policy() {
  ExpirationPolicy policy = detail::parse_expiration_policy(
      detail::k_expiration_text, detail::FileRef{"<built-in 2w-2w-1w.toml>", {}});
  policy.path.clear();
  return policy;
}

WavePolicy default_wave_policy() {
  WavePolicy policy = detail::parse_wave_policy(
      detail::k_waves_text, detail::FileRef{"<built-in default-waves.toml>", {}});
  policy.path.clear();
  return policy;
}

}  // namespace osbuild::config
