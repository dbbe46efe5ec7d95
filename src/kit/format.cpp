// The kit artifact format: media types, annotations, the config blob, manifests and indexes.
#include "osbuild/kit/format.h"

#include <fmt/format.h>

#include <algorithm>

#include "osbuild/oci/registry.h"
#include "osbuild/util/error.h"

namespace osbuild::kit {

namespace {

std::string platform_arch(const Json& entry) {
  if (!entry.is_object() || !entry.contains("platform") || !entry["platform"].is_object()) {
    return "";
  }
  return entry["platform"].value("architecture", std::string());
}

[[noreturn]] void bad_config(const std::string& what, const std::string& why) {
  throw Error(fmt::format("{} is not a kit config: {}", what, why),
              "republish the kit with `osbuild publish kit`", ExitCode::verification);
}

std::string text_field(const Json& doc, const char* key, const std::string& what) {
  if (!doc.contains(key) || !doc[key].is_string()) bad_config(what, fmt::format("no \"{}\"", key));
  return doc[key].get<std::string>();
}

ConfigPackage parse_package(const Json& p, const std::string& what) {
  if (!p.is_object()) bad_config(what, "a package that is not an object");
  ConfigPackage pkg;
  pkg.name = text_field(p, "name", what);
  pkg.digest = text_field(p, "digest", what);
  pkg.version = p.value("version", "");
  pkg.license = p.value("license", "");
  pkg.size = p.value("size", std::uint64_t{0});
  for (const auto& r : p.value("requires", Json::array())) {
    if (!r.is_string()) bad_config(what, "package " + pkg.name + " requires a non-string");
    pkg.requires_.push_back(r.get<std::string>());
  }
  return pkg;
}

}  // namespace

std::string oci_arch(Arch arch) {
  return arch == Arch::x86_64 ? "amd64" : "arm64";
}

Json kits_json(const std::vector<config::KitDependency>& kits) {
  Json out = Json::array();
  for (const auto& k : kits) {
    out.push_back({{"name", k.name}, {"version", k.version}, {"vendor", k.vendor}});
  }
  return out;
}

std::vector<config::KitDependency> kits_from_json(const Json& kits) {
  std::vector<config::KitDependency> out;
  if (!kits.is_array()) return out;
  for (const auto& k : kits) {
    if (!k.is_object()) continue;
    out.push_back({k.value("name", ""), k.value("version", ""), k.value("vendor", "")});
  }
  return out;
}

Json packages_json(const std::vector<ConfigPackage>& packages) {
  Json out = Json::array();
  for (const auto& p : packages) {
    out.push_back({{"name", p.name},
                   {"version", p.version},
                   {"license", p.license},
                   {"digest", p.digest},
                   {"size", p.size},
                   {"requires", p.requires_}});
  }
  return out;
}

Json config_json(const KitConfig& config) {
  return {{"schema-version", 1},
          {"name", config.name},
          {"version", config.version},
          {"vendor", config.vendor},
          {"arch", std::string(arch_name(config.arch))},
          {"packages", packages_json(config.packages)},
          {"kits", kits_json(config.kits)}};
}

KitConfig parse_config(const Json& doc, const std::string& what) {
  if (!doc.is_object()) bad_config(what, "not a JSON object");
  KitConfig config;
  config.name = text_field(doc, "name", what);
  config.version = doc.value("version", "");
  config.vendor = doc.value("vendor", "");
  auto arch = parse_arch(text_field(doc, "arch", what));
  if (!arch) bad_config(what, arch.error());
  config.arch = arch.value();
  Json packages = doc.value("packages", Json::array());
  if (!packages.is_array()) bad_config(what, "\"packages\" is not a list");
  for (const auto& p : packages) config.packages.push_back(parse_package(p, what));
  config.kits = kits_from_json(doc.value("kits", Json::array()));
  return config;
}

Json manifest_json(const KitConfig& config, const std::string& config_digest,
                   std::uint64_t config_size) {
  Json layers = Json::array();
  for (const auto& p : config.packages) {
    layers.push_back({{"mediaType", k_layer_media_type},
                      {"digest", p.digest},
                      {"size", p.size},
                      {"annotations", {{k_title_annotation, p.name}}}});
  }
  return {{"schemaVersion", 2},
          {"mediaType", oci::k_manifest_media_type},
          {"config",
           {{"mediaType", k_config_media_type}, {"digest", config_digest}, {"size", config_size}}},
          {"layers", layers},
          {"annotations",
           {{k_name_annotation, config.name},
            {k_version_annotation, config.version},
            {k_arch_annotation, std::string(arch_name(config.arch))}}}};
}

std::string config_digest_of(const Json& manifest) {
  if (!manifest.is_object()) return "";
  return manifest.value("config", Json::object()).value("digest", "");
}

std::vector<std::string> layer_digests(const Json& manifest) {
  std::vector<std::string> out;
  if (!manifest.is_object()) return out;
  for (const auto& layer : manifest.value("layers", Json::array())) {
    if (layer.is_object()) out.push_back(layer.value("digest", ""));
  }
  return out;
}

Json index_json(const std::string& name, const std::string& version, const Json& existing,
                Arch arch, const std::string& manifest_digest, std::uint64_t manifest_size) {
  Json entries = Json::array();
  if (existing.is_object() && existing.contains("manifests") && existing["manifests"].is_array()) {
    for (const auto& m : existing["manifests"]) {
      if (platform_arch(m) != oci_arch(arch)) entries.push_back(m);
    }
  }
  entries.push_back({{"mediaType", oci::k_manifest_media_type},
                     {"digest", manifest_digest},
                     {"size", manifest_size},
                     {"platform", {{"architecture", oci_arch(arch)}, {"os", "linux"}}}});
  std::stable_sort(entries.begin(), entries.end(), [](const Json& a, const Json& b) {
    return platform_arch(a) < platform_arch(b);
  });
  return {{"schemaVersion", 2},
          {"mediaType", oci::k_index_media_type},
          {"manifests", entries},
          {"annotations", {{k_name_annotation, name}, {k_version_annotation, version}}}};
}

std::optional<std::string> manifest_of(const Json& index, Arch arch) {
  if (!index.is_object()) return std::nullopt;
  for (const auto& m : index.value("manifests", Json::array())) {
    if (platform_arch(m) == oci_arch(arch)) return m.value("digest", "");
  }
  return std::nullopt;
}

std::vector<std::string> index_arches(const Json& index) {
  std::vector<std::string> out;
  if (!index.is_object()) return out;
  for (const auto& m : index.value("manifests", Json::array())) out.push_back(platform_arch(m));
  return out;
}

}  // namespace osbuild::kit
