// The build stage: plan, lock, schedule, and for each package a cache lookup or a build.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include "osbuild/build/build.h"
#include "osbuild/graph/action_key.h"
#include "osbuild/graph/plan.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"
#include "package_build.h"
#include "state.h"

namespace osbuild::build {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t k_default_epoch = 1700000000;  // 2023-11-14, as examples/check-build.sh

// The plan's build actions that `options` asks for, dependencies first.
std::vector<const graph::Action*> select_actions(const BuildOptions& options,
                                                 const graph::Plan& plan,
                                                 const graph::PackageGraph& graph) {
  std::vector<bool> wanted(graph.size(), options.target == BuildTarget::variant);
  if (options.target == BuildTarget::package) {
    for (std::size_t id : graph.build_order({graph.id(options.name)})) {
      wanted[id] = true;
    }
  }
  std::vector<const graph::Action*> out;
  for (const auto& action : plan.actions) {
    if (action.kind == graph::ActionKind::build && wanted[graph.id(action.name)]) {
      out.push_back(&action);
    }
  }
  return out;
}

graph::Plan make_build_plan(const Context& ctx, const BuildOptions& options,
                            const graph::PackageGraph& graph, const Json& toolchain) {
  graph::PlanRequest req{options.name, ctx.settings.arch(), toolchain};
  if (options.target == BuildTarget::variant) {
    return graph::make_plan(ctx.project, graph, req);
  }
  // One package: plan a variant holding only it, then keep its build-time closure.
  config::Project project = ctx.project;
  ctx.project.package(options.name);  // throws with a suggestion for an unknown name
  config::Variant only;
  only.name = "package:" + options.name;
  only.included_packages = {options.name};
  project.variants[only.name] = only;
  req.variant = only.name;
  return graph::make_plan(project, graph, req);
}

std::int64_t source_date_epoch() {
  const char* text = std::getenv("SOURCE_DATE_EPOCH");
  return text != nullptr && *text != '\0' ? std::strtoll(text, nullptr, 10) : k_default_epoch;
}

class Stage {
public:
  Stage(Context& ctx, const BuildOptions& options, BuildContext& bc,
        std::vector<const graph::Action*> actions)
      : m_ctx(ctx), m_options(options), m_bc(bc), m_actions(std::move(actions)),
        m_artifacts(m_actions.size()) {
    for (std::size_t i = 0; i < m_actions.size(); ++i) {
      m_index[m_actions[i]->name] = i;
    }
  }

  BuildSummary run();

private:
  bool run_one(std::size_t i);
  bool use_cached(std::size_t i, const std::string& key, const Json& inputs);
  Json inputs_of(std::size_t i) const;
  std::optional<std::string> cached_artifact(const std::string& key);
  void say(const std::string& line);

  Context& m_ctx;
  const BuildOptions& m_options;
  BuildContext& m_bc;
  std::vector<const graph::Action*> m_actions;
  std::vector<std::string> m_artifacts;
  std::map<std::string, std::size_t> m_index;  // package name → position in m_actions
  std::mutex m_out;
  std::size_t m_built = 0;
  std::size_t m_cached = 0;
};

void Stage::say(const std::string& line) {
  std::lock_guard guard(m_out);
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

// The plan's inputs with each dependency's key replaced by its output digest (early cutoff).
Json Stage::inputs_of(std::size_t i) const {
  Json inputs = m_actions[i]->inputs;
  for (auto& [name, value] : inputs["depends"].items()) {
    value = m_artifacts[m_index.at(name)];
  }
  inputs["source-date-epoch"] = m_bc.source_date_epoch;
  return inputs;
}

std::optional<std::string> Stage::cached_artifact(const std::string& key) {
  auto result = m_bc.store.get_action(key);
  if (!result || !result->contains("outputs")) {
    return std::nullopt;
  }
  for (const auto& output : (*result)["outputs"]) {
    if (output.value("path", "") == "artifact.tar" && m_bc.store.get_blob(output["digest"])) {
      return output["digest"].get<std::string>();
    }
  }
  return std::nullopt;
}

// A cache hit: record the artifact and bring build/packages/ up to date when it is not.
bool Stage::use_cached(std::size_t i, const std::string& key, const Json& inputs) {
  auto cached = m_options.force == Force::yes ? std::nullopt : cached_artifact(key);
  if (!cached) {
    return false;
  }
  const std::string& name = m_actions[i]->name;
  m_artifacts[i] = *cached;
  StateFile state(m_bc.build_dir, m_bc.arch, name);
  auto previous = state.read();
  if (!previous || previous->value("artifact", "") != *cached ||
      !fs::exists(m_bc.build_dir / "packages" / arch_name(m_bc.arch) / name)) {
    materialise(m_bc, name, *m_bc.store.get_blob(*cached));
    state.write(key, *cached, inputs);
  }
  std::lock_guard guard(m_out);
  ++m_cached;
  return true;
}

bool Stage::run_one(std::size_t i) {
  const auto& pkg = m_ctx.project.package(m_actions[i]->name);
  Json inputs = inputs_of(i);
  std::string key = graph::action_key("build", inputs);
  if (use_cached(i, key, inputs)) {
    return true;
  }
  StateFile state(m_bc.build_dir, m_bc.arch, pkg.name);
  if (m_options.explain == Explain::yes) {
    say(fmt::format("explain: {}: {}", pkg.name,
                    m_options.force == Force::yes ? "forced (--force)"
                                                  : explain_reason(state.read(), inputs)));
  }
  say(fmt::format("building {}", pkg.name));
  auto start = Clock::now();
  std::vector<std::string> deps;
  for (const auto& [name, digest] : inputs["depends"].items()) {
    deps.push_back(digest.get<std::string>());
  }
  PackageResult result = build_package(m_bc, pkg, deps, key);
  if (!result.ok) {
    std::lock_guard guard(m_out);
    std::fputs(("osbuild: " + result.report).c_str(), stderr);
    return false;
  }
  m_artifacts[i] = result.artifact;
  materialise(m_bc, pkg.name, *m_bc.store.get_blob(result.artifact));
  state.write(key, result.artifact, inputs);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  say(fmt::format("built {} in {:.1f}s ({})", pkg.name, seconds, result.artifact.substr(0, 12)));
  std::lock_guard guard(m_out);
  ++m_built;
  return true;
}

BuildSummary Stage::run() {
  std::vector<ScheduleNode> nodes;
  for (const auto* action : m_actions) {
    ScheduleNode node;
    for (const auto& [name, unused] : action->inputs["depends"].items()) {
      node.deps.push_back(m_index.at(name));
    }
    nodes.push_back(node);
  }
  auto run = [this](std::size_t i) {
    try {
      return run_one(i);
    } catch (const std::exception& e) {
      std::lock_guard guard(m_out);
      std::fprintf(stderr, "osbuild: error: %s: %s\n", m_actions[i]->name.c_str(), e.what());
      return false;
    }
  };
  auto states = run_schedule(nodes, static_cast<std::size_t>(m_bc.jobs), m_options.on_failure, run,
                             [] { return sandbox::interrupted(); });
  BuildSummary summary{m_actions.size(), m_built, m_cached, 0, 0};
  for (auto s : states) {
    summary.failed += s == NodeState::failed ? 1 : 0;
    summary.skipped += s == NodeState::skipped ? 1 : 0;
  }
  return summary;
}

FileLock lock_workspace(const fs::path& build_dir) {
  fs::path path = build_dir / ".osbuild" / "lock";
  fs::create_directories(path.parent_path());
  auto lock = FileLock::acquire(path, FileLock::Wait::yes, [&path](const std::string& holder) {
    std::fprintf(stderr, "osbuild: waiting for %s, which holds %s\n", holder.c_str(),
                 path.c_str());
  });
  return std::move(*lock);
}

}  // namespace

BuildSummary run_build(Context& ctx, const BuildOptions& options) {
  Arch arch = ctx.settings.arch();
  if (arch != host_arch()) {
    throw Error(fmt::format("cannot build for {} yet: only the host arch ({}) has a toolchain",
                            arch_name(arch), arch_name(host_arch())),
                fmt::format("pass --arch {}", arch_name(host_arch())));
  }
  store::Store store(ctx.cache_dir());
  BuildContext bc{ctx.project, store, host_toolchain(), arch,
                  std::max(1L, ctx.settings.integer("jobs")), source_date_epoch(),
                  ctx.build_dir()};
  if (options.explain == Explain::yes) {
    // The probe starts a sandbox, so a no-op build without --explain does not pay for it.
    std::printf("explain: sandbox: %s\n",
                std::string(sandbox_kind_name(sandbox::detect_sandbox())).c_str());
  }
  auto graph = graph::PackageGraph::build(ctx.project);
  auto plan = make_build_plan(ctx, options, graph, bc.toolchain.identity());
  FileLock lock = lock_workspace(bc.build_dir);
  sandbox::InterruptGuard guard;
  auto start = Clock::now();
  BuildSummary summary = Stage(ctx, options, bc, select_actions(options, plan, graph)).run();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (sandbox::interrupted()) {
    throw Error("build interrupted", "run the build again: finished packages are cached",
                ExitCode::interrupted);
  }
  if (summary.failed > 0) {
    throw Error(fmt::format("build failed: {} of {} packages failed, {} not started",
                            summary.failed, summary.total, summary.skipped),
                fmt::format("see the report above; logs are in {}",
                            (bc.build_dir / "logs" / arch_name(arch)).string()));
  }
  if (summary.built == 0) {
    std::printf("nothing to do: %zu packages up to date\n", summary.total);
  } else {
    std::printf("build: %zu packages: %zu built, %zu up to date in %.1fs\n", summary.total,
                summary.built, summary.cached, seconds);
  }
  return summary;
}

}  // namespace osbuild::build
