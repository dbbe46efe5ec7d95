#pragma once
// The repository an image will be published to, resolved as `osbuild repo` resolves it, for the
// image stage to put its trusted root into the image (docs/image.md, "Update agent files").
#include <optional>
#include <string>

#include "osbuild/workspace/context.h"

namespace osbuild::repo {

struct PublishTrust {
  std::string repo;       // --repo / PUBLISH_REPO, default "default"
  std::string root_json;  // the trusted root, byte for byte
  std::string origin;     // root_role_url or roles/<repo>.root.json, for messages
  std::optional<std::string> metadata_base_url;  // Infra.toml [repo.<repo>]
  std::optional<std::string> targets_url;
};

// The trusted root of the repository: root_role_url (checked against root_role_sha512), else
// roles/<repo>.root.json, else the development default `osbuild repo` makes (a key at the signing
// key path and a one-key root, with the same warning). The root is parsed as root metadata.
PublishTrust publish_trust(const Context& ctx);

}  // namespace osbuild::repo
