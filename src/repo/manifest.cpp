// manifest.json in Bottlerocket's schema, read by its update agent (updog).
#include "osbuild/repo/manifest.h"

#include "osbuild/util/units.h"

namespace osbuild::repo {

namespace {

bool same_stream(const Json& u, const std::string& variant, const std::string& arch) {
  return u.value("variant", "") == variant && u.value("arch", "") == arch;
}

Version version_of(const Json& u, const char* key) {
  auto v = parse_version(u.value(key, ""));
  return v ? v.value() : Version{};
}

}  // namespace

Json empty_manifest() {
  return Json{{"updates", Json::array()}, {"migrations", Json::object()}};
}

Json parse_manifest(std::string_view text, const std::string& origin) {
  Json m = Json::parse(text, nullptr, false);
  if (m.is_discarded() || !m.is_object() || !m.contains("updates") || !m["updates"].is_array()) {
    throw Error(origin + ": not an update manifest (no 'updates' list)",
                "the repository's manifest.json was not written by osbuild or pubsys",
                ExitCode::verification);
  }
  for (const auto& u : m["updates"]) {
    for (const char* key : {"variant", "arch", "version", "max_version"}) {
      if (!u.contains(key) || !u[key].is_string()) {
        throw Error(origin + ": an update has no string '" + key + "'",
                    "the repository's manifest.json is damaged", ExitCode::verification);
      }
    }
  }
  if (!m.contains("migrations")) {
    m["migrations"] = Json::object();
  }
  return m;
}

bool has_update(const Json& manifest, const std::string& variant, const std::string& arch,
                const Version& version) {
  for (const auto& u : manifest["updates"]) {
    if (same_stream(u, variant, arch) && version_of(u, "version") == version) {
      return true;
    }
  }
  return false;
}

std::map<std::uint32_t, Time> wave_schedule(const config::WavePolicy& policy, Time start) {
  std::map<std::uint32_t, Time> schedule;
  std::uint32_t seed = 0;
  for (const auto& wave : policy.waves) {
    schedule[seed] = wave.start_after.resolve(start);
    seed = wave.fleet_percentage * k_max_seed / 100;
  }
  return schedule;
}

void add_update(Json& manifest, const NewUpdate& update, const config::WavePolicy& waves,
                Time start) {
  Json& updates = manifest["updates"];
  Version max = update.version;
  for (const auto& u : updates) {
    if (same_stream(u, update.variant, update.arch) && version_of(u, "version") != update.version) {
      max = std::max(max, version_of(u, "max_version"));
    }
  }
  Json waves_json = Json::object();
  for (const auto& [seed, time] : wave_schedule(waves, start)) {
    waves_json[std::to_string(seed)] = format_rfc3339(time);
  }
  Json entry{
      {"variant", update.variant},
      {"arch", update.arch},
      {"version", update.version.str()},
      {"max_version", max.str()},
      {"waves", waves_json},
      {"images",
       {{"boot", update.images.boot}, {"root", update.images.root}, {"hash", update.images.hash}}}};
  bool replaced = false;
  for (auto& u : updates) {
    if (same_stream(u, update.variant, update.arch)) {
      if (version_of(u, "version") == update.version) {
        u = entry;
        replaced = true;
      }
      u["max_version"] = max.str();
    }
  }
  if (!replaced) {
    updates.push_back(entry);
  }
}

void set_migrations(Json& manifest, const config::Release* release) {
  Json migrations = Json::object();
  if (release != nullptr) {
    for (const auto& m : release->migrations) {
      migrations["(" + m.from.str() + ", " + m.to.str() + ")"] = m.files;
    }
  }
  manifest["migrations"] = migrations;
}

std::string manifest_text(const Json& manifest) {
  return manifest.dump(2, ' ', false, Json::error_handler_t::strict) + "\n";
}

}  // namespace osbuild::repo
