#pragma once
// What the build stage leaves for the image stage: build/.osbuild/variants/<arch>/<variant>.json,
// the packages built for the variant with their artifact digests, versions, licenses and sources.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "osbuild/util/arch.h"
#include "osbuild/util/json.h"

namespace osbuild::image {

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

struct BuildRecord {
  std::filesystem::path path;
  std::string variant;
  std::string arch;
  std::int64_t source_date_epoch = 0;
  std::string os_name;
  std::string release_version;
  std::vector<std::string> included_packages;
  std::map<std::string, PackageRecord> packages;
};

std::filesystem::path build_record_path(const std::filesystem::path& build_dir,
                                        const std::string& variant, Arch arch);

// Reads the record; a missing one is an error that names the build command to run.
BuildRecord read_build_record(const std::filesystem::path& build_dir, const std::string& variant,
                              Arch arch);
BuildRecord parse_build_record(const Json& doc, const std::filesystem::path& path);

// The run-time closure of the included packages over `requires`, sorted by name.
std::vector<const PackageRecord*> runtime_closure(const BuildRecord& record);

}  // namespace osbuild::image
