#pragma once
// What an update agent reads from the root file system, as Bottlerocket's updog does
// (docs/image.md, "Update agent files"): the trusted root of the repository the image will be
// published to, where that repository is served, and osbuild's own identity record of the image.
#include <string>

#include "osbuild/image/tree.h"
#include "osbuild/util/arch.h"

namespace osbuild::image {

// The repository an image is published to, as the pipeline resolved it (the repo module's
// resolution: --repo / PUBLISH_REPO, Infra.toml's [repo.<name>], its trusted root).
struct RepoTrust {
  std::string name;               // "default"
  std::string root_json;          // the trusted root.json, byte for byte
  std::string metadata_base_url;  // [repo.<name>] metadata_base_url; empty when not set
  std::string targets_url;        // [repo.<name>] targets_url; empty when not set
};

struct UpdateIdentity {
  std::string os_name;
  std::string variant;
  Arch arch = Arch::x86_64;
  std::string version;
  RepoTrust repo;
};

// /etc/updog.toml: metadata_base_url (<base>/<variant>/<arch>/) and targets_base_url (<url>/)
// when the repository has them, version_lock = "latest", ignore_waves = false.
std::string updog_toml(const UpdateIdentity& id);
// /usr/share/updog/image.json: {"name","variant","arch","version","repo"} in that order, compact,
// with a newline at the end.
std::string image_identity_json(const UpdateIdentity& id);
// The three files with their paths in the root tree.
TreeFiles update_files(const UpdateIdentity& id);

}  // namespace osbuild::image
