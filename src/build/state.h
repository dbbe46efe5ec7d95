#pragma once
// The last build of each package (build/.osbuild/state/<arch>/<package>.json): its key, artifact
// and inputs, so that --explain can say which input changed, and how long the build took, so that
// the next build can start its longest chains first.
#include <filesystem>
#include <optional>
#include <string>

#include "osbuild/util/arch.h"
#include "osbuild/util/json.h"

namespace osbuild::build {

class StateFile {
 public:
  StateFile(const std::filesystem::path& build_dir, Arch arch, const std::string& package);
  std::optional<Json> read() const;
  // `seconds`: how long the build ran; without it (a result from the cache) the recorded time of
  // the last real build is kept.
  void write(const std::string& key, const std::string& artifact, const Json& inputs,
             std::optional<double> seconds = std::nullopt) const;
  // The seconds the last real build of the package took, when one was recorded.
  std::optional<double> seconds() const;
  // The recorded artifact digest alone, from a small file beside the record: a no-op build reads
  // it for every package, the full record only when --explain asks.
  std::string artifact() const;
  std::filesystem::path artifact_path() const;

 private:
  std::filesystem::path m_path;
};

// Why a package with these inputs runs: "no cached result", or the inputs that changed since
// the recorded build with old and new digests.
std::string explain_reason(const std::optional<Json>& previous, const Json& inputs);

}  // namespace osbuild::build
