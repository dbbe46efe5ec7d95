// Checks across the files of a project. Cycles between packages are left to the graph module,
// which reports them with the whole path.
#include <algorithm>

#include "config/loaders.h"
#include "osbuild/config/load.h"
#include "osbuild/util/text.h"

namespace osbuild::config::detail {

void check_release(const ProjectFile& file, const Release& release) {
  if (file.release_version != release.version) {
    SourceLocation at = file.release_version_where;
    fail_at(at,
            "release-version " + file.release_version.str() + " does not match Release.toml's " +
                "version " + release.version.str() + " (" + release.version_where.str() + ")",
            "set release-version in " + at.file.string() + " and version in " +
                release.version_where.file.string() + " to the version you are releasing");
  }
  check_migrations(release);
}

namespace {

template <typename T>
std::vector<std::string> names_of(const std::map<std::string, T>& items) {
  std::vector<std::string> names;
  for (const auto& [name, item] : items) {
    names.push_back(name);
  }
  return names;
}

// Each name in `list` (written as key[0], key[1], … in `where`) must be a package of the project.
void check_package_names(const Project& project, const std::vector<std::string>& list,
                         const std::map<std::string, SourceLocation>& where,
                         const std::string& key) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string& name = list[i];
    if (project.packages.count(name) != 0) {
      continue;
    }
    auto names = names_of(project.packages);
    auto at = where.find(key + "[" + std::to_string(i) + "]");
    fail_at(at != where.end() ? at->second : SourceLocation{},
            "unknown package '" + name + "' in '" + key + "'" + did_you_mean(name, names),
            "packages are the folders under packages/ that hold a package.toml; fix the name "
            "or add packages/" + name + "/package.toml");
  }
}

// Without fetched kits we cannot know what an external kit provides, so names that a [[kit]]
// may supply are checked when the graph is built from the locked kits.
bool names_may_come_from_kits(const Project& project) { return !project.file.kits.empty(); }

void check_package_files(const Project& project, const Package& package) {
  std::string folder = "packages/" + package.name + "/";
  for (std::size_t i = 0; i < package.source_groups.size(); ++i) {
    const std::string& group = package.source_groups[i];
    if (!fs::is_directory(project.root / "sources" / group)) {
      fail_at(package.where.at("source-groups[" + std::to_string(i) + "]"),
              "source group '" + group + "' does not exist: there is no folder sources/" + group,
              "create sources/" + group + "/ or fix the name");
    }
  }
  if (!package.build.script.empty() && !fs::is_regular_file(package.dir / package.build.script)) {
    fail_at(package.where.at("build.script"),
            "build script '" + package.build.script + "' does not exist in " + folder,
            "add " + folder + package.build.script + " or fix the path");
  }
  for (std::size_t i = 0; i < package.build.patches.size(); ++i) {
    const std::string& patch = package.build.patches[i];
    if (!fs::is_regular_file(package.dir / patch)) {
      fail_at(package.where.at("build.patches[" + std::to_string(i) + "]"),
              "patch '" + patch + "' does not exist in " + folder,
              "add " + folder + patch + " or fix the path");
    }
  }
}

void check_kit_vendor(const Project& project, const Kit& kit) {
  auto vendors = names_of(project.file.vendors);
  if (project.infra) {
    for (const auto& [name, vendor] : project.infra->vendors) {
      vendors.push_back(name);
    }
  }
  if (std::find(vendors.begin(), vendors.end(), kit.vendor) != vendors.end()) {
    return;
  }
  fail_at(kit.where.at("vendor"),
          "unknown vendor '" + kit.vendor + "' for kit '" + kit.name + "'" +
              did_you_mean(kit.vendor, vendors),
          "declare it in osbuild.toml: [vendor." + kit.vendor + "] registry = \"host[:port]/path\"");
}

}  // namespace

void check_project(const Project& project) {
  bool strict = !names_may_come_from_kits(project);
  for (const auto& [name, package] : project.packages) {
    if (strict) {
      check_package_names(project, package.depends, package.where, "depends");
      check_package_names(project, package.runtime_requires, package.where, "requires");
    }
    check_package_files(project, package);
  }
  for (const auto& [name, kit] : project.kits) {
    check_kit_vendor(project, kit);
    // A kit is built from this project's packages, so its names are always checked.
    check_package_names(project, kit.included_packages, kit.where, "included-packages");
  }
  if (strict) {
    for (const auto& [name, variant] : project.variants) {
      check_package_names(project, variant.included_packages, variant.where, "included-packages");
    }
  }
}

}  // namespace osbuild::config::detail
