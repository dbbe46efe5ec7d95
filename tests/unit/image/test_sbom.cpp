#include <gtest/gtest.h>

#include "image_test_util.h"
#include "osbuild/image/sbom.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::image {
namespace {

using testing::TarEntry;
using testing::write_tar;

bool has_relationship(const Json& doc, const std::string& from, const std::string& type,
                      const std::string& to) {
  for (const auto& r : doc["relationships"]) {
    if (r["spdxElementId"] == from && r["relationshipType"] == type &&
        r["relatedSpdxElement"] == to)
      return true;
  }
  return false;
}

std::map<std::string, Json> packages_by_id(const Json& doc) {
  std::map<std::string, Json> by_id;
  for (const auto& p : doc["packages"]) by_id[p["SPDXID"]] = p;
  return by_id;
}

TEST(Sbom, Spdx23DocumentWithSourcesAndRelationships) {
  PackageRecord zlib{"zlib", "1.2.13", "Zlib", std::string(64, 'a'), "", {}, {}, {}, {}};
  zlib.sources.push_back({"https://example.org/zlib.tar.gz", "zlib.tar.gz", std::string(128, 'b')});
  PackageRecord agent{
      "hello_agent", "1.0", "MIT OR Apache-2.0", std::string(64, 'c'), "", {}, {"zlib"}, {}, {}};
  agent.git.push_back({"https://example.org/agent.git", std::string(40, 'd')});
  SbomRequest req{"hello-os-dev-x86_64-1.4.0",
                  "hello-os",
                  "1.4.0",
                  1700000000,
                  "hello-os-dev-x86_64-1.4.0-root.erofs.lz4",
                  std::string(128, 'e'),
                  {&agent, &zlib},
                  {{"zlib", std::string(128, '1')}, {"hello_agent", std::string(128, '2')}},
                  {},
                  {}};
  Json doc = make_sbom(req);
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["creationInfo"]["created"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(doc["documentNamespace"].get<std::string>().rfind(
                "https://spdx.org/spdxdocs/hello-os-dev-x86_64-1.4.0-", 0),
            0u);
  EXPECT_EQ(make_sbom(req), doc);  // nothing varies between runs
  auto by_id = packages_by_id(doc);
  ASSERT_TRUE(by_id.count("SPDXRef-Package-hello-agent"));  // '_' is not allowed in an SPDX id
  EXPECT_EQ(by_id["SPDXRef-Package-zlib"]["downloadLocation"], "https://example.org/zlib.tar.gz");
  EXPECT_EQ(by_id["SPDXRef-Package-zlib"]["licenseDeclared"], "Zlib");
  EXPECT_EQ(by_id["SPDXRef-Source-zlib-1"]["checksums"][0]["checksumValue"], std::string(128, 'b'));
  EXPECT_EQ(by_id["SPDXRef-Source-hello-agent-1"]["downloadLocation"],
            "git+https://example.org/agent.git@" + std::string(40, 'd'));
  for (const auto& p : doc["packages"]) {
    for (const char* field : {"SPDXID", "name", "downloadLocation", "filesAnalyzed",
                              "licenseConcluded", "licenseDeclared", "copyrightText"}) {
      EXPECT_TRUE(p.contains(field)) << p.dump() << " lacks " << field;
    }
  }
  auto has = [&doc](const std::string& from, const std::string& type, const std::string& to) {
    return has_relationship(doc, from, type, to);
  };
  EXPECT_TRUE(has("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-OperatingSystem"));
  EXPECT_TRUE(has("SPDXRef-OperatingSystem", "CONTAINS", "SPDXRef-Package-zlib"));
  EXPECT_TRUE(has("SPDXRef-Package-hello-agent", "DEPENDS_ON", "SPDXRef-Package-zlib"));
  EXPECT_TRUE(has("SPDXRef-Package-zlib", "GENERATED_FROM", "SPDXRef-Source-zlib-1"));
}

TEST(Sbom, PurposeAndSupplierUseSpdxSpelling) {
  PackageRecord lua{"lua", "5.4.6", "MIT", std::string(64, 'a'), "", {}, {}, {}, {}};
  lua.sources.push_back({"https://example.org/lua-5.4.6.tar.gz", "lua-5.4.6.tar.gz", "f"});
  SbomRequest req{"os-dev-x86_64-1.0",
                  "hello-os",
                  "1.0",
                  0,
                  "root.erofs.lz4",
                  std::string(128, 'e'),
                  {&lua},
                  {{"lua", std::string(128, '1')}},
                  {},
                  {}};
  auto by_id = packages_by_id(make_sbom(req));
  EXPECT_EQ(by_id["SPDXRef-OperatingSystem"]["primaryPackagePurpose"], "OPERATING_SYSTEM");
  EXPECT_EQ(by_id["SPDXRef-OperatingSystem"]["supplier"], "Organization: hello-os project");
  EXPECT_EQ(by_id["SPDXRef-Package-lua"]["supplier"], "Organization: hello-os project");
  EXPECT_EQ(by_id["SPDXRef-Source-lua-1"]["supplier"], "NOASSERTION");
  Json ref = by_id["SPDXRef-Package-lua"]["externalRefs"][0];
  EXPECT_EQ(ref["referenceCategory"], "PACKAGE-MANAGER");
  EXPECT_EQ(ref["referenceType"], "purl");
  EXPECT_EQ(ref["referenceLocator"],
            "pkg:generic/lua@5.4.6?download_url=https://example.org/lua-5.4.6.tar.gz");
}

TEST(Sbom, PurlFromTheKnownUpstream) {
  PackageRecord pkg{"zlib", "1.2.13+dfsg", "Zlib", "", "", {}, {}, {}, {}};
  EXPECT_EQ(package_purl(pkg), "");  // no upstream recorded
  pkg.sources.push_back({"https://example.org/z lib.tar.gz?a=1&b=2", "z.tar.gz", ""});
  EXPECT_EQ(package_purl(pkg),
            "pkg:generic/zlib@1.2.13%2Bdfsg?download_url=https://example.org/"
            "z%20lib.tar.gz%3Fa%3D1%26b%3D2");
  pkg.sources.front().url = "file:///srv/z.tar.gz";  // a local file names no upstream
  EXPECT_EQ(package_purl(pkg), "");
  pkg.git.push_back({"https://example.org/zlib.git", "abc123"});
  EXPECT_EQ(package_purl(pkg),
            "pkg:generic/zlib@1.2.13%2Bdfsg?vcs_url=git%2Bhttps://example.org/zlib.git@abc123");
  pkg.git.push_back({"https://github.com/Madler/Zlib.git/", "0123abcd"});
  EXPECT_EQ(package_purl(pkg), "pkg:github/madler/zlib@0123abcd");
  pkg.git = {{"git@github.com:madler/zlib", "0123abcd"}};
  EXPECT_EQ(package_purl(pkg), "pkg:github/madler/zlib@0123abcd");
  pkg.git = {{"https://github.com/madler", "0123abcd"}};  // not a repository
  EXPECT_EQ(package_purl(pkg).rfind("pkg:generic/zlib@", 0), 0u);
}

TEST(Sbom, ArtifactKindsReadTheBytesNotJustTheNames) {
  TempDir dir("osbuild-sbom-test");
  write_tar(dir.path() / "lib.tar", {{"usr/lib", "", 'd'},
                                     {"usr/lib/libz.a", "!<arch>\nzlib members"},
                                     {"usr/include/zlib.h", "/* zlib */"}});
  write_tar(dir.path() / "fake.tar", {{"usr/lib/libfake.a", "lib\n"}});  // named .a, not ar
  write_tar(dir.path() / "prog.tar", {{"usr/bin/agent",
                                       std::string("\x7f"
                                                   "ELF\x02\x01\x01",
                                                   7),
                                       'f', 0755},
                                      {"usr/share/doc", "text"}});
  ArtifactKinds lib = artifact_kinds(dir.path() / "lib.tar");
  EXPECT_TRUE(lib.static_library);
  EXPECT_FALSE(lib.elf);
  EXPECT_FALSE(artifact_kinds(dir.path() / "fake.tar").static_library);
  ArtifactKinds prog = artifact_kinds(dir.path() / "prog.tar");
  EXPECT_TRUE(prog.elf);
  EXPECT_FALSE(prog.static_library);
  EXPECT_FALSE(artifact_kinds(dir.path() / "missing.tar").elf);
}

TEST(Sbom, StaticLinksNeedAProgramAndAStaticLibrary) {
  VariantRecord record;
  auto add = [&record](const std::string& name, std::vector<std::string> depends) {
    PackageRecord p{name, "1", "MIT", "", "", std::move(depends), {}, {}, {}};
    record.packages[name] = p;
  };
  add("agent", {"zlib", "headers", "toolkit"});  // a program
  add("data", {"zlib"});                         // no program: links nothing
  add("zlib", {});                               // a static library
  add("headers", {});                            // no static library
  std::map<std::string, ArtifactKinds> kinds = {{"agent", {true, false}},
                                                {"data", {false, false}},
                                                {"zlib", {false, true}},
                                                {"headers", {false, false}}};
  int reads = 0;
  auto read = [&](const PackageRecord& pkg) {
    ++reads;
    return kinds.at(pkg.name);
  };
  std::vector<const PackageRecord*> closure = {&record.packages.at("agent"),
                                               &record.packages.at("data")};
  auto links = find_static_links(record, closure, read);
  // toolkit was not built for the variant: there is nothing to read, so no link
  EXPECT_EQ(links, (std::vector<StaticLink>{{"agent", "zlib"}}));
  EXPECT_EQ(reads, 4);  // each artifact read once
}

TEST(Sbom, AddStaticLinksReadsTheArtifactsAndTheirDigests) {
  TempDir dir("osbuild-sbom-test");
  write_tar(dir.path() / "agent.tar", {{"usr/bin/agent",
                                        "\x7f"
                                        "ELF....",
                                        'f', 0755}});
  write_tar(dir.path() / "zlib.tar", {{"usr/lib/libz.a", "!<arch>\n"}});
  VariantRecord record;
  record.packages["agent"] = {"agent", "1", "MIT", "", "", {"zlib"}, {}, {}, {}};
  record.packages["zlib"] = {"zlib", "1.2.13", "Zlib", "", "", {}, {}, {}, {}};
  SbomRequest req;
  req.packages = {&record.packages.at("agent")};
  add_static_links(req, record,
                   [&dir](const PackageRecord& pkg) { return dir.path() / (pkg.name + ".tar"); });
  EXPECT_EQ(req.static_links, (std::vector<StaticLink>{{"agent", "zlib"}}));
  ASSERT_EQ(req.linked.size(), 1u);
  EXPECT_EQ(req.linked[0]->name, "zlib");
  EXPECT_EQ(req.artifact_sha512.at("zlib"),
            hash_file(dir.path() / "zlib.tar", HashAlgorithm::sha512).value_or_throw());
}

TEST(Sbom, StaticallyLinkedPackageIsDescribedButNotContained) {
  PackageRecord zlib{"zlib", "1.2.13", "Zlib", std::string(64, 'a'), "", {}, {}, {}, {}};
  zlib.sources.push_back({"https://example.org/zlib-1.2.13.tar.gz", "zlib.tar.bz2", "b"});
  PackageRecord agent{
      "hello-agent", "0.1.0", "MIT", std::string(64, 'c'), "", {"zlib"}, {}, {}, {}};
  SbomRequest req{"hello-os-dev-x86_64-1.4.0",
                  "hello-os",
                  "1.4.0",
                  0,
                  "root",
                  "e",
                  {&agent},
                  {{"zlib", std::string(128, '1')}, {"hello-agent", std::string(128, '2')}},
                  {&zlib},
                  {{"hello-agent", "zlib"}}};
  Json doc = make_sbom(req);
  auto by_id = packages_by_id(doc);
  ASSERT_TRUE(by_id.count("SPDXRef-Package-zlib"));
  const Json& z = by_id["SPDXRef-Package-zlib"];
  EXPECT_EQ(z["versionInfo"], "1.2.13");
  EXPECT_EQ(z["checksums"][1]["checksumValue"], std::string(128, '1'));
  EXPECT_EQ(z["externalRefs"][0]["referenceLocator"],
            "pkg:generic/zlib@1.2.13?download_url=https://example.org/zlib-1.2.13.tar.gz");
  EXPECT_EQ(z["comment"], "linked statically into hello-agent; none of its files is in the image");
  EXPECT_FALSE(by_id["SPDXRef-Package-hello-agent"].contains("externalRefs"));  // no upstream
  EXPECT_TRUE(
      has_relationship(doc, "SPDXRef-Package-hello-agent", "STATIC_LINK", "SPDXRef-Package-zlib"));
  EXPECT_FALSE(
      has_relationship(doc, "SPDXRef-OperatingSystem", "CONTAINS", "SPDXRef-Package-zlib"));
  EXPECT_TRUE(
      has_relationship(doc, "SPDXRef-Package-zlib", "GENERATED_FROM", "SPDXRef-Source-zlib-1"));
  EXPECT_EQ(make_sbom(req), doc);
}

}  // namespace
}  // namespace osbuild::image
