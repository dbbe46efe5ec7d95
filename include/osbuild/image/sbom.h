#pragma once
// The image's SPDX 2.3 JSON document: one package for the OS image, one per package it contains
// (its license, version, artifact checksums, supplier and purl), one per package linked statically
// into those (its files are not in the image, its code is), one per source each was built from
// (download URL and sha512), and the relationships between them. Nothing in it depends on when or
// where it was made: the creation time is SOURCE_DATE_EPOCH and the namespace a digest of the
// contents. It validates against the SPDX 2.3 JSON schema (tests/data/spdx/).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/image/record.h"
#include "osbuild/util/json.h"

namespace osbuild::image {

// `from`, a package of the image, holds `to`'s static library in its programs.
struct StaticLink {
  std::string from;
  std::string to;
  bool operator==(const StaticLink&) const = default;
};

struct SbomRequest {
  std::string document_name;  // <name>-<variant>-<arch>-<version>
  std::string os_name;
  std::string version;
  std::int64_t epoch = 0;
  std::string root_file;  // the root file system image the OS package stands for
  std::string root_sha512;
  std::vector<const PackageRecord*> packages;          // in the image: the run-time closure
  std::map<std::string, std::string> artifact_sha512;  // package name → sha512 of artifact.tar
  std::vector<const PackageRecord*> linked;            // linked in statically, not in the image
  std::vector<StaticLink> static_links;
};

Json make_sbom(const SbomRequest& req);

// What a package's artifact.tar holds that tells static linking apart: an ELF file (a program
// or shared object), and a static library (a regular file named *.a that is an ar archive).
struct ArtifactKinds {
  bool elf = false;
  bool static_library = false;
};
ArtifactKinds artifact_kinds(const std::filesystem::path& artifact_tar);

// The static links of the image's packages, sorted. A package links another statically when it
// names it in `depends` (the build dependencies its sysroot holds), its own artifact holds an ELF
// file and the other's holds a static library. `kinds` reads a package's artifact.
std::vector<StaticLink> find_static_links(
    const VariantRecord& record, const std::vector<const PackageRecord*>& closure,
    const std::function<ArtifactKinds(const PackageRecord&)>& kinds);

// Fills req.static_links, req.linked (the linked packages outside req.packages, by name) and
// their artifacts' sha512, reading artifacts through `artifact` (the path of a package's
// artifact.tar).
void add_static_links(SbomRequest& req, const VariantRecord& record,
                      const std::function<std::filesystem::path(const PackageRecord&)>& artifact);

// The package URL of a package whose upstream is known, empty otherwise: pkg:github/owner/repo@rev
// for a git source on GitHub, else pkg:generic/<name>@<version> with the first external file's
// download_url (http, https or ftp), else with the git source's vcs_url.
std::string package_purl(const PackageRecord& pkg);

// "SPDXRef-" followed by the name with anything outside [A-Za-z0-9.-] turned into '-'.
std::string spdx_id(std::string_view prefix, std::string_view name);

}  // namespace osbuild::image
