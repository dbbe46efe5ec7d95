#pragma once
// The kit artifact format (docs/kits.md), in one place: what `osbuild publish kit` pushes to a
// registry and `osbuild update` and `osbuild fetch` read back. A kit version is an OCI image
// index tagged v<version>, with one manifest per arch; each manifest has the kit config blob
// (every package with version, license, digest, size and requires, and the kits it needs) and one
// layer per package artifact.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/config/kits.h"
#include "osbuild/util/arch.h"
#include "osbuild/util/json.h"

namespace osbuild::kit {

inline constexpr std::string_view k_layer_media_type =
    "application/vnd.osbuild.package.layer.v1.tar";
inline constexpr std::string_view k_config_media_type =
    "application/vnd.osbuild.kit.config.v1+json";
// On manifests and indexes; the arch annotation on manifests only.
inline constexpr std::string_view k_name_annotation = "org.osbuild.kit.name";
inline constexpr std::string_view k_version_annotation = "org.osbuild.kit.version";
inline constexpr std::string_view k_arch_annotation = "org.osbuild.kit.arch";
// On each layer: the package it holds.
inline constexpr std::string_view k_title_annotation = "org.opencontainers.image.title";

// "amd64" / "arm64", as OCI platforms name them.
std::string oci_arch(Arch arch);

// [{name, version, vendor}], as the kit config blob carries a kit's own [[kit]] requirements.
Json kits_json(const std::vector<config::KitDependency>& kits);
std::vector<config::KitDependency> kits_from_json(const Json& kits);

// ---- the kit config blob -------------------------------------------------------------------
struct ConfigPackage {
  std::string name;
  std::string version;
  std::string license;
  std::string digest;  // "sha256:<hex>" of the package's artifact: its layer
  std::uint64_t size = 0;
  std::vector<std::string> requires_;
  friend bool operator==(const ConfigPackage&, const ConfigPackage&) = default;
};

struct KitConfig {
  std::string name;
  std::string version;
  std::string vendor;
  Arch arch = Arch::x86_64;
  std::vector<ConfigPackage> packages;
  std::vector<config::KitDependency> kits;
};

// The blob is canonical_json() of this document (schema-version 1).
Json config_json(const KitConfig& config);
// [{name, version, license, digest, size, requires}], as the blob and the fetched record hold them.
Json packages_json(const std::vector<ConfigPackage>& packages);
// Reads a config blob; `what` names it in errors ("config sha256:… of host/repo"). A document
// that is not a kit config throws (exit code 3), with a hint to republish.
KitConfig parse_config(const Json& doc, const std::string& what);

// ---- manifests and indexes -----------------------------------------------------------------
// The manifest of one arch: the config blob and one layer per package, in the config's order.
Json manifest_json(const KitConfig& config, const std::string& config_digest,
                   std::uint64_t config_size);
// The config blob's digest a manifest names; empty when it names none.
std::string config_digest_of(const Json& manifest);
// The digests of a manifest's layers.
std::vector<std::string> layer_digests(const Json& manifest);

// The index for a kit's tag: the manifests of other arches in `existing` (the index already at
// the tag, or null) kept, the one of `arch` added or replaced; sorted by arch.
Json index_json(const std::string& name, const std::string& version, const Json& existing,
                Arch arch, const std::string& manifest_digest, std::uint64_t manifest_size);
// The digest of `arch`'s manifest in an index; nullopt when it has none.
std::optional<std::string> manifest_of(const Json& index, Arch arch);
// The OCI arches an index has manifests for, in its order.
std::vector<std::string> index_arches(const Json& index);

}  // namespace osbuild::kit
