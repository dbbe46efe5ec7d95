#include "osbuild/workspace/records.h"

#include <fmt/format.h>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"

namespace osbuild::workspace {

namespace {

std::string arch_folder(Arch arch) { return std::string(arch_name(arch)); }

std::vector<std::string> strings(const Json& doc, const char* key) {
  std::vector<std::string> out;
  if (doc.contains(key) && doc[key].is_array()) {
    for (const auto& v : doc[key]) out.push_back(v.get<std::string>());
  }
  return out;
}

PackageRecord parse_package(const Json& p) {
  PackageRecord r;
  r.name = p.at("name").get<std::string>();
  r.version = p.value("version", "");
  r.license = p.value("license", "");
  r.artifact = p.at("artifact").get<std::string>();
  r.manifest = p.value("manifest", "");
  r.depends = strings(p, "depends");
  r.requires_ = strings(p, "requires");
  for (const auto& s : p.value("sources", Json::array())) {
    r.sources.push_back({s.value("url", ""), s.value("path", ""), s.value("sha512", "")});
  }
  for (const auto& g : p.value("git", Json::array())) {
    r.git.push_back({g.value("url", ""), g.value("rev", "")});
  }
  return r;
}

Json package_json(const PackageRecord& p) {
  Json sources = Json::array();
  for (const auto& s : p.sources) {
    sources.push_back({{"url", s.url}, {"path", s.path}, {"sha512", s.sha512}});
  }
  Json git = Json::array();
  for (const auto& g : p.git) git.push_back({{"url", g.url}, {"rev", g.rev}});
  return {{"name", p.name},           {"version", p.version},    {"license", p.license},
          {"artifact", p.artifact},   {"manifest", p.manifest},  {"depends", p.depends},
          {"requires", p.requires_},  {"sources", sources},      {"git", git}};
}

// A file name image.json gives for a role: a plain name beside it, or nothing.
std::string image_file_name(const Json& files, const std::string& role, const fs::path& path,
                            const std::string& rebuild) {
  if (!files.contains(role) || files[role].is_null()) return {};
  if (!files[role].is_string() || files[role].get<std::string>().empty() ||
      files[role].get<std::string>().find('/') != std::string::npos) {
    throw Error(path.string() + ": files." + role + " must be a file name beside image.json",
                rebuild);
  }
  return files[role].get<std::string>();
}

}  // namespace

// ---- the variant record ------------------------------------------------------------------------

fs::path variant_record_path(const fs::path& build_dir, Arch arch, const std::string& variant) {
  return build_dir / ".osbuild" / "variants" / arch_folder(arch) / (variant + ".json");
}

VariantRecord parse_variant_record(const Json& doc, const fs::path& path) {
  try {
    VariantRecord r;
    r.path = path;
    r.variant = doc.at("variant").get<std::string>();
    r.arch = doc.at("arch").get<std::string>();
    r.source_date_epoch = doc.at("source-date-epoch").get<std::int64_t>();
    r.os_name = doc.at("os-name").get<std::string>();
    r.release_version = doc.at("release-version").get<std::string>();
    r.toolchain = doc.value("toolchain", "");
    r.sandbox = doc.value("sandbox", "");
    r.included_packages = strings(doc, "included-packages");
    for (const auto& p : doc.at("packages")) {
      auto pkg = parse_package(p);
      r.packages[pkg.name] = std::move(pkg);
    }
    return r;
  } catch (const Json::exception& e) {
    throw Error(fmt::format("{}: not a build record: {}", path.string(), e.what()),
                "run the build again to rewrite it");
  }
}

VariantRecord read_variant_record(const fs::path& build_dir, Arch arch, const std::string& variant) {
  auto path = variant_record_path(build_dir, arch, variant);
  auto text = read_file(path);
  if (!text.ok()) {
    std::string a = arch_folder(arch);
    throw Error(
        fmt::format("no build of variant {} for {}: run osbuild build variant {} --arch "
                    "{} first",
                    variant, a, variant, a),
        fmt::format("`osbuild build variant {} --arch {}` writes {}", variant, a, path.string()));
  }
  Json doc = Json::parse(text.value(), nullptr, false);
  if (doc.is_discarded()) {
    throw Error(path.string() + ": not valid JSON", "run the build again to rewrite it");
  }
  return parse_variant_record(doc, path);
}

Json variant_record_json(const VariantRecord& r) {
  Json packages = Json::array();
  for (const auto& [name, p] : r.packages) packages.push_back(package_json(p));
  return {{"variant", r.variant},
          {"arch", r.arch},
          {"source-date-epoch", r.source_date_epoch},
          {"os-name", r.os_name},
          {"release-version", r.release_version},
          {"toolchain", r.toolchain},
          {"sandbox", r.sandbox},
          {"included-packages", r.included_packages},
          {"packages", packages}};
}

void write_variant_record(const fs::path& build_dir, Arch arch, const VariantRecord& record) {
  fs::path path = variant_record_path(build_dir, arch, record.variant);
  fs::create_directories(path.parent_path());
  write_file_atomic(path, variant_record_json(record).dump(2) + "\n", Durability::durable);
}

// ---- a package's last build --------------------------------------------------------------------

fs::path package_state_path(const fs::path& build_dir, Arch arch, const std::string& package) {
  return build_dir / ".osbuild" / "state" / arch_folder(arch) / (package + ".json");
}

std::string built_artifact(const fs::path& build_dir, Arch arch, const std::string& package) {
  auto path = package_state_path(build_dir, arch, package);
  auto text = read_file(path);
  Json doc = text.ok() ? Json::parse(text.value(), nullptr, false) : Json();
  std::string digest = doc.is_object() ? doc.value("artifact", std::string()) : std::string();
  if (!is_lower_hex(digest, 64)) {
    throw Error(fmt::format("{}: no artifact recorded for package {}", path.string(), package),
                fmt::format("run `osbuild build package {} --arch {}`", package, arch_name(arch)));
  }
  return digest;
}

// ---- image.json --------------------------------------------------------------------------------

fs::path images_dir(const fs::path& build_dir, Arch arch, const std::string& variant) {
  return build_dir / "images" / (arch_folder(arch) + "-" + variant);
}

fs::path image_dir(const fs::path& build_dir, Arch arch, const std::string& variant,
                   const std::string& version) {
  return images_dir(build_dir, arch, variant) / version;
}

fs::path ImageRecord::file(const std::string& role) const {
  auto it = files.find(role);
  return it == files.end() ? fs::path() : dir() / it->second;
}

ImageRecord parse_image_record(const Json& doc, const fs::path& path, const std::string& rebuild) {
  if (!doc.is_object() || !doc.contains("files") || !doc["files"].is_object()) {
    throw Error(path.string() + ": not an image description (no 'files' object)", rebuild);
  }
  ImageRecord r;
  r.path = path;
  r.key = doc.value("key", "");
  for (const auto& [role, value] : doc["files"].items()) {
    std::string name = image_file_name(doc["files"], role, path, rebuild);
    if (!name.empty()) r.files[role] = name;
  }
  const Json digests = doc.contains("sha256") ? doc["sha256"] : Json::object();
  for (const auto& [name, digest] : digests.items()) {
    if (digest.is_string()) r.sha256[name] = digest.get<std::string>();
  }
  r.doc = doc;
  return r;
}

std::optional<ImageRecord> find_image_record(const fs::path& dir) {
  auto text = read_file(dir / "image.json");
  if (!text.ok()) return std::nullopt;
  Json doc = Json::parse(text.value(), nullptr, false);
  try {
    return parse_image_record(doc, dir / "image.json", "");
  } catch (const Error&) {
    return std::nullopt;
  }
}

ImageRecord read_image_record(const fs::path& dir, const std::string& rebuild) {
  fs::path path = dir / "image.json";
  Json doc = Json::parse(read_file_or_throw(path), nullptr, false);
  ImageRecord r = parse_image_record(doc, path, rebuild);
  for (const auto& [role, name] : r.files) {
    if (!fs::is_regular_file(dir / name)) {
      throw Error(path.string() + " names " + name + ", which is not in " + dir.string(), rebuild);
    }
  }
  return r;
}

// ---- fetched kits ------------------------------------------------------------------------------

fs::path fetched_kits_dir(const fs::path& build_dir, Arch arch) {
  return build_dir / "external-kits" / arch_folder(arch);
}

fs::path fetched_kit_path(const fs::path& build_dir, Arch arch, const std::string& kit) {
  return fetched_kits_dir(build_dir, arch) / (kit + ".json");
}

std::optional<Json> read_fetched_kit(const fs::path& build_dir, Arch arch, const std::string& kit) {
  auto text = read_file(fetched_kit_path(build_dir, arch, kit));
  if (!text.ok()) return std::nullopt;
  Json doc = Json::parse(text.value(), nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

void write_fetched_kit(const fs::path& build_dir, Arch arch, const std::string& kit,
                       const Json& doc) {
  fs::path path = fetched_kit_path(build_dir, arch, kit);
  fs::create_directories(path.parent_path());
  write_file_atomic(path, doc.dump(2) + "\n");
}

}  // namespace osbuild::workspace
