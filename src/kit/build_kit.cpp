// osbuild build kit K: the kit's built packages gathered into build/kits/<kit>/<arch>/.
#include <fmt/format.h>

#include <set>

#include "osbuild/kit/kit.h"
#include "osbuild/store/store.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"
#include "osbuild/workspace/records.h"

namespace osbuild::kit {

namespace fs = std::filesystem;

namespace {

// Packages another kit of this project includes: where this kit's closure stops.
std::set<std::string> other_kits_packages(const config::Project& project, const config::Kit& kit) {
  std::set<std::string> out;
  for (const auto& [name, other] : project.kits) {
    if (name == kit.name) continue;
    out.insert(other.included_packages.begin(), other.included_packages.end());
  }
  return out;
}

std::string location_of(const std::map<std::string, config::SourceLocation>& where,
                        const std::string& key, const fs::path& fallback) {
  auto it = where.find(key);
  return it != where.end() ? it->second.str() : fallback.string();
}

// The kits this kit's packages need at run time: another kit of this project at the same
// release version (a boundary crossed by `requires`), and every [[kit]] of osbuild.toml.
std::vector<config::KitDependency> kit_dependencies(const config::Project& project,
                                                    const config::Kit& kit,
                                                    const std::set<std::string>& crossed) {
  std::vector<config::KitDependency> deps;
  for (const auto& [name, other] : project.kits) {
    if (name == kit.name) continue;
    bool used = false;
    for (const auto& p : other.included_packages) used = used || crossed.count(p) != 0;
    if (used) {
      deps.push_back({name, "=" + project.file.release_version.str(), other.vendor});
    }
  }
  for (const auto& req : project.file.kits) {
    deps.push_back({req.name, req.version.str(), req.vendor});
  }
  return deps;
}

}  // namespace

std::vector<std::string> kit_packages(const config::Project& project, const config::Kit& kit) {
  std::set<std::string> boundary = other_kits_packages(project, kit);
  std::set<std::string> own(kit.included_packages.begin(), kit.included_packages.end());
  std::set<std::string> seen;
  std::vector<std::pair<std::string, std::string>> todo;  // package, who wants it
  for (std::size_t i = 0; i < kit.included_packages.size(); ++i) {
    todo.emplace_back(
        kit.included_packages[i],
        location_of(kit.where, "included-packages[" + std::to_string(i) + "]", kit.manifest));
  }
  while (!todo.empty()) {
    auto [name, wanted_by] = todo.back();
    todo.pop_back();
    if (seen.count(name) != 0) continue;
    auto it = project.packages.find(name);
    if (it == project.packages.end()) {
      std::vector<std::string> names;
      for (const auto& [n, p] : project.packages) names.push_back(n);
      throw Error(fmt::format("{}: package \"{}\" is not in this project{}", wanted_by, name,
                              did_you_mean(name, names)),
                  "a kit holds packages of the project that builds it; add packages/" + name +
                      "/package.toml, or require the kit that holds it and run `osbuild update` "
                      "and `osbuild fetch`");
    }
    const auto& pkg = it->second;
    bool other_kit = pkg.kit.has_value() || (boundary.count(name) != 0 && own.count(name) == 0);
    if (other_kit) continue;  // another kit's package: needed at run time, not held here
    seen.insert(name);
    for (std::size_t i = 0; i < pkg.runtime_requires.size(); ++i) {
      todo.emplace_back(
          pkg.runtime_requires[i],
          location_of(pkg.where, "requires[" + std::to_string(i) + "]", pkg.manifest));
    }
  }
  return {seen.begin(), seen.end()};
}

BuiltKit assemble_kit(const Context& ctx, const std::string& name,
                      const std::vector<std::string>& packages) {
  const config::Kit& kit = ctx.project.kit(name);
  const Arch arch = ctx.settings.arch();
  BuiltKit out{
      kit.name, arch, ctx.build_dir() / "kits" / kit.name / std::string(arch_name(arch)), {}, {}};
  FileLock lock = lock_workspace(ctx.build_dir());
  store::Store store(ctx.cache_dir());
  std::error_code ec;
  fs::remove_all(out.dir, ec);
  fs::create_directories(out.dir);
  std::set<std::string> crossed;  // packages of other kits that this kit's packages require
  std::set<std::string> held(packages.begin(), packages.end());
  Json index = Json::array();
  for (const auto& package : packages) {
    const auto& pkg = ctx.project.package(package);
    std::string artifact = workspace::built_artifact(ctx.build_dir(), arch, package);
    auto blob = store.get_blob(artifact);
    if (!blob) {
      store.note_missing_entry();  // so that the build this error asks for restores it
      throw Error(
          fmt::format("the artifact of package {} ({}) is not in the store at {}", package,
                      artifact.substr(0, 12), store.root().string()),
          fmt::format("run `osbuild build package {} --force-package {}`", package, package));
    }
    fs::path tar = out.dir / (package + ".tar");
    fs::create_hard_link(*blob, tar, ec);
    if (ec) fs::copy_file(*blob, tar, fs::copy_options::overwrite_existing);
    BuiltPackage b{package,  pkg.version.str(),    pkg.license,
                   artifact, fs::file_size(*blob), pkg.runtime_requires};
    for (const auto& r : pkg.runtime_requires) {
      if (held.count(r) == 0) crossed.insert(r);
    }
    index.push_back({{"name", b.name},
                     {"version", b.version},
                     {"license", b.license},
                     {"digest", "sha256:" + b.artifact},
                     {"size", b.size},
                     {"requires", b.requires_}});
    out.packages.push_back(std::move(b));
  }
  out.kits = kit_dependencies(ctx.project, kit, crossed);
  Json doc = {{"schema-version", 1},
              {"name", kit.name},
              {"vendor", kit.vendor},
              {"version", ctx.project.file.release_version.str()},
              {"arch", std::string(arch_name(arch))},
              {"packages", index},
              {"kits", kits_json(out.kits)}};
  write_file_atomic(out.dir / "index.json", doc.dump(2) + "\n");
  return out;
}

}  // namespace osbuild::kit
