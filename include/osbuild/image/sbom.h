#pragma once
// The image's SPDX 2.3 JSON document: one package for the OS image, one per package it contains
// (its license, version and artifact checksums), one per source each was built from (download
// URL and sha512), and the relationships between them. Nothing in it depends on when or where it
// was made: the creation time is SOURCE_DATE_EPOCH and the namespace a digest of the contents.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "osbuild/image/record.h"
#include "osbuild/util/json.h"

namespace osbuild::image {

struct SbomRequest {
  std::string document_name;  // <name>-<variant>-<arch>-<version>
  std::string os_name;
  std::string version;
  std::int64_t epoch = 0;
  std::string root_file;  // the root file system image the OS package stands for
  std::string root_sha512;
  std::vector<const PackageRecord*> packages;
  std::map<std::string, std::string> artifact_sha512;  // package name → sha512 of artifact.tar
};

Json make_sbom(const SbomRequest& req);

// "SPDXRef-" followed by the name with anything outside [A-Za-z0-9.-] turned into '-'.
std::string spdx_id(std::string_view prefix, std::string_view name);

}  // namespace osbuild::image
