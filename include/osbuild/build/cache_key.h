#pragma once
// How the build stage keys a package's build and finds its result in the local store: one rule,
// used by the stage itself and by `osbuild plan` to mark what is cached (docs/action-keys.md).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "osbuild/config/model.h"
#include "osbuild/graph/plan.h"
#include "osbuild/store/store.h"
#include "osbuild/util/json.h"

namespace osbuild::build {

// SOURCE_DATE_EPOCH from the environment, else the stage's default (2023-11-14); it enters every
// build key and every artifact's timestamps.
std::int64_t source_date_epoch();

// A dependency's artifact digest, or nullopt when it has none (yet).
using ArtifactOf = std::function<std::optional<std::string>(const std::string& package)>;

// The inputs a package's build is keyed by: the plan's inputs with each dependency replaced by
// its artifact digest (early cutoff: a rebuilt dependency with the same output changes nothing)
// and the epoch. nullopt when a dependency has no artifact.
std::optional<Json> build_inputs(const graph::Action& action, const ArtifactOf& artifact_of,
                                 std::int64_t epoch);

struct StoredOutputs {
  std::string artifact;
  std::string manifest;
};
// The outputs the action result under `key` names, when its artifact blob is present.
std::optional<StoredOutputs> stored_outputs(store::Store& store, const std::string& key);

// The artifact a package comes from without being built: a kit package's layer when the store
// holds it, else the stored result of its build key. `artifacts` holds what its dependencies
// came to; nullopt when one of them is missing there or nothing is stored.
std::optional<std::string> cached_artifact(const config::Project& project, store::Store& store,
                                           const graph::Action& action,
                                           const std::map<std::string, std::string>& artifacts,
                                           std::int64_t epoch);

}  // namespace osbuild::build
