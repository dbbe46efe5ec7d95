#include "osbuild/config/settings.h"

#include <unistd.h>

#include <charconv>
#include <thread>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"

extern char** environ;

namespace osbuild::config {

std::string_view origin_name(Origin origin) {
  switch (origin) {
    case Origin::flag: return "flag";
    case Origin::environment: return "environment";
    case Origin::file: return "file";
    case Origin::builtin: return "default";
  }
  return "default";
}

const std::vector<SettingDef>& setting_table() {
  static const std::vector<SettingDef> table = {
      {"arch", SettingType::arch, "--arch", {"BUILDSYS_ARCH", "OSBUILD_ARCH"}, "", "",
       "target architecture: x86_64 or aarch64 (aliases amd64, arm64); default the host's"},
      {"variant", SettingType::string, "", {"BUILDSYS_VARIANT", "OSBUILD_VARIANT"}, "", "",
       "variant used when a command names none"},
      {"jobs", SettingType::integer, "-j", {"BUILDSYS_JOBS", "OSBUILD_JOBS"}, "", "",
       "parallel jobs; default the number of cores"},
      {"cache.dir", SettingType::path, "--cache-dir", {"OSBUILD_CACHE_DIR"}, "cache.dir",
       "~/.cache/osbuild", "the local content store"},
      {"cache.max-size", SettingType::size, "", {"OSBUILD_CACHE_MAX_SIZE"}, "cache.max-size",
       "20 GiB", "`osbuild cache gc` evicts least recently used entries down to this size"},
      {"cache.remote", SettingType::string, "--remote-cache", {"OSBUILD_REMOTE_CACHE"},
       "cache.remote", "", "Bazel HTTP remote cache URL"},
      {"cache.remote-upload", SettingType::boolean, "", {"OSBUILD_REMOTE_UPLOAD"},
       "cache.remote-upload", "true", "write results to the remote cache"},
      {"sources.lookaside", SettingType::list, "", {"OSBUILD_LOOKASIDE"}, "sources.lookaside", "",
       "lookaside cache URLs, tried in order (comma-separated in the environment)"},
      {"sources.upstream-fallback", SettingType::boolean, "--upstream-source-fallback",
       {"BUILDSYS_UPSTREAM_SOURCE_FALLBACK", "OSBUILD_UPSTREAM_SOURCE_FALLBACK"},
       "sources.upstream-fallback", "false", "download from upstream URLs when caches miss"},
      {"offline", SettingType::boolean, "--offline", {"OSBUILD_OFFLINE"}, "", "false",
       "never touch the network"},
      {"locked", SettingType::boolean, "--locked", {"OSBUILD_LOCKED"}, "", "false",
       "refuse to run when osbuild.lock is missing or stale"},
      {"publish.repo", SettingType::string, "--repo", {"PUBLISH_REPO", "OSBUILD_PUBLISH_REPO"}, "",
       "default", "the [repo.<name>] of Infra.toml to publish to"},
      {"publish.infra-config-path", SettingType::path, "--infra-config",
       {"PUBLISH_INFRA_CONFIG_PATH", "OSBUILD_INFRA_CONFIG_PATH"}, "", "Infra.toml",
       "Infra.toml, relative to the project"},
      {"publish.expiration-policy-path", SettingType::path, "--expiration-policy",
       {"PUBLISH_EXPIRATION_POLICY_PATH", "OSBUILD_EXPIRATION_POLICY_PATH"}, "",
       "repo-expirations.toml", "expiration policy; the built-in one when the file is absent"},
      {"publish.wave-policy-path", SettingType::path, "--wave-policy",
       {"PUBLISH_WAVE_POLICY_PATH", "OSBUILD_WAVE_POLICY_PATH"}, "", "waves.toml",
       "wave policy; the built-in one when the file is absent"},
      {"release-start-time", SettingType::string, "--release-start-time",
       {"RELEASE_START_TIME", "OSBUILD_RELEASE_START_TIME"}, "", "",
       "RFC 3339 start of metadata validity; default now"},
      {"repo.expiring-within", SettingType::duration, "--within",
       {"REPO_METADATA_EXPIRING_WITHIN", "OSBUILD_REPO_METADATA_EXPIRING_WITHIN"}, "", "3 days",
       "window for `osbuild repo check-expirations`"},
      {"log-level", SettingType::string, "--log-level", {"OSBUILD_LOG_LEVEL"}, "", "warn",
       "debug log level: trace, debug, info, warn, error, off"},
  };
  return table;
}

Environment current_environment() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos) {
      env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
  }
  return env;
}

namespace {

std::optional<SettingValue> from_file(const ProjectFile& file, const SettingDef& def) {
  auto where = [&] { return file.path.filename().string(); };
  auto make = [&](std::string value) {
    return SettingValue{std::move(value), Origin::file, where()};
  };
  const auto& c = file.cache;
  if (def.file_key == "cache.dir" && c.dir) return make(*c.dir);
  if (def.file_key == "cache.max-size" && c.max_size_text) return make(*c.max_size_text);
  if (def.file_key == "cache.remote" && c.remote) return make(*c.remote);
  if (def.file_key == "cache.remote-upload" && c.remote_upload) {
    return make(*c.remote_upload ? "true" : "false");
  }
  if (def.file_key == "sources.lookaside" && !file.sources.lookaside.empty()) {
    return make(join(file.sources.lookaside, ","));
  }
  if (def.file_key == "sources.upstream-fallback" && file.sources.upstream_fallback) {
    return make(*file.sources.upstream_fallback ? "true" : "false");
  }
  return std::nullopt;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string t = to_lower(trim(text));
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off" || t.empty()) return false;
  return std::nullopt;
}

// Checks and normalises a value; throws naming where the value came from.
std::string normalise(const SettingDef& def, const SettingValue& v) {
  auto fail = [&](const std::string& why) {
    throw UsageError(std::string(def.key) + " from " + v.source + ": " + why,
                     "fix or unset " + v.source);
  };
  switch (def.type) {
    case SettingType::arch: {
      auto arch = parse_arch(v.value);
      if (!arch) fail(arch.error());
      return std::string(arch_name(arch.value()));
    }
    case SettingType::boolean: {
      auto b = parse_bool(v.value);
      if (!b) fail("expected true or false, got '" + v.value + "'");
      return *b ? "true" : "false";
    }
    case SettingType::integer: {
      long n = 0;
      auto [p, ec] = std::from_chars(v.value.data(), v.value.data() + v.value.size(), n);
      if (ec != std::errc() || p != v.value.data() + v.value.size() || n < 1) {
        fail("expected a whole number of at least 1, got '" + v.value + "'");
      }
      return v.value;
    }
    case SettingType::size: {
      auto s = parse_size(v.value);
      if (!s) fail(s.error());
      return v.value;
    }
    case SettingType::duration: {
      auto d = parse_duration(v.value);
      if (!d) fail(d.error());
      return v.value;
    }
    case SettingType::path:
      return expand_home(v.value).string();  // relative ones from osbuild.toml: see resolve()
    case SettingType::string:
    case SettingType::list:
      return v.value;
  }
  return v.value;
}

}  // namespace

Settings Settings::resolve(const ProjectFile* file, const FlagValues& flags,
                           const Environment& env) {
  Settings s;
  for (const auto& def : setting_table()) {
    std::optional<SettingValue> value;
    if (auto f = flags.find(def.key); f != flags.end()) {
      value = SettingValue{f->second, Origin::flag, std::string(def.flag)};
    }
    for (auto name : def.env) {
      if (value) break;
      if (auto e = env.find(name); e != env.end() && !e->second.empty()) {
        value = SettingValue{e->second, Origin::environment, std::string(name)};
      }
    }
    if (!value && file != nullptr && !def.file_key.empty()) {
      value = from_file(*file, def);
    }
    if (!value) {
      std::string builtin(def.builtin);
      if (def.key == "arch") builtin = std::string(arch_name(host_arch()));
      if (def.key == "jobs") builtin = std::to_string(std::max(1u, std::thread::hardware_concurrency()));
      value = SettingValue{builtin, Origin::builtin, "built-in"};
    }
    if (!value->value.empty()) {
      value->value = normalise(def, *value);
    }
    // A relative path written in osbuild.toml means a path inside the project, wherever osbuild
    // was started from.
    if (def.type == SettingType::path && value->origin == Origin::file &&
        std::filesystem::path(value->value).is_relative()) {
      value->value = (file->path.parent_path() / value->value).lexically_normal().string();
    }
    s.m_values.emplace(std::string(def.key), std::move(*value));
  }
  return s;
}

const SettingValue& Settings::get(std::string_view key) const {
  auto it = m_values.find(key);
  if (it == m_values.end()) {
    throw Error("internal: undeclared setting '" + std::string(key) + "'");
  }
  return it->second;
}

bool Settings::boolean(std::string_view key) const { return get(key).value == "true"; }

long Settings::integer(std::string_view key) const { return std::stol(get(key).value); }

std::uint64_t Settings::size(std::string_view key) const {
  return parse_size(get(key).value).value_or_throw(std::string(key));
}

Arch Settings::arch() const { return parse_arch(get("arch").value).value_or_throw("arch"); }

}  // namespace osbuild::config
