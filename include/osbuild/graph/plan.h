#pragma once
// The action graph of one variant for one arch: fetch each source, build each package, make the
// image, publish it. `osbuild plan` prints it; the stages execute it.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/config/model.h"
#include "osbuild/graph/package_graph.h"
#include "osbuild/util/json.h"

namespace osbuild::graph {

enum class ActionKind { fetch, build, image, repo };
std::string_view action_kind_name(ActionKind kind);

struct Action {
  ActionKind kind;
  std::string name;              // "zlib", "zlib_1.3.orig.tar.gz", "dev"
  std::string detail;            // a short human description: version, URL, format
  std::string key;               // action_key(kind, inputs)
  std::vector<std::size_t> deps; // indices of actions that must finish first
  Json inputs;                   // what the key hashes, for --json and --explain
  // Whether the local store holds the action's result; nullopt when it was not looked up
  // (`osbuild plan` marks them: src/pipeline/plan_cache.cpp).
  std::optional<bool> cached;
};

struct Plan {
  std::string variant;
  Arch arch = Arch::x86_64;
  std::vector<Action> actions;  // dependencies before dependents
  std::string cache_note;       // why some actions were not looked up in the store; may be empty
};

struct PlanRequest {
  std::string variant;
  Arch arch = Arch::x86_64;
  // The target platform's identity as the toolchain stage resolves it (compiler, version, rules);
  // it enters every build key.
  Json toolchain = Json::object();
  // When set, the identity of the toolchain one package builds with (its build.constraint-values
  // may resolve another one); it enters that package's key instead of `toolchain`.
  std::function<Json(const config::Package&)> toolchain_of;
  // The build sandbox (the `sandbox` setting): a build made with weaker isolation is another
  // build, never a cache hit for a sealed one.
  std::string sandbox = "sealed";
};

Plan make_plan(const config::Project& project, const PackageGraph& graph, const PlanRequest& req);

std::string format_plan(const Plan& plan);
Json plan_to_json(const Plan& plan);

}  // namespace osbuild::graph
