#pragma once
// The root tree as an OCI image layout (docs/image.md, "Container image (--oci)"):
// build/images/oci-<variant>/ holds `oci-layout`, `index.json` and `blobs/sha256/`. Each package
// of the run-time closure is one uncompressed layer, its artifact tar as is, in dependency order;
// a last layer carries what the image stage writes into the root tree: os-release when no package
// installs it, and the update agent's files (updog.h). index.json names one image index
// per release version (annotation org.opencontainers.image.ref.name = the version), and that index
// holds one manifest per architecture built, so `oci:<dir>:<version>` is a multi-arch image.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/image/record.h"
#include "osbuild/image/tree.h"
#include "osbuild/util/arch.h"
#include "osbuild/util/json.h"

namespace osbuild::image {

inline constexpr std::string_view k_oci_layer_type = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view k_oci_config_type = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view k_oci_manifest_type =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_oci_index_type = "application/vnd.oci.image.index.v1+json";

// Go's GOARCH name, which OCI platforms use: amd64, arm64.
std::string_view goarch(Arch arch);
// SOURCE_DATE_EPOCH as RFC 3339 in UTC: "2023-11-14T22:13:20Z".
std::string rfc3339(std::int64_t epoch);

// The closure ordered so that every package comes after the packages it requires; among those
// free to go next, by name. A `requires` cycle is broken at the smallest name.
std::vector<const PackageRecord*> dependency_order(
    const std::vector<const PackageRecord*>& closure);

struct OciLayer {
  std::string digest;  // sha256 hex of the uncompressed tar, so also its diff_id
  std::uint64_t size = 0;
  std::string created_by;  // "osbuild package <name> <version>"
};

struct OciImage {
  Arch arch = Arch::x86_64;
  std::string os_name;
  std::string variant;
  std::string version;
  std::int64_t epoch = 0;
  std::vector<OciLayer> layers;
};

// The image configuration (application/vnd.oci.image.config.v1+json).
Json oci_config(const OciImage& image);
// The image manifest, given the digest and size of the configuration blob.
Json oci_manifest(const OciImage& image, const std::string& config_digest,
                  std::uint64_t config_size);
// `index` (an image index) with the entry for `manifest`'s platform added or replaced; entries
// sorted by architecture, so the order the arches were built in does not matter.
Json merge_platform(Json index, const Json& manifest_descriptor);

struct OciRequest {
  std::filesystem::path dir;  // build/images/oci-<variant>
  OciImage image;             // layers are filled in by write_oci_layout
  // The packages in layer order with their artifact tars (verified, in the store).
  std::vector<std::pair<const PackageRecord*, std::filesystem::path>> packages;
  TreeFiles files;  // the files the image stage adds (update_files), in the last layer
};

struct OciResult {
  std::string manifest_digest;
  std::string index_digest;  // the per-version image index index.json names
  std::size_t layers = 0;
  bool os_release_layer = false;
};

// Writes (or updates) the layout: blobs first, each atomically, index.json last; blobs no longer
// reachable from index.json are removed. Same inputs, same bytes.
OciResult write_oci_layout(const OciRequest& request);

}  // namespace osbuild::image
