#include "osbuild/graph/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>

#include "osbuild/graph/action_key.h"
#include "osbuild/util/error.h"
#include "osbuild/util/text.h"

namespace osbuild::graph {

std::string_view action_kind_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::fetch: return "fetch";
    case ActionKind::build: return "build";
    case ActionKind::image: return "image";
    case ActionKind::repo: return "repo";
  }
  return "?";
}

namespace {

class PlanBuilder {
public:
  PlanBuilder(const config::Project& project, const PackageGraph& graph, const PlanRequest& req)
      : m_project(project), m_graph(graph), m_req(req) {
    m_plan.variant = req.variant;
    m_plan.arch = req.arch;
  }

  Plan run();

private:
  std::size_t add(ActionKind kind, std::string name, std::string detail, Json inputs,
                  std::vector<std::size_t> deps);
  std::vector<std::size_t> add_fetches(const config::Package& pkg, Json& sources);
  std::size_t add_build(std::size_t package_id);
  std::size_t add_image(const config::Variant& variant, const std::vector<std::size_t>& packages);
  std::size_t add_repo(const config::Variant& variant, std::size_t image);

  const config::Project& m_project;
  const PackageGraph& m_graph;
  const PlanRequest& m_req;
  Plan m_plan;
  std::map<std::string, std::size_t> m_fetch_by_digest;  // one fetch per distinct source
  std::vector<std::size_t> m_build_of;                    // package id → action index
};

std::size_t PlanBuilder::add(ActionKind kind, std::string name, std::string detail, Json inputs,
                             std::vector<std::size_t> deps) {
  std::string key = action_key(action_kind_name(kind), inputs);
  m_plan.actions.push_back(
      Action{kind, std::move(name), std::move(detail), std::move(key), std::move(deps),
             std::move(inputs), std::nullopt});
  return m_plan.actions.size() - 1;
}

std::vector<std::size_t> PlanBuilder::add_fetches(const config::Package& pkg, Json& sources) {
  std::vector<std::size_t> deps;
  sources = Json::array();
  for (const auto& file : pkg.external_files) {
    sources.push_back({{"path", file.path}, {"sha512", file.sha512},
                       {"unpack", file.unpack ? Json(*file.unpack) : Json(nullptr)}});
    auto [it, added] = m_fetch_by_digest.emplace("sha512:" + file.sha512, 0);
    if (added) {
      Json inputs = {{"sha512", file.sha512}, {"path", file.path}};
      it->second = add(ActionKind::fetch, file.path, file.url, std::move(inputs), {});
    }
    deps.push_back(it->second);
  }
  for (const auto& git : pkg.git_sources) {
    sources.push_back({{"git", git.url}, {"rev", git.rev}, {"name", git.name}});
    auto [it, added] = m_fetch_by_digest.emplace("git:" + git.url + "@" + git.rev, 0);
    if (added) {
      Json inputs = {{"git", git.url}, {"rev", git.rev}};
      it->second = add(ActionKind::fetch, git.name + "@" + git.rev.substr(0, 12), git.url,
                       std::move(inputs), {});
    }
    deps.push_back(it->second);
  }
  return deps;
}

Json recipe_of(const config::Package& pkg) {
  Json steps = Json::array();
  for (const auto& step : pkg.build.steps) {
    steps.push_back({{"name", step.name}, {"inputs", step.inputs}, {"run", step.run}});
  }
  Json recipe = {{"name", pkg.name},
                 {"system", build_system_name(pkg.build.system)},
                 {"script", pkg.build.script},
                 {"patches", pkg.build.patches},
                 {"env", pkg.build.env},
                 {"steps", steps},
                 {"target-compatible-with", pkg.build.target_compatible_with}};
  // Only when given, so the keys of packages without it stay what they were.
  if (!pkg.build.constraint_values.empty()) {
    recipe["constraint-values"] = pkg.build.constraint_values;
  }
  return recipe;
}

std::size_t PlanBuilder::add_build(std::size_t package_id) {
  const auto& pkg = m_project.packages.at(m_graph.name(package_id));
  if (pkg.kit) {  // built by the kit's project: the plan only names the artifact it uses
    Json inputs = {{"kit", {{"name", pkg.kit->kit}, {"version", pkg.kit->kit_version}}},
                   {"artifact", pkg.kit->artifact},
                   {"arch", arch_name(m_req.arch)},
                   {"depends", Json::object()}};
    return add(ActionKind::build, pkg.name,
               fmt::format("{} (kit {} {})", pkg.version.str(), pkg.kit->kit, pkg.kit->kit_version),
               std::move(inputs), {});
  }
  Json inputs;
  inputs["recipe"] = recipe_of(pkg);
  // The package folder's files (build script, patches, local files), without package.toml
  // itself: its meaning is in the recipe, so editing a comment or the license rebuilds nothing.
  inputs["package-files"] = tree_digest(pkg.dir, {"package.toml"});
  std::vector<std::size_t> deps = add_fetches(pkg, inputs["sources"]);
  Json groups = Json::object();
  for (const auto& group : pkg.source_groups) {
    groups[group] = tree_digest(m_project.root / "sources" / group);
  }
  inputs["source-groups"] = groups;
  Json dep_keys = Json::object();
  for (std::size_t d : m_graph.depends(package_id)) {
    std::size_t action = m_build_of[d];
    dep_keys[m_graph.name(d)] = m_plan.actions[action].key;
    deps.push_back(action);
  }
  inputs["depends"] = dep_keys;
  inputs["arch"] = arch_name(m_req.arch);
  inputs["toolchain"] = m_req.toolchain_of ? m_req.toolchain_of(pkg) : m_req.toolchain;
  inputs["sandbox"] = m_req.sandbox;
  if (pkg.uses_release_version) {
    inputs["release"] = {{"os-name", m_project.file.name},
                         {"version", m_project.file.release_version.str()}};
  }
  return add(ActionKind::build, pkg.name, pkg.version.str(), std::move(inputs), std::move(deps));
}

std::size_t PlanBuilder::add_image(const config::Variant& variant,
                                   const std::vector<std::size_t>& packages) {
  const auto& image = variant.image;
  Json contents = Json::object();
  std::vector<std::size_t> deps;
  for (std::size_t id : packages) {
    contents[m_graph.name(id)] = m_plan.actions[m_build_of[id]].key;
    deps.push_back(m_build_of[id]);
  }
  Json inputs = {
      {"variant", variant.name},
      {"arch", arch_name(m_req.arch)},
      {"os-name", m_project.file.name},
      {"version", m_project.file.release_version.str()},
      {"kernel-parameters", variant.kernel_parameters},
      {"format", config::image_format_name(image.format)},
      {"root-filesystem", config::root_filesystem_name(image.root_filesystem)},
      {"os-image-size-mib", image.os_image_size_mib},
      {"data-image-size-mib", image.data_image_size_mib},
      {"partition-plan", config::partition_plan_name(image.partition_plan)},
      {"in-place-updates", image.in_place_updates},
      {"packages", contents},
  };
  std::string detail = fmt::format("{} {} {} MiB", config::image_format_name(image.format),
                                   config::root_filesystem_name(image.root_filesystem),
                                   image.os_image_size_mib);
  return add(ActionKind::image, variant.name, detail, std::move(inputs), std::move(deps));
}

std::size_t PlanBuilder::add_repo(const config::Variant& variant, std::size_t image) {
  Json migrations = Json::array();
  if (m_project.release) {
    for (const auto& m : m_project.release->migrations) {
      migrations.push_back({{"from", m.from.str()}, {"to", m.to.str()}, {"files", m.files}});
    }
  }
  Json inputs = {{"image", m_plan.actions[image].key},
                 {"variant", variant.name},
                 {"arch", arch_name(m_req.arch)},
                 {"version", m_project.file.release_version.str()},
                 {"migrations", migrations}};
  return add(ActionKind::repo, variant.name, "signed TUF repository", std::move(inputs), {image});
}

Plan PlanBuilder::run() {
  const auto& variant = m_project.variant(m_req.variant);
  const auto& arches = variant.supported_arches;
  if (!arches.empty() && std::find(arches.begin(), arches.end(), m_req.arch) == arches.end()) {
    std::vector<std::string> names;
    for (Arch a : arches) {
      names.emplace_back(arch_name(a));
    }
    throw Error(fmt::format("variant '{}' does not support {}: its supported-arches are {}",
                            variant.name, arch_name(m_req.arch), join(names, ", ")),
                fmt::format("pass --arch {} or add \"{}\" to supported-arches in {}", names.front(),
                            arch_name(m_req.arch), variant.manifest.string()));
  }
  auto contents = m_graph.runtime_closure(variant.included_packages);
  m_build_of.assign(m_graph.size(), SIZE_MAX);
  for (std::size_t id : m_graph.build_order(contents)) {
    m_build_of[id] = add_build(id);
  }
  std::size_t image = add_image(variant, contents);
  add_repo(variant, image);
  return std::move(m_plan);
}

}  // namespace

Plan make_plan(const config::Project& project, const PackageGraph& graph,
               const PlanRequest& req) {
  return PlanBuilder(project, graph, req).run();
}

namespace {

// "cached" when the store holds the result, "runs" when it does not, "-" when not looked up.
std::string_view cache_mark(const Action& action) {
  if (!action.cached) return "-";
  return *action.cached ? "cached" : "runs";
}

}  // namespace

std::string format_plan(const Plan& plan) {
  std::map<ActionKind, int> counts;
  std::size_t cached = 0;
  for (const auto& a : plan.actions) {
    ++counts[a.kind];
    cached += a.cached.value_or(false) ? 1 : 0;
  }
  std::string out = fmt::format(
      "plan for variant {} ({}): {} actions: {} fetch, {} build, {} image, {} repo; {} cached\n",
      plan.variant, arch_name(plan.arch), plan.actions.size(), counts[ActionKind::fetch],
      counts[ActionKind::build], counts[ActionKind::image], counts[ActionKind::repo], cached);
  for (std::size_t i = 0; i < plan.actions.size(); ++i) {
    const auto& a = plan.actions[i];
    std::vector<std::string> after;
    for (std::size_t d : a.deps) {
      after.push_back(fmt::format("{}", d + 1));
    }
    out += fmt::format("{:>4}  {:<5}  {:<6}  {:<32} {}  {}{}\n", i + 1, action_kind_name(a.kind),
                       cache_mark(a), a.name, a.key.substr(0, 16), a.detail,
                       after.empty() ? "" : "  (after " + join(after, ", ") + ")");
  }
  if (!plan.cache_note.empty()) {
    out += "  -: " + plan.cache_note + "\n";
  }
  return out;
}

Json plan_to_json(const Plan& plan) {
  Json actions = Json::array();
  for (std::size_t i = 0; i < plan.actions.size(); ++i) {
    const auto& a = plan.actions[i];
    actions.push_back({{"id", i + 1},
                       {"kind", action_kind_name(a.kind)},
                       {"name", a.name},
                       {"detail", a.detail},
                       {"key", a.key},
                       {"cached", a.cached ? Json(*a.cached) : Json(nullptr)},
                       {"after", a.deps},
                       {"inputs", a.inputs}});
    for (auto& d : actions.back()["after"]) {
      d = d.get<std::size_t>() + 1;
    }
  }
  Json doc = {{"variant", plan.variant}, {"arch", arch_name(plan.arch)}};
  doc["actions"] = std::move(actions);  // a brace list would copy every action's inputs again
  if (!plan.cache_note.empty()) doc["cache_note"] = plan.cache_note;
  return doc;
}

}  // namespace osbuild::graph
