#pragma once
// The typed project model: every file of a user's project (docs/formats.md), loaded and validated.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/config/toolchains.h"
#include "osbuild/util/arch.h"
#include "osbuild/util/semver.h"
#include "osbuild/util/units.h"

namespace osbuild::config {

namespace fs = std::filesystem;

// Where a value was written, for messages: "packages/zlib/package.toml:12:3".
struct SourceLocation {
  fs::path file;
  int line = 0;
  int column = 0;
  std::string str() const;
};

// ---- osbuild.toml --------------------------------------------------------------------------
struct Vendor {
  std::string name;
  std::string registry;  // "127.0.0.1:5000/osbuild"
  bool insecure = false;  // plain http for a registry that is not on loopback
  SourceLocation where;
};

struct KitRequirement {
  std::string name;
  VersionReq version;
  std::string vendor;
  // Packages of this kit that a local package of the same name replaces (docs/kits.md).
  std::vector<std::string> override_packages;
  SourceLocation where;
};

struct SourcesSettings {
  std::vector<std::string> lookaside;      // URLs: file:// or http(s)://, tried in order
  std::optional<bool> upstream_fallback;   // unset: built-in default (false)
};

struct CacheSettings {
  std::optional<std::string> dir;
  std::optional<std::uint64_t> max_size;
  std::optional<std::string> max_size_text;
  std::optional<std::string> remote;
  std::optional<bool> remote_upload;
};

struct ProjectFile {
  fs::path path;  // absolute path of osbuild.toml
  int schema_version = 1;
  std::string name;
  Version release_version;
  SourceLocation release_version_where;
  std::map<std::string, Vendor> vendors;
  std::vector<KitRequirement> kits;
  SourcesSettings sources;
  CacheSettings cache;
  config::ToolchainConfig toolchains;  // platforms, constraints and toolchains it declares
};

// ---- packages/<name>/package.toml ----------------------------------------------------------
struct ExternalFile {
  std::string url;
  std::string sha512;        // 128 lowercase hex digits
  std::string path;          // file name; defaults to the last component of the URL
  bool force_upstream = false;
  std::optional<bool> unpack;  // unset: the first archive is unpacked
  SourceLocation where;
};

struct GitSource {
  std::string url;
  std::string rev;   // 40 lowercase hex digits
  std::string name;  // folder under $OSBUILD_SOURCES; defaults to the repository name
  SourceLocation where;
};

enum class BuildSystem { cmake, autotools, make, script };
std::string_view build_system_name(BuildSystem system);

struct BuildStep {
  std::string name;
  std::vector<std::string> inputs;  // paths relative to the package folder; empty: everything
  std::string run;
  SourceLocation where;
};

struct PackageBuild {
  BuildSystem system = BuildSystem::make;
  std::string script;  // for BuildSystem::script, relative to the package folder
  std::vector<std::string> target_compatible_with;
  // Constraint values that replace the target platform's values of the same settings for this
  // package's builds only ("compiler:gcc", "libc:gnu"): Bazel's platform transition.
  std::vector<std::string> constraint_values;
  std::map<std::string, std::string> env;
  std::vector<BuildStep> steps;
  std::vector<std::string> patches;  // relative to the package folder, applied in order
};

// Where a package that is not built here comes from: a kit fetched by `osbuild fetch`.
struct KitOrigin {
  std::string kit;
  std::string kit_version;
  std::string vendor;
  std::string artifact;  // sha256 of the artifact tar in the store, the kit's layer
};

struct Package {
  std::string name;
  Version version;
  std::string license;
  // The build sees the OS name and release version ($OSBUILD_OS_NAME, $OSBUILD_RELEASE_VERSION),
  // so they enter its key; other packages do not rebuild when the release version changes.
  bool uses_release_version = false;
  std::vector<std::string> depends;      // build-time
  std::vector<std::string> runtime_requires;  // `requires`: run-time
  std::vector<std::string> source_groups;
  std::vector<ExternalFile> external_files;
  std::vector<GitSource> git_sources;
  PackageBuild build;
  std::optional<KitOrigin> kit;  // set for a package of a fetched kit: nothing to build
  fs::path dir;       // absolute folder of package.toml
  fs::path manifest;  // absolute path of package.toml
  // "name", "version", "depends", "requires", "build.system", … → where they were written; each
  // list element as "depends[0]", "requires[1]", "build.patches[0]", …
  std::map<std::string, SourceLocation> where;
};

// ---- kits/<name>/kit.toml ------------------------------------------------------------------
struct Kit {
  std::string name;
  std::string vendor;
  std::vector<std::string> included_packages;
  fs::path manifest;
  SourceLocation included_where;
  std::map<std::string, SourceLocation> where;  // "name", "vendor", "included-packages[0]", …
};

// ---- variants/<name>/variant.toml ----------------------------------------------------------
enum class ImageFormat { raw, qcow2, vmdk };
enum class RootFilesystem { erofs, squashfs, ext4 };
enum class PartitionPlan { split, unified };
std::string_view image_format_name(ImageFormat f);
std::string_view root_filesystem_name(RootFilesystem f);
std::string_view partition_plan_name(PartitionPlan p);

struct ImageSettings {
  ImageFormat format = ImageFormat::raw;
  RootFilesystem root_filesystem = RootFilesystem::erofs;
  std::uint32_t os_image_size_mib = 512;
  std::uint32_t data_image_size_mib = 256;
  PartitionPlan partition_plan = PartitionPlan::split;
  bool in_place_updates = true;
};

struct Variant {
  std::string name;
  std::vector<std::string> included_packages;
  std::vector<Arch> supported_arches;  // empty: every arch
  std::vector<std::string> kernel_parameters;
  ImageSettings image;
  fs::path manifest;
  SourceLocation included_where;
  std::map<std::string, SourceLocation> where;  // "name", "included-packages[0]", …
};

// ---- Release.toml --------------------------------------------------------------------------
struct Migration {
  Version from;
  Version to;
  std::vector<std::string> files;
  SourceLocation where;
};

struct Release {
  fs::path path;
  Version version;
  SourceLocation version_where;
  std::vector<Migration> migrations;  // sorted by (from, to)
};

// ---- Infra.toml ----------------------------------------------------------------------------
struct RepoConfig {
  std::string name;
  std::optional<std::string> root_role_url;
  std::optional<std::string> root_role_sha512;
  std::optional<fs::path> signing_key_file;  // signing_keys = { file = { path = "…" } }
  std::optional<std::string> metadata_base_url;
  std::optional<std::string> targets_url;
  std::optional<std::uint32_t> root_key_threshold;
  std::optional<std::uint32_t> pub_key_threshold;
  SourceLocation where;
};

struct Infra {
  fs::path path;
  std::map<std::string, RepoConfig> repos;
  std::map<std::string, Vendor> vendors;
};

// ---- repo-expirations.toml and waves.toml --------------------------------------------------
struct ExpirationPolicy {
  fs::path path;  // empty for the built-in default
  TimeSpec snapshot;
  TimeSpec targets;
  TimeSpec timestamp;
};

struct Wave {
  TimeSpec start_after;
  std::uint32_t fleet_percentage = 0;
};

struct WavePolicy {
  fs::path path;  // empty for the built-in default
  std::vector<Wave> waves;
};

// ---- the whole project ---------------------------------------------------------------------
struct Project {
  fs::path root;  // folder holding osbuild.toml
  ProjectFile file;
  std::optional<Release> release;
  std::optional<Infra> infra;
  std::optional<ExpirationPolicy> expirations;  // the project's file, when present
  std::optional<WavePolicy> waves;              // the project's file, when present
  std::map<std::string, Package> packages;
  std::map<std::string, Kit> kits;
  std::map<std::string, Variant> variants;

  const Package& package(const std::string& name) const;  // throws with a suggestion
  const Variant& variant(const std::string& name) const;  // throws with a suggestion
  const Kit& kit(const std::string& name) const;          // throws with a suggestion
};

}  // namespace osbuild::config
