#include "state.h"

#include "osbuild/build/build.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"
#include "osbuild/workspace/records.h"

namespace osbuild::build {

StateFile::StateFile(const std::filesystem::path& build_dir, Arch arch, const std::string& package)
    : m_path(workspace::package_state_path(build_dir, arch, package)) {}

std::optional<Json> StateFile::read() const {
  auto text = read_file(m_path);
  if (!text.ok()) {
    return std::nullopt;
  }
  Json doc = Json::parse(text.value(), nullptr, false);
  return doc.is_object() ? std::optional<Json>(doc) : std::nullopt;
}

void StateFile::write(const std::string& key, const std::string& artifact, const Json& inputs,
                      std::optional<double> seconds) const {
  std::filesystem::create_directories(m_path.parent_path());
  if (!seconds) seconds = this->seconds();
  Json doc = {{"key", key}, {"artifact", artifact}, {"inputs", inputs}};
  if (seconds) doc["seconds"] = *seconds;
  write_file_atomic(m_path, doc.dump(1) + "\n", Durability::cache);
  write_file_atomic(artifact_path(), artifact + "\n", Durability::cache);
}

std::optional<double> StateFile::seconds() const {
  auto doc = read();
  if (!doc || !doc->is_object() || !doc->contains("seconds") || !(*doc)["seconds"].is_number()) {
    return std::nullopt;
  }
  return (*doc)["seconds"].get<double>();
}

std::filesystem::path StateFile::artifact_path() const {
  auto path = m_path;
  return path.replace_extension(".artifact");
}

std::string StateFile::artifact() const {
  auto text = read_file(artifact_path());
  return text.ok() ? std::string(trim(text.value())) : std::string();
}

namespace {

std::string short_digest(const Json& value) {
  if (value.is_string() && is_lower_hex(value.get<std::string>(), 64)) {
    return value.get<std::string>().substr(0, 12);
  }
  return sha256_hex(canonical_json(value)).substr(0, 12);
}

}  // namespace

std::string explain_reason(const std::optional<Json>& previous, const Json& inputs) {
  if (!previous || !previous->contains("inputs")) {
    return "no cached result";
  }
  const Json& old = (*previous)["inputs"];
  std::vector<std::string> changes;
  for (const auto& [field, value] : inputs.items()) {
    Json before = old.contains(field) ? old[field] : Json(nullptr);
    if (before == value) {
      continue;
    }
    if (field == "depends" && value.is_object() && before.is_object()) {
      for (const auto& [dep, digest] : value.items()) {
        Json was = before.contains(dep) ? before[dep] : Json(nullptr);
        if (was != digest) {
          changes.push_back("output of " + dep + " changed (" + short_digest(was) + " → " +
                            short_digest(digest) + ")");
        }
      }
      continue;
    }
    changes.push_back(field + " changed (" + short_digest(before) + " → " + short_digest(value) +
                      ")");
  }
  return changes.empty() ? "no cached result (the cache no longer holds it)" : join(changes, ", ");
}

}  // namespace osbuild::build
