// Which repository, root and keys a repo command works with: Infra.toml's [repo.<name>], the
// trusted root (roles/<repo>.root.json or root_role_url), the signing keys, and the development
// default that creates a root and key when a project has configured none.
#include <cstdio>
#include <regex>
#include <thread>

#include "osbuild/config/load.h"
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

Setup open_setup(const Context& ctx, const RepoTarget& target, NeedKeys need_keys) {
  Setup s;
  s.transport = make_transport();
  s.repo_name = ctx.settings.str("publish.repo");
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
  std::string origin = s.config.root_role_url.value_or("roles/" + s.repo_name + ".root.json");
  s.anchor = Metadata::parse(trusted_root_text(ctx, s, need_keys), origin);
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
  return v;
}

void write_trust(const fs::path& file, const TrustedVersions& v) {
  fs::create_directories(file.parent_path());
  Json j{{"root", v.root},
         {"timestamp", v.timestamp},
         {"snapshot", v.snapshot},
         {"targets", v.targets}};
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
  for (const auto& dir : {setup.metadata_dir, setup.targets_dir}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (std::regex_match(entry.path().filename().string(), temp)) {
        fs::remove(entry.path());
      }
    }
  }
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
