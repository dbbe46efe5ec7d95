// The build key of a package and the result stored under it (include/osbuild/build/cache_key.h).
#include "osbuild/build/cache_key.h"

#include <cstdlib>

#include "osbuild/graph/action_key.h"

namespace osbuild::build {

namespace {

constexpr std::int64_t k_default_epoch = 1700000000;  // 2023-11-14, as examples/check-build.sh

}  // namespace

std::int64_t source_date_epoch() {
  const char* text = std::getenv("SOURCE_DATE_EPOCH");
  return text != nullptr && *text != '\0' ? std::strtoll(text, nullptr, 10) : k_default_epoch;
}

std::optional<Json> build_inputs(const graph::Action& action, const ArtifactOf& artifact_of,
                                 std::int64_t epoch) {
  Json inputs = action.inputs;
  for (auto& [name, value] : inputs["depends"].items()) {
    auto artifact = artifact_of(name);
    if (!artifact) return std::nullopt;
    value = *artifact;
  }
  inputs["source-date-epoch"] = epoch;
  return inputs;
}

std::optional<StoredOutputs> stored_outputs(store::Store& store, const std::string& key) {
  auto result = store.get_action(key);
  if (!result || !result->contains("outputs")) return std::nullopt;
  StoredOutputs out;
  for (const auto& output : (*result)["outputs"]) {
    std::string path = output.value("path", "");
    (path == "artifact.tar" ? out.artifact : out.manifest) = output.value("digest", "");
  }
  if (out.artifact.empty() || !store.has_blob(out.artifact)) return std::nullopt;
  return out;
}

std::optional<std::string> cached_artifact(const config::Project& project, store::Store& store,
                                           const graph::Action& action,
                                           const std::map<std::string, std::string>& artifacts,
                                           std::int64_t epoch) {
  if (const auto& kit = project.package(action.name).kit) {
    return store.has_blob(kit->artifact) ? std::optional(kit->artifact) : std::nullopt;
  }
  auto inputs = build_inputs(
      action,
      [&artifacts](const std::string& name) -> std::optional<std::string> {
        auto found = artifacts.find(name);
        return found == artifacts.end() ? std::nullopt : std::optional(found->second);
      },
      epoch);
  if (!inputs) return std::nullopt;
  auto outputs = stored_outputs(store, graph::action_key("build", *inputs));
  return outputs ? std::optional(outputs->artifact) : std::nullopt;
}

}  // namespace osbuild::build
