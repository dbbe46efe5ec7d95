#pragma once
// The files one stage leaves under build/ for the next, each with one owner: its path, its
// reader and its writer live here, and no stage parses another stage's output by hand.
//
//   build/.osbuild/variants/<arch>/<variant>.json   build → image     (VariantRecord)
//   build/.osbuild/state/<arch>/<package>.json      build → build kit (the package's last build)
//   build/images/<arch>-<variant>/<version>/image.json  image → repo, release (ImageRecord)
//   build/external-kits/<arch>/<kit>.json           fetch → kit packages (FetchedKit)
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/util/arch.h"
#include "osbuild/util/json.h"

namespace osbuild::workspace {

namespace fs = std::filesystem;

// ---- the variant record: what `build variant` leaves for `image` -----------------------------
struct SourceRef {
  std::string url;
  std::string path;
  std::string sha512;
};

struct GitRef {
  std::string url;
  std::string rev;
};

struct PackageRecord {
  std::string name;
  std::string version;
  std::string license;
  std::string artifact;  // sha256 of artifact.tar in the store
  std::string manifest;  // sha256 of manifest.json in the store
  std::vector<std::string> depends;
  std::vector<std::string> requires_;
  std::vector<SourceRef> sources;
  std::vector<GitRef> git;
};

struct VariantRecord {
  fs::path path;  // where it was read from; empty for one not yet written
  std::string variant;
  std::string arch;
  std::int64_t source_date_epoch = 0;
  std::string os_name;
  std::string release_version;
  std::string toolchain;
  std::string sandbox;  // the sandbox the packages were built in: "sealed" or "unshare"
  std::vector<std::string> included_packages;  // without those skipped for the platform
  std::map<std::string, PackageRecord> packages;
};

fs::path variant_record_path(const fs::path& build_dir, Arch arch, const std::string& variant);
// Reads the record; a missing one is an error that names the build command to run.
VariantRecord read_variant_record(const fs::path& build_dir, Arch arch, const std::string& variant);
VariantRecord parse_variant_record(const Json& doc, const fs::path& path);
Json variant_record_json(const VariantRecord& record);
// Written durably: the image stage trusts it.
void write_variant_record(const fs::path& build_dir, Arch arch, const VariantRecord& record);

// ---- a package's last build: what `build kit` gathers ------------------------------------------
fs::path package_state_path(const fs::path& build_dir, Arch arch, const std::string& package);
// The artifact digest the package's last build recorded; an error naming the build to run when
// there is none.
std::string built_artifact(const fs::path& build_dir, Arch arch, const std::string& package);

// ---- image.json: what `image` leaves for `repo` and `release` -------------------------------
fs::path images_dir(const fs::path& build_dir, Arch arch, const std::string& variant);
fs::path image_dir(const fs::path& build_dir, Arch arch, const std::string& variant,
                   const std::string& version);

struct ImageRecord {
  fs::path path;  // .../image.json
  std::string key;
  std::map<std::string, std::string> files;   // role (disk, data, boot, root, verity, sbom) → name
  std::map<std::string, std::string> sha256;  // file name → digest
  Json doc;                                   // the whole document, for what is not typed here
  fs::path dir() const { return path.parent_path(); }
  // The file of a role beside image.json; empty when the image has none.
  fs::path file(const std::string& role) const;
};

// The record in `dir`; nullopt when there is none or it is not an image description.
std::optional<ImageRecord> find_image_record(const fs::path& dir);
// The record in `dir`; an Error naming the file and `rebuild` (the command to run) otherwise.
// Every file it names must be a plain name beside image.json, and present.
ImageRecord read_image_record(const fs::path& dir, const std::string& rebuild);
ImageRecord parse_image_record(const Json& doc, const fs::path& path, const std::string& rebuild);

// ---- fetched kits: what `fetch` leaves for the kit packages ---------------------------------
fs::path fetched_kits_dir(const fs::path& build_dir, Arch arch);
fs::path fetched_kit_path(const fs::path& build_dir, Arch arch, const std::string& kit);
// The record's JSON; nullopt when it is missing or not JSON.
std::optional<Json> read_fetched_kit(const fs::path& build_dir, Arch arch, const std::string& kit);
void write_fetched_kit(const fs::path& build_dir, Arch arch, const std::string& kit,
                       const Json& doc);

}  // namespace osbuild::workspace
