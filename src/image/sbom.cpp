#include "osbuild/image/sbom.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <set>

#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"
#include "osbuild/version.h"

namespace osbuild::image {

namespace fs = std::filesystem;

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

// SPDX's agent syntax: the project that builds the OS supplies what is in it.
std::string supplier(const std::string& os_name) {
  return os_name.empty() ? "NOASSERTION" : "Organization: " + os_name + " project";
}

// The package's sources as SPDX packages, each GENERATED_FROM-linked to it. Who supplied the
// upstream files is not recorded: NOASSERTION.
void add_sources(const PackageRecord& pkg, const std::string& pkg_id, Json& packages,
                 Json& relationships) {
  int n = 0;
  for (const auto& s : pkg.sources) {
    std::string id = spdx_id("SPDXRef-Source-", pkg.name + "-" + std::to_string(++n));
    Json p = spdx_package(id, s.path, "", s.url, pkg.license);
    p["packageFileName"] = s.path;
    p["checksums"] = Json::array({{{"algorithm", "SHA512"}, {"checksumValue", s.sha512}}});
    p["primaryPackagePurpose"] = "SOURCE";
    p["supplier"] = "NOASSERTION";
    packages.push_back(p);
    relationships.push_back(relationship(pkg_id, "GENERATED_FROM", id));
  }
  for (const auto& g : pkg.git) {
    std::string id = spdx_id("SPDXRef-Source-", pkg.name + "-" + std::to_string(++n));
    Json p = spdx_package(id, g.url, g.rev, "git+" + g.url + "@" + g.rev, pkg.license);
    p["primaryPackagePurpose"] = "SOURCE";
    p["supplier"] = "NOASSERTION";
    packages.push_back(p);
    relationships.push_back(relationship(pkg_id, "GENERATED_FROM", id));
  }
}

// A package the OS project built: its artifact's checksums, supplier and purl.
Json built_package(const SbomRequest& req, const PackageRecord& pkg, const std::string& id) {
  std::string location = pkg.sources.empty() ? "" : pkg.sources.front().url;
  Json p = spdx_package(id, pkg.name, pkg.version, location, pkg.license);
  p["checksums"] =
      Json::array({{{"algorithm", "SHA256"}, {"checksumValue", pkg.artifact}},
                   {{"algorithm", "SHA512"}, {"checksumValue", req.artifact_sha512.at(pkg.name)}}});
  p["primaryPackagePurpose"] = "LIBRARY";
  p["supplier"] = supplier(req.os_name);
  if (std::string purl = package_purl(pkg); !purl.empty()) {
    p["externalRefs"] = Json::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                                      {"referenceType", "purl"},
                                      {"referenceLocator", purl}}});
  }
  return p;
}

// The packages linked in statically: in the document, not CONTAINed by the OS.
void add_linked(const SbomRequest& req, Json& packages, Json& relationships) {
  for (const auto* pkg : req.linked) {
    std::string id = spdx_id("SPDXRef-Package-", pkg->name);
    Json p = built_package(req, *pkg, id);
    std::string into;
    for (const auto& link : req.static_links) {
      if (link.to == pkg->name) into += (into.empty() ? "" : ", ") + link.from;
    }
    p["comment"] = "linked statically into " + into + "; none of its files is in the image";
    packages.push_back(p);
    add_sources(*pkg, id, packages, relationships);
  }
  for (const auto& link : req.static_links) {
    relationships.push_back(relationship(spdx_id("SPDXRef-Package-", link.from), "STATIC_LINK",
                                         spdx_id("SPDXRef-Package-", link.to)));
  }
}

// Percent-encodes all but [A-Za-z0-9.-_~] and `keep`, as purl components and qualifiers want.
std::string percent_encode(std::string_view s, std::string_view keep = "") {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || std::string_view("-._~").find(c) != std::string_view::npos ||
        keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

// "owner/repo", lowercased, of a GitHub repository URL (https, http, git, ssh or scp-like).
std::optional<std::string> github_repo(const std::string& url) {
  std::string rest;
  for (std::string_view prefix : {"https://github.com/", "http://github.com/", "git://github.com/",
                                  "ssh://git@github.com/", "git@github.com:"}) {
    if (url.rfind(prefix, 0) == 0) rest = url.substr(prefix.size());
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.size() > 4 && rest.ends_with(".git")) rest.resize(rest.size() - 4);
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
      rest.find('/', slash + 1) != std::string::npos) {
    return std::nullopt;
  }
  std::transform(rest.begin(), rest.end(), rest.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return rest;
}

bool is_download_url(const std::string& url) {
  for (std::string_view scheme : {"https://", "http://", "ftp://"}) {
    if (url.rfind(scheme, 0) == 0) return true;
  }
  return false;
}

bool is_vcs_url(const std::string& url) {
  return is_download_url(url) || url.rfind("git://", 0) == 0 || url.rfind("ssh://", 0) == 0;
}

constexpr std::string_view k_elf_magic(
    "\x7f"
    "ELF",
    4);

constexpr std::string_view k_ar_magic("!<arch>\n");

using ReadArchive = std::unique_ptr<archive, decltype(&archive_read_free)>;

// The first bytes of the current entry's data (the first block libarchive hands out).
std::string_view file_head(archive* a) {
  const void* block = nullptr;
  std::size_t size = 0;
  la_int64_t offset = 0;
  if (archive_read_data_block(a, &block, &size, &offset) != ARCHIVE_OK || offset != 0) return {};
  return {static_cast<const char*>(block), std::min<std::size_t>(size, 8)};
}

}  // namespace

std::string spdx_id(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '-';
  return out;
}

std::string package_purl(const PackageRecord& pkg) {
  for (const auto& g : pkg.git) {
    if (auto repo = github_repo(g.url)) return fmt::format("pkg:github/{}@{}", *repo, g.rev);
  }
  std::string base = "pkg:generic/" + percent_encode(pkg.name);
  if (!pkg.version.empty()) base += "@" + percent_encode(pkg.version);
  if (!pkg.sources.empty() && is_download_url(pkg.sources.front().url)) {
    return base + "?download_url=" + percent_encode(pkg.sources.front().url, ":/");
  }
  if (!pkg.git.empty() && is_vcs_url(pkg.git.front().url)) {
    const auto& g = pkg.git.front();
    return base + "?vcs_url=" + percent_encode("git+" + g.url + "@" + g.rev, ":/@");
  }
  return "";
}

ArtifactKinds artifact_kinds(const fs::path& artifact_tar) {
  ArtifactKinds kinds;
  ReadArchive a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), artifact_tar.c_str(), 1 << 16) != ARCHIVE_OK) {
    return kinds;
  }
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string_view magic = file_head(a.get());
    if (magic.starts_with(k_elf_magic)) kinds.elf = true;
    if (magic.starts_with(k_ar_magic) &&
        std::string_view(archive_entry_pathname(entry)).ends_with(".a")) {
      kinds.static_library = true;
    }
  }
  return kinds;
}

std::vector<StaticLink> find_static_links(
    const VariantRecord& record, const std::vector<const PackageRecord*>& closure,
    const std::function<ArtifactKinds(const PackageRecord&)>& kinds) {
  std::map<std::string, ArtifactKinds> seen;
  auto kinds_of = [&](const PackageRecord& pkg) {
    auto it = seen.find(pkg.name);
    return it != seen.end() ? it->second : seen.emplace(pkg.name, kinds(pkg)).first->second;
  };
  std::set<std::pair<std::string, std::string>> links;
  for (const auto* pkg : closure) {
    if (pkg->depends.empty() || !kinds_of(*pkg).elf) continue;
    for (const auto& dep : pkg->depends) {
      auto it = record.packages.find(dep);
      if (it != record.packages.end() && kinds_of(it->second).static_library) {
        links.emplace(pkg->name, dep);
      }
    }
  }
  std::vector<StaticLink> out;
  out.reserve(links.size());
  for (const auto& [from, to] : links) out.push_back({from, to});
  return out;
}

void add_static_links(SbomRequest& req, const VariantRecord& record,
                      const std::function<fs::path(const PackageRecord&)>& artifact) {
  req.static_links = find_static_links(record, req.packages, [&](const PackageRecord& pkg) {
    return artifact_kinds(artifact(pkg));
  });
  std::set<std::string> in_image;
  for (const auto* pkg : req.packages) in_image.insert(pkg->name);
  std::set<std::string> linked;
  for (const auto& link : req.static_links) {
    if (!in_image.count(link.to)) linked.insert(link.to);
  }
  req.linked.clear();
  for (const auto& name : linked) {
    const PackageRecord& pkg = record.packages.at(name);
    req.linked.push_back(&pkg);
    req.artifact_sha512[name] = hash_file(artifact(pkg), HashAlgorithm::sha512).value_or_throw();
  }
}

Json make_sbom(const SbomRequest& req) {
  const std::string os_id = "SPDXRef-OperatingSystem";
  Json packages = Json::array();
  Json relationships = Json::array({relationship("SPDXRef-DOCUMENT", "DESCRIBES", os_id)});
  Json os = spdx_package(os_id, req.os_name, req.version, "", "");
  os["packageFileName"] = req.root_file;
  os["checksums"] = Json::array({{{"algorithm", "SHA512"}, {"checksumValue", req.root_sha512}}});
  os["primaryPackagePurpose"] = "OPERATING_SYSTEM";
  os["supplier"] = supplier(req.os_name);
  packages.push_back(os);
  for (const auto* pkg : req.packages) {
    std::string id = spdx_id("SPDXRef-Package-", pkg->name);
    packages.push_back(built_package(req, *pkg, id));
    relationships.push_back(relationship(os_id, "CONTAINS", id));
    for (const auto& dep : pkg->requires_) {
      relationships.push_back(relationship(id, "DEPENDS_ON", spdx_id("SPDXRef-Package-", dep)));
    }
    add_sources(*pkg, id, packages, relationships);
  }
  add_linked(req, packages, relationships);
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
