#include "osbuild/image/record.h"

#include <fmt/format.h>

#include <set>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"

namespace osbuild::image {

namespace {

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

}  // namespace

std::filesystem::path build_record_path(const std::filesystem::path& build_dir,
                                        const std::string& variant, Arch arch) {
  return build_dir / ".osbuild" / "variants" / arch_name(arch) / (variant + ".json");
}

BuildRecord parse_build_record(const Json& doc, const std::filesystem::path& path) {
  try {
    BuildRecord r;
    r.path = path;
    r.variant = doc.at("variant").get<std::string>();
    r.arch = doc.at("arch").get<std::string>();
    r.source_date_epoch = doc.at("source-date-epoch").get<std::int64_t>();
    r.os_name = doc.at("os-name").get<std::string>();
    r.release_version = doc.at("release-version").get<std::string>();
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

BuildRecord read_build_record(const std::filesystem::path& build_dir, const std::string& variant,
                              Arch arch) {
  auto path = build_record_path(build_dir, variant, arch);
  auto text = read_file(path);
  if (!text.ok()) {
    std::string a(arch_name(arch));
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
  return parse_build_record(doc, path);
}

std::vector<const PackageRecord*> runtime_closure(const BuildRecord& record) {
  std::set<std::string> seen;
  std::vector<std::pair<std::string, std::string>> todo;  // (package, who asked)
  for (const auto& name : record.included_packages) todo.emplace_back(name, "included-packages");
  while (!todo.empty()) {
    auto [name, asked_by] = todo.back();
    todo.pop_back();
    if (!seen.insert(name).second) continue;
    auto it = record.packages.find(name);
    if (it == record.packages.end()) {
      throw Error(
          fmt::format("{}: package {} (required by {}) was not built for variant {}",
                      record.path.string(), name, asked_by, record.variant),
          fmt::format("run osbuild build variant {} --arch {}", record.variant, record.arch));
    }
    for (const auto& dep : it->second.requires_) todo.emplace_back(dep, name);
  }
  std::vector<const PackageRecord*> out;
  for (const auto& name : seen) out.push_back(&record.packages.at(name));
  return out;
}

}  // namespace osbuild::image
