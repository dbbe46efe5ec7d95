// The build stage: plan, lock, schedule, and for each package a cache lookup or a build.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "osbuild/build/build.h"
#include "osbuild/build/cache_key.h"
#include "osbuild/build/noop.h"
#include "osbuild/graph/action_key.h"
#include "osbuild/graph/plan.h"
#include "osbuild/store/remote.h"
#include "osbuild/store/sources.h"
#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/text.h"
#include "osbuild/util/units.h"
#include "osbuild/workspace/records.h"
#include "package_build.h"
#include "reporter.h"
#include "state.h"

namespace osbuild::build {

namespace {

using Clock = std::chrono::steady_clock;

// The packages a package or packages target names.
std::vector<std::string> requested_packages(const BuildOptions& options) {
  return options.target == BuildTarget::packages ? options.packages
                                                 : std::vector<std::string>{options.name};
}

// The plan's build actions that `options` asks for, dependencies first.
std::vector<const graph::Action*> select_actions(const BuildOptions& options,
                                                 const graph::Plan& plan,
                                                 const graph::PackageGraph& graph) {
  std::vector<bool> wanted(graph.size(), options.target == BuildTarget::variant);
  if (options.target != BuildTarget::variant) {
    std::vector<std::size_t> roots;
    for (const auto& name : requested_packages(options)) roots.push_back(graph.id(name));
    for (std::size_t id : graph.build_order(roots)) {
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

// The identity of the toolchain a package builds with, for its key. A package that cannot be
// built for the target is skipped later (drop_incompatible), so its constraint values are not
// resolved.
std::function<Json(const config::Package&)> toolchain_identity(const Context& ctx,
                                                               toolchain::BuildToolchains& tcs) {
  return [&ctx, &tcs](const config::Package& pkg) {
    std::string platform = toolchain::target_platform_name(ctx.settings.arch());
    bool compatible = toolchain::package_compatibility(ctx.project, platform, pkg).compatible;
    return (compatible ? tcs.for_package(pkg) : tcs.base()).toolchain.identity();
  };
}

graph::Plan make_build_plan(const Context& ctx, const BuildOptions& options,
                            const graph::PackageGraph& graph, toolchain::BuildToolchains& tcs) {
  graph::PlanRequest req{options.name, ctx.settings.arch(), tcs.base().toolchain.identity(),
                         toolchain_identity(ctx, tcs), ctx.settings.str("sandbox")};
  if (options.target == BuildTarget::variant) {
    return graph::make_plan(ctx.project, graph, req);
  }
  // Packages: plan a variant holding only them, then keep their build-time closure.
  config::Project project = ctx.project;
  config::Variant only;
  only.included_packages = requested_packages(options);
  for (const auto& name : only.included_packages) {
    ctx.project.package(name);  // throws with a suggestion for an unknown name
  }
  only.name = "package:" + join(only.included_packages, ",");
  project.variants[only.name] = only;
  req.variant = only.name;
  return graph::make_plan(project, graph, req);
}

sandbox::SandboxKind sandbox_setting(const Context& ctx) {
  auto kind = sandbox::parse_sandbox_kind(ctx.settings.str("sandbox"));
  if (!kind) throw Error("internal: the sandbox setting holds " + ctx.settings.str("sandbox"));
  return sandbox::open_sandbox(*kind);  // refuses, saying why, when it cannot start
}

class Stage {
 public:
  Stage(const Context& ctx, const BuildOptions& options, BuildContext& bc,
        toolchain::BuildToolchains& toolchains, std::vector<const graph::Action*> actions,
        BuildReporter& reporter)
      : m_ctx(ctx),
        m_options(options),
        m_bc(bc),
        m_toolchains(toolchains),
        m_actions(std::move(actions)),
        m_reporter(reporter),
        m_artifacts(m_actions.size()),
        m_manifests(m_actions.size()) {
    for (std::size_t i = 0; i < m_actions.size(); ++i) {
      m_index[m_actions[i]->name] = i;
    }
  }

  BuildSummary run();
  // Each built package's name, version, artifact and manifest digests, and what it came from.
  std::map<std::string, workspace::PackageRecord> packages() const;
  std::map<std::string, std::vector<std::string>> dependencies() const;
  // Asked after the local store; given results of local builds (docs/remote-cache.md).
  void set_remote(store::RemoteCache* remote) { m_remote = remote; }

 private:
  bool run_one(std::size_t i);
  void fetch_sources(const std::vector<ScheduleNode>& nodes) const;
  void weigh(std::vector<ScheduleNode>& nodes) const;
  bool forced(const std::string& name) const;
  bool use_cached(std::size_t i, const std::string& key, const Json& inputs);
  Json inputs_of(std::size_t i) const;
  std::optional<std::pair<std::string, std::string>> cached_outputs(const std::string& key,
                                                                    bool* remote = nullptr);
  std::optional<std::pair<std::string, std::string>> local_outputs(const std::string& key);
  BuildContext package_context(const config::Package& pkg);

  const Context& m_ctx;
  const BuildOptions& m_options;
  BuildContext& m_bc;
  toolchain::BuildToolchains& m_toolchains;
  std::vector<const graph::Action*> m_actions;
  BuildReporter& m_reporter;
  std::vector<std::string> m_artifacts;
  std::vector<std::string> m_manifests;
  std::map<std::string, std::size_t> m_index;  // package name → position in m_actions
  std::mutex m_count;
  std::size_t m_built = 0;
  std::size_t m_cached = 0;
  store::RemoteCache* m_remote = nullptr;
};

// The build's inputs as cache_key.h keys them; every dependency is done when this is asked.
Json Stage::inputs_of(std::size_t i) const {
  auto artifact_of = [this](const std::string& name) -> std::optional<std::string> {
    return m_artifacts[m_index.at(name)];
  };
  return *build_inputs(*m_actions[i], artifact_of, m_bc.source_date_epoch);
}

// The local store first, then the remote cache, whose hit lands in the local store.
std::optional<std::pair<std::string, std::string>> Stage::cached_outputs(const std::string& key,
                                                                         bool* remote) {
  auto found = local_outputs(key);
  if (!found && m_remote != nullptr && m_remote->fetch(key)) {
    found = local_outputs(key);
    if (remote != nullptr) *remote = found.has_value();
  }
  return found;
}

// The artifact and manifest digests an action result names, when the artifact is present.
std::optional<std::pair<std::string, std::string>> Stage::local_outputs(const std::string& key) {
  auto outputs = stored_outputs(m_bc.store, key);
  if (!outputs) return std::nullopt;
  return std::pair{outputs->artifact, outputs->manifest};
}

// The run's context with the toolchain this package builds with (its build.constraint-values may
// resolve another one than the run's).
BuildContext Stage::package_context(const config::Package& pkg) {
  BuildContext bc = m_bc;
  const auto& prepared = m_toolchains.for_package(pkg);
  bc.toolchain = prepared.toolchain;
  bc.tool_dir = prepared.tool_dir;
  bc.zig_cache = prepared.zig_cache;
  return bc;
}

bool Stage::forced(const std::string& name) const {
  const auto& list = m_options.force_packages;
  return m_options.force == Force::yes || std::find(list.begin(), list.end(), name) != list.end();
}

// A cache hit: record the artifact and bring build/packages/ up to date when it is not.
bool Stage::use_cached(std::size_t i, const std::string& key, const Json& inputs) {
  const std::string& name = m_actions[i]->name;
  bool remote = false;
  // A fetched kit's package is never built: its layer, in the store, is the artifact.
  const auto& kit = m_ctx.project.package(name).kit;
  std::optional<std::pair<std::string, std::string>> cached;
  if (kit) {
    if (m_bc.store.has_blob(kit->artifact)) cached = std::pair{kit->artifact, std::string()};
  } else if (!forced(name)) {
    cached = cached_outputs(key, &remote);
  }
  if (!cached) {
    return false;
  }
  if (m_remote != nullptr && !remote && !kit) m_remote->count_local_hit();
  if (m_options.explain == Explain::yes) {
    m_reporter.explain(name, remote ? "fetched from the remote cache " + m_remote->display_url()
                             : kit  ? "from kit " + kit->kit + " " + kit->kit_version
                                    : "up to date in the local store");
  }
  m_artifacts[i] = cached->first;
  m_manifests[i] = cached->second;
  StateFile state(m_bc.build_dir, m_bc.arch, name);
  if (state.artifact() != cached->first ||
      !fs::exists(m_bc.build_dir / "packages" / arch_name(m_bc.arch) / name)) {
    auto blob = m_bc.store.get_blob(cached->first);
    if (!blob) {
      return false;  // removed as corrupt: build it again
    }
    materialise(m_bc, name, *blob);
    state.write(key, cached->first, inputs);
  }
  m_reporter.cached(name, cached->first);
  std::lock_guard guard(m_count);
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
  if (pkg.kit) {
    throw Error(
        fmt::format("package {} of kit {} {}: its artifact {} is not in the store", pkg.name,
                    pkg.kit->kit, pkg.kit->kit_version, pkg.kit->artifact.substr(0, 12)),
        fmt::format("run the build again (it fetches missing kits), or `osbuild fetch --arch {}`",
                    arch_name(m_bc.arch)));
  }
  StateFile state(m_bc.build_dir, m_bc.arch, pkg.name);
  if (m_remote != nullptr && !forced(pkg.name)) m_remote->count_miss();
  if (m_options.explain == Explain::yes) {
    std::string remote = m_remote == nullptr  ? ""
                         : forced(pkg.name)   ? "; building locally"
                         : m_remote->active() ? "; not in the remote cache either: building locally"
                                              : "; remote cache skipped: building locally";
    m_reporter.explain(pkg.name, (m_options.force == Force::yes ? "forced (--force)"
                                  : forced(pkg.name)            ? "forced (--force-package)"
                                                     : explain_reason(state.read(), inputs)) +
                                     remote);
  }
  m_reporter.started(pkg.name);
  std::vector<std::string> deps;
  for (const auto& [name, digest] : inputs["depends"].items()) {
    deps.push_back(digest.get<std::string>());
  }
  auto began = std::chrono::steady_clock::now();
  PackageResult result = build_package(package_context(pkg), pkg, deps, key, inputs);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  if (!result.ok) {
    m_reporter.failed(pkg.name, result.report);
    return false;
  }
  m_artifacts[i] = result.artifact;
  m_manifests[i] = result.manifest;
  materialise(m_bc, pkg.name, *m_bc.store.get_blob(result.artifact));
  state.write(key, result.artifact, inputs, seconds);
  if (m_remote != nullptr) {
    if (m_bc.commit != nullptr) m_bc.commit->sync();  // the upload reads the written result
    m_remote->upload(key);  // blobs first, the action result last
  }
  m_reporter.finished(pkg.name, result.artifact, result.steps);
  std::lock_guard guard(m_count);
  ++m_built;
  return true;
}

// The sources of every package the cache did not answer for, fetched before the first build.
void Stage::fetch_sources(const std::vector<ScheduleNode>& nodes) const {
  if (!m_options.fetch_sources || m_bc.runner.interrupted()) return;
  std::vector<std::string> packages;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& pkg = m_ctx.project.package(m_actions[i]->name);
    if (!nodes[i].done && !pkg.kit) packages.push_back(pkg.name);
  }
  if (!packages.empty()) m_options.fetch_sources(packages);
}

// Each package's expected cost, for the critical-path order (scheduler.h), so that the longest
// chain starts first: the seconds its last build took when every package to build has one; else,
// for all alike, the bytes of its sources in the store (a first build knows nothing better, and a
// bigger source is mostly the longer build).
void Stage::weigh(std::vector<ScheduleNode>& nodes) const {
  std::vector<std::optional<double>> seconds(nodes.size());
  bool timed = true;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].done) continue;
    seconds[i] = StateFile(m_bc.build_dir, m_bc.arch, m_actions[i]->name).seconds();
    timed = timed && seconds[i].has_value();
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].done) continue;
    if (timed) {
      nodes[i].weight = std::max(*seconds[i], 0.001);
      continue;
    }
    std::uintmax_t bytes = 1;
    for (const auto& file : m_ctx.project.package(m_actions[i]->name).external_files) {
      std::error_code ec;
      if (auto local = store::locate(m_bc.store, file)) bytes += fs::file_size(*local, ec);
    }
    nodes[i].weight = static_cast<double>(bytes);
  }
}

BuildSummary Stage::run() {
  std::vector<ScheduleNode> nodes;
  for (std::size_t i = 0; i < m_actions.size(); ++i) {
    ScheduleNode node;
    bool deps_done = true;
    for (const auto& [name, unused] : m_actions[i]->inputs["depends"].items()) {
      node.deps.push_back(m_index.at(name));
      deps_done = deps_done && nodes[m_index.at(name)].done;
    }
    // Cache hits are found here, in dependency order on this thread: a no-op build starts no
    // thread and waits on nothing.
    if (deps_done && !m_bc.runner.interrupted()) {
      Json inputs = inputs_of(i);
      node.done = use_cached(i, graph::action_key("build", inputs), inputs);
    }
    nodes.push_back(node);
  }
  fetch_sources(nodes);
  weigh(nodes);
  auto run = [this](std::size_t i) {
    try {
      return run_one(i);  // a dependency was rebuilt, so the cache is asked again
    } catch (const Error& e) {
      m_reporter.failed(m_actions[i]->name,
                        fmt::format("build of {} failed: {}\n{}", m_actions[i]->name, e.what(),
                                    e.hint().empty() ? "" : "  hint: " + e.hint() + "\n"));
      return false;
    } catch (const std::exception& e) {
      m_reporter.failed(m_actions[i]->name,
                        fmt::format("build of {} failed: {}\n", m_actions[i]->name, e.what()));
      return false;
    }
  };
  // One jobserver for every build of the run, made only when something is to be built.
  std::optional<Jobserver> jobserver;
  if (std::any_of(nodes.begin(), nodes.end(), [](const ScheduleNode& n) { return !n.done; })) {
    jobserver.emplace(m_bc.build_dir / ".osbuild" / "jobserver",
                      static_cast<std::size_t>(m_bc.jobs), probe_jobserver_form(m_bc.runner));
    m_bc.jobserver = &*jobserver;
  }
  auto states = run_schedule(nodes, static_cast<std::size_t>(m_bc.jobs), m_options.on_failure, run,
                             [this] { return m_bc.runner.interrupted(); }, m_bc.jobserver);
  m_bc.jobserver = nullptr;
  BuildSummary summary{m_actions.size(), m_built, m_cached, 0, 0};
  for (auto s : states) {
    summary.failed += s == NodeState::failed ? 1 : 0;
    summary.skipped += s == NodeState::skipped ? 1 : 0;
  }
  return summary;
}

std::map<std::string, workspace::PackageRecord> Stage::packages() const {
  std::map<std::string, workspace::PackageRecord> out;
  for (std::size_t i = 0; i < m_actions.size(); ++i) {
    const auto& pkg = m_ctx.project.package(m_actions[i]->name);
    workspace::PackageRecord r{pkg.name,        pkg.version.str(), pkg.license, m_artifacts[i],
                               m_manifests[i],  pkg.depends,       pkg.runtime_requires,
                               {},              {}};
    for (const auto& file : pkg.external_files) {
      r.sources.push_back({file.url, file.path, file.sha512});
    }
    for (const auto& g : pkg.git_sources) r.git.push_back({g.url, g.rev});
    out[pkg.name] = std::move(r);
  }
  return out;
}

std::map<std::string, std::vector<std::string>> Stage::dependencies() const {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto* action : m_actions) {
    auto& deps = out[action->name];
    for (const auto& [name, unused] : action->inputs["depends"].items()) {
      deps.push_back(name);
    }
  }
  return out;
}

BuildReporter::Mode reporter_mode(const Context& ctx) {
  if (ctx.json()) {
    return BuildReporter::Mode::json;
  }
  if (ctx.options.verbosity == Verbosity::quiet) {
    return BuildReporter::Mode::quiet;
  }
  const char* term = std::getenv("TERM");
  bool dumb = term != nullptr && std::string_view(term) == "dumb";
  return ::isatty(STDERR_FILENO) != 0 && !dumb ? BuildReporter::Mode::tty
                                               : BuildReporter::Mode::plain;
}

// What the image stage reads: the variant's packages as this build left them.
void write_variant_record(const Context& ctx, const BuildOptions& options, const BuildContext& bc,
                          const Stage& stage) {
  const auto& variant = ctx.project.variant(options.name);
  workspace::VariantRecord record;
  record.variant = variant.name;
  record.arch = arch_name(bc.arch);
  record.source_date_epoch = bc.source_date_epoch;
  record.os_name = ctx.project.file.name;
  record.release_version = ctx.project.file.release_version.str();
  record.toolchain = bc.toolchain.name;
  record.sandbox = sandbox::sandbox_kind_name(bc.sandbox);
  record.packages = stage.packages();
  for (const auto& name : variant.included_packages) {
    if (record.packages.count(name) != 0) record.included_packages.push_back(name);
  }
  workspace::write_variant_record(bc.build_dir, bc.arch, record);
}

void print_timings(BuildReporter& reporter, const Stage& stage, double seconds) {
  auto path = reporter.critical_path(stage.dependencies());
  auto slow = reporter.slowest(5);
  if (reporter.mode() == BuildReporter::Mode::json) {
    Json critical = Json::array();
    for (const auto& t : path) {
      critical.push_back({{"package", t.package}, {"seconds", t.seconds}});
    }
    Json slowest = Json::array();
    for (const auto& t : slow) {
      slowest.push_back({{"package", t.package}, {"seconds", t.seconds}});
    }
    reporter.event("timings",
                   {{"seconds", seconds}, {"critical_path", critical}, {"slowest", slowest}});
    return;
  }
  double total = 0;
  std::string chain;
  for (const auto& t : path) {
    total += t.seconds;
    chain += fmt::format("{}{} ({:.1f}s)", chain.empty() ? "" : " -> ", t.package, t.seconds);
  }
  std::printf("timings: %.1fs wall; critical path %.1fs: %s\n", seconds, total,
              chain.empty() ? "nothing built" : chain.c_str());
  for (const auto& t : slow) {
    std::printf("timings:   %6.1fs  %s\n", t.seconds, t.package.c_str());
  }
}

// cache.remote, unless it is empty or the build is offline; its warnings go to stderr.
std::unique_ptr<store::RemoteCache> open_remote(const Context& ctx, store::Store& store) {
  const auto& url = ctx.settings.str("cache.remote");
  if (url.empty() || ctx.settings.boolean("offline")) {
    return nullptr;
  }
  store::RemoteOptions options;
  options.url = url;
  options.upload = ctx.settings.boolean("cache.remote-upload");
  return std::make_unique<store::RemoteCache>(options, store, [](const std::string& message) {
    std::fprintf(stderr, "osbuild: warning: %s\n", message.c_str());
  });
}

// Packages whose target-compatible-with excludes the target platform: a package nothing selected
// depends on is skipped with its reason said; one that another package needs is an error naming
// the chain, like one asked for by name.
std::vector<const graph::Action*> drop_incompatible(const Context& ctx, const BuildOptions& options,
                                                    Arch arch,
                                                    std::vector<const graph::Action*> actions,
                                                    std::vector<std::string>& notes) {
  std::string platform = toolchain::target_platform_name(arch);
  std::vector<const graph::Action*> kept;
  for (const auto* action : actions) {
    const auto& pkg = ctx.project.package(action->name);
    auto compat = toolchain::package_compatibility(ctx.project, platform, pkg);
    if (compat.compatible) {
      kept.push_back(action);
      continue;
    }
    for (const auto* other : actions) {
      if (other->inputs["depends"].contains(action->name)) {
        throw Error(fmt::format("{} needs {}, which cannot be built for {}: {}", other->name,
                                action->name, platform, compat.reason),
                    "build for another arch, or make the package compatible with " + platform);
      }
    }
    auto asked = requested_packages(options);
    if (options.target != BuildTarget::variant &&
        std::find(asked.begin(), asked.end(), action->name) != asked.end()) {
      throw Error(fmt::format("{} cannot be built for {}: {}", action->name, platform,
                              compat.reason),
                  "build it for an arch its target-compatible-with allows");
    }
    notes.push_back(fmt::format("skipping {} for {}: {}", action->name, platform, compat.reason));
    if (ctx.json()) {
      json_event("build", "skipped",
                 {{"package", action->name}, {"platform", platform}, {"reason", compat.reason}});
    } else {
      std::printf("%s\n", notes.back().c_str());
    }
  }
  return kept;
}

// What the no-op stamp watches outside the project and what the build left (include/.../noop.h).
NoopRecord noop_record(const BuildOptions& options, const BuildContext& bc, const Stage& stage,
                       const toolchain::BuildToolchains& toolchains,
                       std::vector<std::string> notes) {
  NoopRecord record;
  record.notes = std::move(notes);
  record.watched.push_back(fs::read_symlink("/proc/self/exe"));
  for (const auto* prepared : toolchains.resolved()) {
    const auto& tc = prepared->toolchain;
    for (const auto& program :
         {tc.compiler, tc.real.cc, tc.real.cxx, tc.real.ar, tc.real.ranlib, tc.real.strip}) {
      if (!program.empty()) record.watched.push_back(program);
    }
  }
  // A compiler added to or removed from PATH can change which toolchain resolves.
  if (const char* path = std::getenv("PATH")) {
    for (const auto& dir : split(path, ':')) {
      if (!dir.empty()) record.watched.emplace_back(dir);
    }
  }
  if (options.target == BuildTarget::variant) {
    record.outputs.push_back(workspace::variant_record_path(bc.build_dir, bc.arch, options.name));
  }
  // The fetched kits' records (written atomically, so a new fetch changes the folder's mtime).
  record.outputs.push_back(workspace::fetched_kits_dir(bc.build_dir, bc.arch));
  // The packages' folders: materialising one replaces it, removing one changes this folder.
  record.outputs.push_back(bc.build_dir / "packages" / arch_name(bc.arch));
  // The artifacts' blobs: the store moves this marker around every removal, so one stat stands
  // for 500 (docs/build.md, "No-op builds").
  record.outputs.push_back(bc.store.removals_marker());
  record.packages = stage.packages().size();
  return record;
}

}  // namespace

BuildSummary run_build(const Context& ctx, const BuildOptions& options, const NoopCheck* noop) {
  return run_build(ctx, options, process::system_runner(), noop);
}

BuildSummary run_build(const Context& ctx, const BuildOptions& options, process::Runner& runner,
                       const NoopCheck* noop) {
  Arch arch = ctx.settings.arch();
  toolchain::BuildToolchains toolchains(
      ctx.project,
      {arch, options.extra_toolchains, ctx.build_dir() / ".osbuild" / "tools" / arch_name(arch),
       ctx.zig_cache_dir(), fs::read_symlink("/proc/self/exe")},
      runner);
  const auto& base = toolchains.base();
  const auto& tc = base.toolchain;
  store::Store store(ctx.cache_dir());
  store::GroupCommit commit(store);
  auto remote = open_remote(ctx, store);
  BuildContext bc{ctx.project,
                  store,
                  runner,
                  tc,
                  base.tool_dir,
                  base.zig_cache,
                  arch,
                  std::max(1L, ctx.settings.integer("jobs")),
                  source_date_epoch(),
                  ctx.build_dir(),
                  sandbox_setting(ctx),
                  nullptr,
                  &commit};
  if (options.explain == Explain::yes && ctx.json()) {
    json_event("build", "sandbox", {{"kind", sandbox_kind_name(bc.sandbox)}});
    json_event(
        "build", "toolchain",
        {{"name", tc.name}, {"version", tc.version}, {"target_platform", tc.target_platform}});
  } else if (options.explain == Explain::yes) {
    std::printf("explain: sandbox: %s\n", std::string(sandbox_kind_name(bc.sandbox)).c_str());
    std::printf("explain: toolchain: %s (%s) for %s\n", tc.name.c_str(), tc.version.c_str(),
                tc.target_platform.c_str());
  }
  for (const auto& name : options.force_packages) {
    ctx.project.package(name);  // an unknown name is an error with the nearest match
  }
  auto graph = graph::PackageGraph::build(ctx.project);
  auto plan = make_build_plan(ctx, options, graph, toolchains);
  FileLock lock = lock_workspace(bc.build_dir);
  WorkTrash trash(bc.build_dir / "work" / ".trash");
  bc.trash = &trash;
  if (noop != nullptr) clear_noop_stamp(*noop);
  process::InterruptGuard guard;
  std::vector<std::string> notes;
  auto actions =
      drop_incompatible(ctx, options, arch, select_actions(options, plan, graph), notes);
  BuildReporter reporter(reporter_mode(ctx), std::string(arch_name(arch)), actions.size());
  if (options.explain == Explain::yes) {
    for (const auto* prepared : toolchains.resolved()) {
      const auto& t = prepared->toolchain;
      if (t.target_values == tc.target_values) continue;  // the run's own, said above
      if (ctx.json()) {
        reporter.event("toolchain", {{"name", t.name},
                                     {"version", t.version},
                                     {"target_constraints", t.identity()["target_constraints"]}});
        continue;
      }
      std::printf("explain: toolchain: %s (%s) for packages with %s\n", t.name.c_str(),
                  t.version.c_str(), t.identity()["target_constraints"].dump().c_str());
    }
  }
  Stage stage(ctx, options, bc, toolchains, std::move(actions), reporter);
  stage.set_remote(remote.get());
  BuildSummary summary = stage.run();
  commit.sync();  // the finished packages' results, before the records that name their artifacts
  reporter.stop();
  double seconds = reporter.elapsed();
  if (options.timings) {
    print_timings(reporter, stage, seconds);
  }
  if (runner.interrupted()) {
    throw Error("build interrupted", "run the build again: finished packages are cached",
                ExitCode::interrupted);
  }
  if (summary.failed > 0) {
    throw Error(fmt::format("build failed: {} of {} packages failed, {} not started",
                            summary.failed, summary.total, summary.skipped),
                fmt::format("see the report above; logs are in {}",
                            (bc.build_dir / "logs" / arch_name(arch)).string()));
  }
  if (options.target == BuildTarget::variant) {
    write_variant_record(ctx, options, bc, stage);
  }
  if (noop != nullptr) {
    write_noop_stamp(*noop, noop_record(options, bc, stage, toolchains, std::move(notes)));
  }
  auto rs = remote ? remote->stats() : store::RemoteStats{};
  if (reporter.mode() == BuildReporter::Mode::json) {
    Json event = {{"packages", summary.total},
                  {"built", summary.built},
                  {"cached", summary.cached},
                  {"seconds", seconds}};
    if (remote) {
      event["remote_cache"] = {{"url", remote->display_url()},  {"local_hits", rs.local_hits},
                               {"remote_hits", rs.remote_hits}, {"misses", rs.misses},
                               {"bytes_down", rs.bytes_down},   {"bytes_up", rs.bytes_up},
                               {"corrupt", rs.corrupt},         {"skipped", !remote->active()}};
    }
    reporter.event("summary", event);
  } else if (reporter.mode() == BuildReporter::Mode::quiet) {
  } else if (summary.built == 0) {
    std::printf("nothing to do: %zu packages up to date\n", summary.total);
  } else {
    std::printf("build: %zu packages: %zu built, %zu up to date in %.1fs\n", summary.total,
                summary.built, summary.cached, seconds);
  }
  if (remote && reporter.mode() != BuildReporter::Mode::json &&
      reporter.mode() != BuildReporter::Mode::quiet) {
    std::printf("remote cache: %llu hits, %llu misses, %llu local hits, %s down, %s up%s\n",
                static_cast<unsigned long long>(rs.remote_hits),
                static_cast<unsigned long long>(rs.misses),
                static_cast<unsigned long long>(rs.local_hits), format_size(rs.bytes_down).c_str(),
                format_size(rs.bytes_up).c_str(), remote->active() ? "" : " (skipped)");
  }
  return summary;
}

}  // namespace osbuild::build
