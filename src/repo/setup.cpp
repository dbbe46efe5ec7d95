// Which repository, root and keys a repo command works with: Infra.toml's [repo.<name>], the
// trusted root (roles/<repo>.root.json or root_role_url), the signing keys, and the development
// default that creates a root and key when a project has configured none.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <regex>
#include <sstream>
#include <thread>

#include "osbuild/config/load.h"
#include "osbuild/repo/image_root.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"
#include "osbuild/util/units.h"
#include "repo/stage.h"

namespace osbuild::repo::detail {

namespace {

// A path setting: the built-in default is inside the project, a flag or variable is as given.
fs::path setting_path(const Context& ctx, std::string_view key) {
  const auto& v = ctx.settings.get(key);
  fs::path p = v.value;
  if (p.is_absolute()) {
    return p;
  }
  return v.origin == config::Origin::builtin ? ctx.root() / p : fs::absolute(p);
}

std::optional<config::Infra> load_infra(const Context& ctx) {
  fs::path path = setting_path(ctx, "publish.infra-config-path");
  if (path == ctx.root() / "Infra.toml") {
    return ctx.project.infra;
  }
  if (!fs::exists(path)) {
    const auto& v = ctx.settings.get("publish.infra-config-path");
    throw Error("Infra.toml " + path.string() + " (from " + v.source + ") does not exist",
                "fix " + v.source + ", or unset it to use the project's Infra.toml");
  }
  return config::parse_infra(read_file_or_throw(path), path);
}

config::RepoConfig repo_config(const Context& ctx, const std::string& name) {
  auto infra = load_infra(ctx);
  if (!infra || infra->repos.empty()) {
    config::RepoConfig defaults;
    defaults.name = name;
    return defaults;
  }
  auto it = infra->repos.find(name);
  if (it == infra->repos.end()) {
    std::vector<std::string> names;
    for (const auto& [n, r] : infra->repos) {
      names.push_back(n);
    }
    throw UsageError(
        "no [repo." + name + "] in " + infra->path.string() + did_you_mean(name, names),
        "choose one of " + join(names, ", ") + " with --repo, or add [repo." + name +
            "] to Infra.toml");
  }
  return it->second;
}

std::string root_from_url(Transport& transport, const config::RepoConfig& config) {
  const std::string& url = *config.root_role_url;
  auto text = fetch_text(transport, url, k_max_root_bytes);
  if (!text) {
    throw Error("root_role_url " + url + " does not exist (404)",
                "fix root_role_url in Infra.toml for [repo." + config.name + "]");
  }
  std::string actual = sha512_hex(*text);
  if (actual != *config.root_role_sha512) {
    throw Error("root role from " + url + " has sha512 " + actual + ", but Infra.toml's " +
                    "root_role_sha512 is " + *config.root_role_sha512,
                "check that the URL serves the root you meant; if it does, update "
                "root_role_sha512 (sha512sum root.json)",
                ExitCode::verification);
  }
  return *text;
}

// A root and key for development: one ed25519 key for every role, thresholds 1, a year of life.
std::string generate_development_root(const Context& ctx, const config::RepoConfig& config,
                                      const fs::path& root_path, const fs::path& key_path,
                                      Time now) {
  for (auto threshold : {config.root_key_threshold, config.pub_key_threshold}) {
    if (threshold && *threshold > 1) {
      throw Error("[repo." + config.name + "] asks for a key threshold of " +
                      std::to_string(*threshold) + ", but there is no root role " +
                      root_path.string() + " to hold that many keys",
                  "create the root with `osbuild root init` and `osbuild root add-key`, one key "
                  "per signature the threshold needs");
    }
  }
  std::vector<std::string> made;
  if (!fs::exists(key_path)) {
    write_private_key(key_path, SigningKey::generate(KeyType::ed25519));
    made.push_back(fs::relative(key_path, ctx.root()).string());
  }
  SigningKey key = SigningKey::load(key_path);
  RootRole root;
  root.version = 1;
  root.expires = now + std::chrono::weeks(52);
  root.keys[key.key_id()] = key.public_key();
  for (Role role : k_roles) {
    root.roles[role] = RoleKeys{{key.key_id()}, 1};
  }
  Metadata md{root.to_json(), {}};
  md.sign(key);
  fs::create_directories(root_path.parent_path());
  write_file_atomic(root_path, md.to_file());
  made.push_back(fs::relative(root_path, ctx.root()).string());
  std::fprintf(stderr,
               "osbuild: warning: generated %s for development only; a release needs real keys "
               "and a root (see docs/repo.md \"Keys\")\n",
               join(made, " and ").c_str());
  return md.to_file();
}

std::string trusted_root_text(const Context& ctx, Setup& setup, NeedKeys need_keys) {
  fs::path root_path = ctx.root() / "roles" / (setup.repo_name + ".root.json");
  if (setup.config.root_role_url) {
    return root_from_url(*setup.transport, setup.config);
  }
  if (fs::exists(root_path)) {
    return read_file_or_throw(root_path);
  }
  fs::path key_path =
      setup.config.signing_key_file.value_or(ctx.root() / "keys" / (setup.repo_name + ".pem"));
  if (need_keys == NeedKeys::yes) {
    return generate_development_root(ctx, setup.config, root_path, key_path, setup.now);
  }
  throw Error("no root role for repository '" + setup.repo_name + "': " + root_path.string() +
                  " does not exist and Infra.toml sets no root_role_url",
              "publish first with `osbuild repo`, or set root_role_url and root_role_sha512 "
              "under [repo." +
                  setup.repo_name + "] in Infra.toml");
}

std::vector<SigningKey> signing_keys(const Context& ctx, const Setup& setup,
                                     const std::vector<fs::path>& explicit_keys) {
  std::vector<SigningKey> keys;
  for (const auto& path : explicit_keys) {
    keys.push_back(SigningKey::load(fs::absolute(path)));
  }
  if (keys.empty()) {
    keys.push_back(SigningKey::load(
        setup.config.signing_key_file.value_or(ctx.root() / "keys" / (setup.repo_name + ".pem"))));
  }
  return keys;
}

Time parse_start(const Context& ctx, Time now) {
  const auto& v = ctx.settings.get("release-start-time");
  if (v.value.empty()) {
    return now;
  }
  auto spec = parse_duration(v.value);
  if (!spec) {
    throw UsageError("release-start-time from " + v.source + ": " + spec.error(),
                     "write an RFC 3339 time such as 2026-12-01T00:00:00Z or 'in 2 days'");
  }
  return spec.value().resolve(now);
}

}  // namespace

namespace {

bool repo_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// The policy file as messages name it: relative to the project when inside it.
std::string policy_name(const Context& ctx, const config::ExpirationPolicy& policy) {
  if (policy.path.empty()) {
    return "the built-in expiration policy";
  }
  auto relative = policy.path.lexically_relative(ctx.root());
  bool inside = !relative.empty() && *relative.begin() != "..";
  return inside ? relative.string() : policy.path.string();
}

// "repo-expirations.toml:3:1" when the key is written at the start of a line of the file.
std::string policy_key_location(const Context& ctx, const config::ExpirationPolicy& policy,
                                const std::string& key) {
  std::string where = policy_name(ctx, policy);
  auto text = read_file(policy.path);
  if (!text) {
    return where;
  }
  const std::regex assignment("^([ \\t]*)" + key + "[ \\t]*=");
  std::istringstream lines(text.value());
  std::string line;
  for (std::size_t number = 1; std::getline(lines, line); ++number) {
    std::smatch m;
    if (std::regex_search(line, m, assignment)) {
      return where + ":" + std::to_string(number) + ":" + std::to_string(m[1].length() + 1);
    }
  }
  return where;
}

}  // namespace

std::string repo_name(const Context& ctx) {
  const auto& v = ctx.settings.get("publish.repo");
  const std::string& name = v.value;
  std::string problem;
  if (name.empty()) {
    problem = "it is empty";
  }
  for (char c : name) {
    if (problem.empty() && !repo_name_char(c)) {
      problem = std::string("only letters, digits, '_' and '-' are allowed, found '") + c + "'";
    }
  }
  if (problem.empty()) {
    return name;
  }
  std::string renamed;
  for (char c : name) {
    renamed += repo_name_char(c) ? c : '-';
  }
  auto trimmed = renamed.find_first_not_of('-');
  renamed = trimmed == std::string::npos ? "default" : renamed.substr(trimmed);
  throw UsageError("repository name '" + name + "' (from " + v.source +
                       ") is not a plain folder name: " + problem,
                   "a repository is written to build/repos/<name>/, so its name is one folder "
                   "name such as '" +
                       renamed + "'; fix " + v.source + " (or drop it for 'default')");
}

void check_policy_ahead(const Context& ctx, Time now) {
  Time start = parse_start(ctx, now);
  config::ExpirationPolicy policy = expiration_policy(ctx);
  const auto& start_setting = ctx.settings.get("release-start-time");
  struct Entry {
    Role role;
    const TimeSpec* spec;
  };
  for (Entry e : {Entry{Role::targets, &policy.targets}, Entry{Role::snapshot, &policy.snapshot},
                  Entry{Role::timestamp, &policy.timestamp}}) {
    std::string role(role_name(e.role));
    std::string key = role + "_expiration";
    Time expires = e.spec->resolve(start);
    if (expires > start && expires > now) {
      continue;
    }
    std::string when = expires <= now ? "already past"
                                      : "not after the release start " + format_rfc3339(start);
    if (e.spec->kind == TimeSpec::Kind::absolute) {
      throw Error(policy_key_location(ctx, policy, key) + ": " + key + " '" + e.spec->text +
                      "' makes the " + role + " role expire on " + format_rfc3339(expires) +
                      ", " + when + ": every client would refuse the repository",
                  "set " + key + " in " + policy_name(ctx, policy) +
                      " to a duration after the release start such as '2 weeks', or to a later "
                      "time");
    }
    throw Error("the " + role + " role would expire on " + format_rfc3339(expires) + ", " + when +
                    ": the release start " + format_rfc3339(start) + " (from " +
                    start_setting.source + ") plus " + key + " '" + e.spec->text + "' (" +
                    policy_name(ctx, policy) + "); every client would refuse the repository",
                "give a later release start (fix " + start_setting.source +
                    ", or unset it to start now), or lengthen " + key + " in " +
                    (policy.path.empty() ? std::string("repo-expirations.toml")
                                         : policy_name(ctx, policy)));
  }
}

void check_root_alive(const RootRole& root, const std::string& origin, bool rotated, Time now) {
  if (root.expires > now) {
    return;
  }
  if (rotated) {
    throw Error(origin + " (root version " + std::to_string(root.version) + ") expired on " +
                    format_rfc3339(root.expires) + ": every client would refuse the repository",
                "extend it with `osbuild root expire " + origin +
                    " '52 weeks'`, sign it again with the old and the new root keys, and publish "
                    "it with --root",
                ExitCode::verification);
  }
  throw Error("root version " + std::to_string(root.version) + " (" + origin + ") expired on " +
                  format_rfc3339(root.expires) +
                  ": every client refuses the repository until a new root is published",
              "make root version " + std::to_string(root.version + 1) +
                  " with `osbuild root init new-root.json --from <current root>`, `osbuild root "
                  "expire`, `osbuild root sign`, then publish it with --root new-root.json",
              ExitCode::verification);
}

Setup open_setup(const Context& ctx, const RepoTarget& target, NeedKeys need_keys) {
  Setup s;
  s.transport = make_transport(ctx.settings);
  s.repo_name = repo_name(ctx);
  s.config = repo_config(ctx, s.repo_name);
  s.variant = target.variant.empty() ? ctx.settings.str("variant") : target.variant;
  if (s.variant.empty()) {
    throw UsageError("no variant given", "name one: `osbuild repo dev`, or set BUILDSYS_VARIANT");
  }
  ctx.project.variant(s.variant);  // throws with a suggestion when unknown
  s.arch = ctx.settings.str("arch");
  s.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  s.start = parse_start(ctx, s.now);
  s.expirations = expiration_policy(ctx);
  if (need_keys == NeedKeys::yes) {
    check_policy_ahead(ctx, s.now);
  }
  s.output = ctx.build_dir() / "repos" / s.repo_name;
  s.metadata_dir = s.output / "metadata" / s.variant / s.arch;
  s.targets_dir = s.output / "targets";
  s.trust_file =
      ctx.build_dir() / ".osbuild" / "repo-trust" / s.repo_name / s.variant / (s.arch + ".json");
  s.local = {file_url(s.metadata_dir), file_url(s.targets_dir)};
  s.source = s.local;
  if (!target.metadata_url.empty() || !target.targets_url.empty()) {
    if (target.metadata_url.empty() || target.targets_url.empty()) {
      throw UsageError("--metadata-url and --targets-url go together", "give both or neither");
    }
    s.source = {join_url(target.metadata_url, ""), join_url(target.targets_url, "")};
  } else if (s.config.metadata_base_url && s.config.targets_url) {
    s.source = {join_url(*s.config.metadata_base_url, s.variant + "/" + s.arch + "/"),
                join_url(*s.config.targets_url, "")};
  }
  if (target.trusted_root) {
    s.anchor = Metadata::parse(read_file_or_throw(*target.trusted_root),
                               target.trusted_root->string());
  } else {
    std::string origin = s.config.root_role_url.value_or("roles/" + s.repo_name + ".root.json");
    s.anchor = Metadata::parse(trusted_root_text(ctx, s, need_keys), origin);
  }
  if (need_keys == NeedKeys::yes) {
    s.keys = signing_keys(ctx, s, target.keys);
  }
  return s;
}

Metadata read_rotated_root(const fs::path& path, const RootRole& current) {
  std::string origin = path.string();
  Metadata md = Metadata::parse(read_file_or_throw(path), origin);
  RootRole next = parse_root(md.body, origin);
  if (next.version != current.version + 1) {
    throw Error(origin + " is root version " + std::to_string(next.version) +
                    ", but the repository's root is version " + std::to_string(current.version),
                "the new root must be version " + std::to_string(current.version + 1) +
                    ": `osbuild root init " + origin + " --from <current root>`",
                ExitCode::verification);
  }
  if (auto problem = threshold_problem(md, current, Role::root)) {
    throw Error(
        origin + " is not signed by the keys of root version " + std::to_string(current.version) +
            ": " + *problem,
        "sign it with the old root keys too: `osbuild root sign " + origin + " -k <old root key>`",
        ExitCode::verification);
  }
  verify_self_signed_root(md, origin);
  return md;
}

TrustedVersions read_trust(const fs::path& file) {
  TrustedVersions v;
  auto text = read_file(file);
  if (!text) {
    return v;
  }
  Json j = Json::parse(text.value(), nullptr, false);
  if (!j.is_object()) {
    return v;
  }
  v.root = j.value("root", std::uint64_t{0});
  v.timestamp = j.value("timestamp", std::uint64_t{0});
  v.snapshot = j.value("snapshot", std::uint64_t{0});
  v.targets = j.value("targets", std::uint64_t{0});
  if (j.contains("delegated") && j["delegated"].is_object()) {
    for (const auto& [name, version] : j["delegated"].items()) {
      if (version.is_number_unsigned()) v.delegated[name] = version.get<std::uint64_t>();
    }
  }
  return v;
}

void write_trust(const fs::path& file, const TrustedVersions& v) {
  fs::create_directories(file.parent_path());
  Json j{{"root", v.root},
         {"timestamp", v.timestamp},
         {"snapshot", v.snapshot},
         {"targets", v.targets},
         {"delegated", v.delegated}};
  write_file_atomic(file, j.dump(2) + "\n");
}

namespace {

template <typename T>
T policy(const Context& ctx, std::string_view key, const std::optional<T>& project_file,
         T (*parse)(std::string_view, const fs::path&), T (*builtin)()) {
  const auto& v = ctx.settings.get(key);
  fs::path path = setting_path(ctx, key);
  if (v.origin == config::Origin::builtin) {
    return project_file ? *project_file : builtin();
  }
  if (!fs::exists(path)) {
    throw Error(path.string() + " (from " + v.source + ") does not exist",
                "fix " + v.source + ", or unset it to use the built-in policy");
  }
  return parse(read_file_or_throw(path), path);
}

}  // namespace

config::ExpirationPolicy expiration_policy(const Context& ctx) {
  return policy<config::ExpirationPolicy>(ctx, "publish.expiration-policy-path",
                                          ctx.project.expirations, config::parse_expiration_policy,
                                          config::default_expiration_policy);
}

config::WavePolicy wave_policy(const Context& ctx) {
  return policy<config::WavePolicy>(ctx, "publish.wave-policy-path", ctx.project.waves,
                                    config::parse_wave_policy, config::default_wave_policy);
}

FileLock lock_output(const Setup& setup) {
  fs::create_directories(setup.metadata_dir);
  fs::create_directories(setup.targets_dir);
  fs::path lock_path = setup.output / ".lock";
  auto lock = FileLock::acquire(lock_path, FileLock::Wait::yes, [&](const std::string& holder) {
    std::fprintf(stderr, "osbuild: waiting for %s to finish with %s\n", holder.c_str(),
                 setup.output.c_str());
  });
  if (!lock) {
    throw Error("cannot lock " + lock_path.string());
  }
  static const std::regex temp(R"(.*\.tmp\.[A-Za-z0-9]{6})");
  fs::path journal_dir = journal_path(setup).parent_path();
  for (const auto& dir : {setup.metadata_dir, setup.targets_dir, journal_dir}) {
    if (!fs::is_directory(dir)) {
      continue;
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (std::regex_match(entry.path().filename().string(), temp)) {
        fs::remove(entry.path());
      }
    }
  }
  complete_unfinished(setup);
  return std::move(*lock);
}

void pause_point(std::string_view step) {
  static const char* at = std::getenv("OSBUILD_TEST_PAUSE_AT");
  if (at != nullptr && step == at) {
    std::fprintf(stderr, "osbuild: test pause at %s\n", at);
    std::fflush(stderr);
    std::this_thread::sleep_for(std::chrono::seconds(60));
  }
}

}  // namespace osbuild::repo::detail

namespace osbuild::repo {

PublishTrust publish_trust(const Context& ctx) {
  detail::Setup s;
  s.repo_name = detail::repo_name(ctx);
  s.config = detail::repo_config(ctx, s.repo_name);
  if (s.config.root_role_url) s.transport = make_transport(ctx.settings);
  s.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  PublishTrust trust;
  trust.repo = s.repo_name;
  trust.origin = s.config.root_role_url.value_or("roles/" + s.repo_name + ".root.json");
  trust.root_json = detail::trusted_root_text(ctx, s, detail::NeedKeys::yes);
  verify_self_signed_root(Metadata::parse(trust.root_json, trust.origin), trust.origin);
  trust.metadata_base_url = s.config.metadata_base_url;
  trust.targets_url = s.config.targets_url;
  return trust;
}

}  // namespace osbuild::repo
