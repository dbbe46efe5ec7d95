#include "osbuild/image/sbom.h"

#include <fmt/format.h>

#include <chrono>

#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"
#include "osbuild/version.h"

namespace osbuild::image {

namespace {

Json spdx_package(std::string id, const std::string& name, const std::string& version,
                  const std::string& location, const std::string& license) {
  Json p = {{"SPDXID", std::move(id)},
            {"name", name},
            {"downloadLocation", location.empty() ? "NOASSERTION" : location},
            {"filesAnalyzed", false},
            {"licenseConcluded", license.empty() ? "NOASSERTION" : license},
            {"licenseDeclared", license.empty() ? "NOASSERTION" : license},
            {"copyrightText", "NOASSERTION"}};
  if (!version.empty()) p["versionInfo"] = version;
  return p;
}

Json relationship(const std::string& from, const char* type, const std::string& to) {
  return {{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

// The package's sources as SPDX packages, each GENERATED_FROM-linked to it.
void add_sources(const PackageRecord& pkg, const std::string& pkg_id, Json& packages,
                 Json& relationships) {
  int n = 0;
  for (const auto& s : pkg.sources) {
    std::string id = spdx_id("SPDXRef-Source-", pkg.name + "-" + std::to_string(++n));
    Json p = spdx_package(id, s.path, "", s.url, pkg.license);
    p["packageFileName"] = s.path;
    p["checksums"] = Json::array({{{"algorithm", "SHA512"}, {"checksumValue", s.sha512}}});
    p["primaryPackagePurpose"] = "SOURCE";
    packages.push_back(p);
    relationships.push_back(relationship(pkg_id, "GENERATED_FROM", id));
  }
  for (const auto& g : pkg.git) {
    std::string id = spdx_id("SPDXRef-Source-", pkg.name + "-" + std::to_string(++n));
    Json p = spdx_package(id, g.url, g.rev, "git+" + g.url + "@" + g.rev, pkg.license);
    p["primaryPackagePurpose"] = "SOURCE";
    packages.push_back(p);
    relationships.push_back(relationship(pkg_id, "GENERATED_FROM", id));
  }
}

}  // namespace

std::string spdx_id(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '-';
  return out;
}

Json make_sbom(const SbomRequest& req) {
  const std::string os_id = "SPDXRef-OperatingSystem";
  Json packages = Json::array();
  Json relationships = Json::array({relationship("SPDXRef-DOCUMENT", "DESCRIBES", os_id)});
  Json os = spdx_package(os_id, req.os_name, req.version, "", "");
  os["packageFileName"] = req.root_file;
  os["checksums"] = Json::array({{{"algorithm", "SHA512"}, {"checksumValue", req.root_sha512}}});
  os["primaryPackagePurpose"] = "OPERATING-SYSTEM";
  packages.push_back(os);
  for (const auto* pkg : req.packages) {
    std::string id = spdx_id("SPDXRef-Package-", pkg->name);
    std::string location = pkg->sources.empty() ? "" : pkg->sources.front().url;
    Json p = spdx_package(id, pkg->name, pkg->version, location, pkg->license);
    p["checksums"] = Json::array(
        {{{"algorithm", "SHA256"}, {"checksumValue", pkg->artifact}},
         {{"algorithm", "SHA512"}, {"checksumValue", req.artifact_sha512.at(pkg->name)}}});
    p["primaryPackagePurpose"] = "LIBRARY";
    packages.push_back(p);
    relationships.push_back(relationship(os_id, "CONTAINS", id));
    for (const auto& dep : pkg->requires_) {
      relationships.push_back(relationship(id, "DEPENDS_ON", spdx_id("SPDXRef-Package-", dep)));
    }
    add_sources(*pkg, id, packages, relationships);
  }
  std::string digest = sha256_hex(canonical_json({packages, relationships})).substr(0, 32);
  return {{"spdxVersion", "SPDX-2.3"},
          {"dataLicense", "CC0-1.0"},
          {"SPDXID", "SPDXRef-DOCUMENT"},
          {"name", req.document_name},
          {"documentNamespace",
           fmt::format("https://spdx.org/spdxdocs/{}-{}", req.document_name, digest)},
          {"creationInfo",
           {{"created", format_rfc3339(std::chrono::sys_seconds(std::chrono::seconds(req.epoch)))},
            {"creators", Json::array({std::string("Tool: osbuild-") + OSBUILD_VERSION})}}},
          {"documentDescribes", Json::array({os_id})},
          {"packages", packages},
          {"relationships", relationships}};
}

}  // namespace osbuild::image
