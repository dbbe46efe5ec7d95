#include <gtest/gtest.h>

#include "osbuild/image/sbom.h"

namespace osbuild::image {
namespace {

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
                  {{"zlib", std::string(128, '1')}, {"hello_agent", std::string(128, '2')}}};
  Json doc = make_sbom(req);
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["creationInfo"]["created"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(doc["documentNamespace"].get<std::string>().rfind(
                "https://spdx.org/spdxdocs/hello-os-dev-x86_64-1.4.0-", 0),
            0u);
  EXPECT_EQ(make_sbom(req), doc);  // nothing varies between runs
  std::map<std::string, Json> by_id;
  for (const auto& p : doc["packages"]) by_id[p["SPDXID"]] = p;
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
    for (const auto& r : doc["relationships"]) {
      if (r["spdxElementId"] == from && r["relationshipType"] == type &&
          r["relatedSpdxElement"] == to)
        return true;
    }
    return false;
  };
  EXPECT_TRUE(has("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-OperatingSystem"));
  EXPECT_TRUE(has("SPDXRef-OperatingSystem", "CONTAINS", "SPDXRef-Package-zlib"));
  EXPECT_TRUE(has("SPDXRef-Package-hello-agent", "DEPENDS_ON", "SPDXRef-Package-zlib"));
  EXPECT_TRUE(has("SPDXRef-Package-zlib", "GENERATED_FROM", "SPDXRef-Source-zlib-1"));
}

}  // namespace
}  // namespace osbuild::image
