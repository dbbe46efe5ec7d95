// The kit artifact format: the config blob reads back what it was written from, the manifest has
// one layer per package, and an index keeps the manifests of other arches.
#include <gtest/gtest.h>

#include "osbuild/kit/format.h"
#include "osbuild/oci/registry.h"
#include "osbuild/util/error.h"

namespace osbuild::kit {
namespace {

KitConfig sample_config() {
  KitConfig c;
  c.name = "core-kit";
  c.version = "2.1.0";
  c.vendor = "local";
  c.arch = Arch::aarch64;
  c.packages.push_back({"libc", "2.39.0", "LGPL-2.1-or-later", "sha256:" + std::string(64, '1'),
                        1234, {}});
  c.packages.push_back({"zlib", "1.3.1", "Zlib", "sha256:" + std::string(64, '2'), 99, {"libc"}});
  c.kits.push_back({"base-kit", "^1.0", "local"});
  return c;
}

TEST(KitFormat, ConfigReadsBackWhatWasWritten) {
  KitConfig c = sample_config();
  Json doc = Json::parse(canonical_json(config_json(c)));
  EXPECT_EQ(doc["schema-version"], 1);
  EXPECT_EQ(doc["arch"], "aarch64");
  KitConfig back = parse_config(doc, "config");
  EXPECT_EQ(back.name, c.name);
  EXPECT_EQ(back.version, c.version);
  EXPECT_EQ(back.vendor, c.vendor);
  EXPECT_EQ(back.arch, c.arch);
  EXPECT_EQ(back.packages, c.packages);
  EXPECT_EQ(back.kits, c.kits);
}

TEST(KitFormat, AConfigThatIsNotAKitConfigIsAVerificationError) {
  for (const char* text : {R"([])", R"({"arch": "aarch64"})", R"({"name": "k", "arch": "sparc"})",
                           R"({"name": "k", "arch": "x86_64", "packages": [{"name": "p"}]})"}) {
    try {
      parse_config(Json::parse(text), "config sha256:ab of 127.0.0.1:5000/o/k");
      ADD_FAILURE() << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), ExitCode::verification) << text;
      EXPECT_NE(std::string(e.what()).find("config sha256:ab of 127.0.0.1:5000/o/k"),
                std::string::npos)
          << e.what();
      EXPECT_NE(e.hint().find("osbuild publish kit"), std::string::npos);
    }
  }
}

TEST(KitFormat, ManifestHasTheConfigAndOneLayerPerPackage) {
  KitConfig c = sample_config();
  Json m = manifest_json(c, "sha256:" + std::string(64, 'c'), 321);
  EXPECT_EQ(m["mediaType"], oci::k_manifest_media_type);
  EXPECT_EQ(m["config"]["mediaType"], k_config_media_type);
  EXPECT_EQ(m["config"]["size"], 321);
  EXPECT_EQ(config_digest_of(m), "sha256:" + std::string(64, 'c'));
  EXPECT_EQ(layer_digests(m), (std::vector<std::string>{c.packages[0].digest, c.packages[1].digest}));
  EXPECT_EQ(m["layers"][1]["mediaType"], k_layer_media_type);
  EXPECT_EQ(m["layers"][1]["annotations"][std::string(k_title_annotation)], "zlib");
  EXPECT_EQ(m["annotations"][std::string(k_arch_annotation)], "aarch64");
  EXPECT_EQ(m["annotations"][std::string(k_version_annotation)], "2.1.0");
  EXPECT_EQ(config_digest_of(Json::parse("{}")), "");
  EXPECT_TRUE(layer_digests(Json::parse("[]")).empty());
}

TEST(KitFormat, IndexKeepsOtherArchesAndReplacesItsOwn) {
  Json first = index_json("core-kit", "2.1.0", Json(), Arch::x86_64, "sha256:x1", 10);
  EXPECT_EQ(first["mediaType"], oci::k_index_media_type);
  EXPECT_EQ(index_arches(first), (std::vector<std::string>{"amd64"}));
  Json both = index_json("core-kit", "2.1.0", first, Arch::aarch64, "sha256:a1", 11);
  EXPECT_EQ(index_arches(both), (std::vector<std::string>{"amd64", "arm64"}));
  Json again = index_json("core-kit", "2.1.0", both, Arch::x86_64, "sha256:x2", 12);
  EXPECT_EQ(index_arches(again), (std::vector<std::string>{"amd64", "arm64"}));
  EXPECT_EQ(manifest_of(again, Arch::x86_64), "sha256:x2");
  EXPECT_EQ(manifest_of(again, Arch::aarch64), "sha256:a1");
  EXPECT_EQ(manifest_of(first, Arch::aarch64), std::nullopt);
  EXPECT_EQ(again["annotations"][std::string(k_name_annotation)], "core-kit");
}

TEST(KitFormat, OciArchNamesAndKitDependencies) {
  EXPECT_EQ(oci_arch(Arch::x86_64), "amd64");
  EXPECT_EQ(oci_arch(Arch::aarch64), "arm64");
  std::vector<config::KitDependency> kits = {{"base-kit", "^1.0", "local"}};
  EXPECT_EQ(kits_from_json(kits_json(kits)), kits);
  EXPECT_TRUE(kits_from_json(Json::parse(R"("not a list")")).empty());
}

}  // namespace
}  // namespace osbuild::kit
