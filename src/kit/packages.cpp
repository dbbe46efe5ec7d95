// The packages of fetched kits, added to the project (docs/kits.md "Using a kit's packages").
#include <fmt/format.h>

#include <set>

#include "osbuild/config/kits.h"
#include "osbuild/kit/kit.h"
#include "osbuild/workspace/records.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json.h"
#include "osbuild/util/text.h"

namespace osbuild::kit {

namespace fs = std::filesystem;

using config::KitOrigin;
using config::KitRequirement;
using config::Lock;
using config::LockCheck;
using config::LockedKit;
using config::Package;
using config::Project;
using config::ProjectFile;
using config::SourceLocation;

namespace {

const KitRequirement* requirement_of(const ProjectFile& file, const std::string& kit) {
  for (const auto& req : file.kits) {
    if (req.name == kit) return &req;
  }
  return nullptr;
}

// The fetched record of one locked kit, checked against the lock.
Json read_fetched(const fs::path& build_dir, Arch arch, const LockedKit& locked) {
  fs::path path = workspace::fetched_kit_path(build_dir, arch, locked.name);
  std::string fetch_hint = fmt::format("run `osbuild fetch --arch {}`", arch_name(arch));
  auto text = read_file(path);
  if (!text.ok()) {
    throw Error(fmt::format("kit {} {} is locked but not fetched for {} ({} is missing)",
                            locked.name, locked.version, arch_name(arch), path.string()),
                fetch_hint);
  }
  Json doc = Json::parse(text.value(), nullptr, false);
  if (!doc.is_object() || !doc.contains("packages") || !doc["packages"].is_array()) {
    throw Error(path.string() + ": not a fetched kit record", fetch_hint);
  }
  if (doc.value("index", "") != locked.digest) {
    throw Error(fmt::format("kit {}: the fetched copy ({}) is of index {}, osbuild.lock names {}",
                            locked.name, path.string(), doc.value("index", "?"), locked.digest),
                fetch_hint);
  }
  return doc;
}

Package kit_package(const Json& p, const LockedKit& locked, const fs::path& record) {
  Package pkg;
  pkg.name = p.at("name").get<std::string>();
  auto version = osbuild::parse_version(p.value("version", ""));
  if (!version.ok()) {
    throw Error(fmt::format("{}: package {}: {}", record.string(), pkg.name, version.error()),
                "republish the kit");
  }
  pkg.version = version.value();
  pkg.license = p.value("license", "");
  for (const auto& r : p.value("requires", Json::array())) {
    pkg.runtime_requires.push_back(r.get<std::string>());
  }
  std::string digest = p.at("digest").get<std::string>();
  pkg.kit = KitOrigin{locked.name, locked.version, locked.vendor,
                      digest.starts_with("sha256:") ? digest.substr(7) : digest};
  pkg.manifest = record;
  return pkg;
}

std::string origin_text(const Package& p) {
  return p.kit ? fmt::format("kit {} {}", p.kit->kit, p.kit->kit_version) : p.manifest.string();
}

// Every name that depends, requires and included-packages use must now be known.
void check_references(const Project& project, const std::string& kits_text) {
  std::vector<std::string> names;
  for (const auto& [n, p] : project.packages) names.push_back(n);
  auto check = [&](const std::vector<std::string>& list,
                   const std::map<std::string, SourceLocation>& where, const std::string& key,
                   const std::string& owner) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (project.packages.count(list[i]) != 0) continue;
      auto at = where.find(key + "[" + std::to_string(i) + "]");
      throw Error(fmt::format("{}: unknown package '{}' in '{}': not a package of this project "
                              "nor of {}{}",
                              at != where.end() ? at->second.str() : owner, list[i], key, kits_text,
                              did_you_mean(list[i], names)),
                  "fix the name, add packages/" + list[i] +
                      "/package.toml, or require the kit that holds it and run `osbuild update` "
                      "and `osbuild fetch`");
    }
  };
  for (const auto& [name, pkg] : project.packages) {
    check(pkg.depends, pkg.where, "depends", origin_text(pkg));
    check(pkg.runtime_requires, pkg.where, "requires", origin_text(pkg));
  }
  for (const auto& [name, variant] : project.variants) {
    check(variant.included_packages, variant.where, "included-packages", variant.manifest.string());
  }
}

void add_locked_kit(Project& project, const fs::path& build_dir, Arch arch,
                    const LockedKit& locked) {
  Json doc = read_fetched(build_dir, arch, locked);
  fs::path record = workspace::fetched_kit_path(build_dir, arch, locked.name);
  const KitRequirement* req = requirement_of(project.file, locked.name);
  std::set<std::string> overridden;
  if (req != nullptr)
    overridden.insert(req->override_packages.begin(), req->override_packages.end());
  std::set<std::string> held;
  for (const auto& p : doc["packages"]) {
    Package pkg = kit_package(p, locked, record);
    held.insert(pkg.name);
    auto it = project.packages.find(pkg.name);
    if (it == project.packages.end()) {
      project.packages.emplace(pkg.name, std::move(pkg));
      continue;
    }
    const Package& other = it->second;
    if (!other.kit) {
      if (overridden.count(pkg.name) != 0) continue;  // the local package replaces the kit's
      throw Error(fmt::format("{}: package '{}' is also in kit {} {}", other.manifest.string(),
                              pkg.name, locked.name, locked.version),
                  fmt::format("rename the local package, or build it instead of the kit's with "
                              "override-packages = [\"{}\"] in the [[kit]] of {} in osbuild.toml",
                              pkg.name, locked.name));
    }
    if (other.kit->artifact != pkg.kit->artifact) {
      throw Error(
          fmt::format("package '{}' is in kit {} {} and in kit {} {} with different "
                      "contents ({} and {})",
                      pkg.name, other.kit->kit, other.kit->kit_version, locked.name, locked.version,
                      other.kit->artifact.substr(0, 12), pkg.kit->artifact.substr(0, 12)),
          "require versions of the two kits built from the same package, or override "
          "the package with a local one (override-packages)");
    }
  }
  for (const auto& name : overridden) {
    if (held.count(name) == 0) {
      throw Error(fmt::format("{}: override-packages names '{}', which kit {} {} does not hold",
                              req->where.str(), name, locked.name, locked.version),
                  "remove it from override-packages");
    }
    auto it = project.packages.find(name);
    if (it == project.packages.end() || it->second.kit) {
      throw Error(fmt::format("{}: override-packages names '{}', but there is no local package "
                              "of that name",
                              req->where.str(), name),
                  "add packages/" + name + "/package.toml or remove it from override-packages");
    }
  }
}

}  // namespace

std::optional<Lock> add_kit_packages(Project& project, const fs::path& build_dir, Arch arch,
                                     LockCheck check) {
  auto lock = config::load_lock(project, check);
  std::vector<std::string> kits;
  if (lock) {
    for (const auto& locked : lock->kits) {
      add_locked_kit(project, build_dir, arch, locked);
      kits.push_back(locked.name + " " + locked.version);
    }
  }
  if (!project.file.kits.empty()) {
    check_references(project, kits.empty() ? std::string("any fetched kit (no osbuild.lock)")
                                           : "the kits " + join(kits, ", "));
  }
  return lock;
}

}  // namespace osbuild::kit
