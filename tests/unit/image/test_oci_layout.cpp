#include <gtest/gtest.h>

#include <map>

#include "image_test_util.h"
#include "osbuild/image/oci_layout.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::image {
namespace {

namespace fs = std::filesystem;
using testing::write_tar;

PackageRecord package(const std::string& name, std::vector<std::string> requires_,
                      std::string artifact = std::string(64, 'a')) {
  PackageRecord p;
  p.name = name;
  p.version = "1.0";
  p.artifact = std::move(artifact);
  p.requires_ = std::move(requires_);
  return p;
}

OciImage sample_image(Arch arch) {
  return {arch,
          "tiny-os",
          "dev",
          "1.4.0",
          1700000000,
          {{std::string(64, '1'), 10240, "osbuild package base 1.0"},
           {std::string(64, '2'), 20480, "osbuild package app 2.0"}}};
}

// Every file below `dir` with its sha256.
std::map<std::string, std::string> digests(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (fs::recursive_directory_iterator it(dir), end; it != end; ++it) {
    if (it->is_regular_file()) {
      out[fs::relative(it->path(), dir).string()] =
          hash_file(it->path(), HashAlgorithm::sha256).value_or_throw();
    }
  }
  return out;
}

Json read_json(const fs::path& path) {
  return Json::parse(read_file_or_throw(path));
}

TEST(OciLayout, GoarchNamesAndRfc3339) {
  EXPECT_EQ(goarch(Arch::x86_64), "amd64");
  EXPECT_EQ(goarch(Arch::aarch64), "arm64");
  EXPECT_EQ(rfc3339(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00Z");
}

TEST(OciLayout, ConfigShape) {
  Json config = oci_config(sample_image(Arch::aarch64));
  EXPECT_EQ(config["architecture"], "arm64");
  EXPECT_EQ(config["os"], "linux");
  EXPECT_EQ(config["created"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(config["config"], Json::object());
  EXPECT_EQ(config["rootfs"]["type"], "layers");
  ASSERT_EQ(config["rootfs"]["diff_ids"].size(), 2u);
  EXPECT_EQ(config["rootfs"]["diff_ids"][0], "sha256:" + std::string(64, '1'));
  EXPECT_EQ(config["rootfs"]["diff_ids"][1], "sha256:" + std::string(64, '2'));
  ASSERT_EQ(config["history"].size(), 2u);
  EXPECT_EQ(config["history"][1]["created_by"], "osbuild package app 2.0");
  EXPECT_EQ(config["history"][1]["created"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(oci_config(sample_image(Arch::x86_64))["architecture"], "amd64");
  // The same image, the same bytes.
  EXPECT_EQ(canonical_json(config), canonical_json(oci_config(sample_image(Arch::aarch64))));
}

TEST(OciLayout, ManifestShape) {
  Json m = oci_manifest(sample_image(Arch::x86_64), std::string(64, 'c'), 512);
  EXPECT_EQ(m["schemaVersion"], 2);
  EXPECT_EQ(m["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(m["config"]["mediaType"], "application/vnd.oci.image.config.v1+json");
  EXPECT_EQ(m["config"]["digest"], "sha256:" + std::string(64, 'c'));
  EXPECT_EQ(m["config"]["size"], 512);
  ASSERT_EQ(m["layers"].size(), 2u);
  EXPECT_EQ(m["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar");
  EXPECT_EQ(m["layers"][0]["digest"], "sha256:" + std::string(64, '1'));
  EXPECT_EQ(m["layers"][1]["size"], 20480);
  EXPECT_EQ(m["annotations"]["org.opencontainers.image.version"], "1.4.0");
  EXPECT_EQ(m["annotations"]["org.opencontainers.image.title"], "tiny-os-dev");
}

TEST(OciLayout, MergePlatformReplacesTheArchAndSorts) {
  auto desc = [](const std::string& arch, char digit) {
    return Json{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                {"digest", "sha256:" + std::string(64, digit)},
                {"size", 100},
                {"platform", {{"architecture", arch}, {"os", "linux"}}}};
  };
  Json index = merge_platform(Json::object(), desc("arm64", '1'));
  index = merge_platform(index, desc("amd64", '2'));
  ASSERT_EQ(index["manifests"].size(), 2u);
  EXPECT_EQ(index["mediaType"], "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(index["manifests"][0]["platform"]["architecture"], "amd64");
  EXPECT_EQ(index["manifests"][1]["platform"]["architecture"], "arm64");
  index = merge_platform(index, desc("arm64", '3'));
  ASSERT_EQ(index["manifests"].size(), 2u);
  EXPECT_EQ(index["manifests"][1]["digest"], "sha256:" + std::string(64, '3'));
  // The build order of the arches does not change the bytes.
  Json other =
      merge_platform(merge_platform(Json::object(), desc("amd64", '2')), desc("arm64", '3'));
  EXPECT_EQ(canonical_json(other), canonical_json(index));
}

// Found by tests/fuzz/fuzz_oci (corpus/oci/crash-*): a version index that was a number, or
// held entries of the wrong JSON types, escaped as an internal JSON type error.
TEST(OciLayout, MergePlatformReplacesADamagedIndex) {
  Json desc = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
               {"digest", "sha256:" + std::string(64, '1')},
               {"size", 100},
               {"platform", {{"architecture", "arm64"}, {"os", "linux"}}}};
  for (const char* text : {"1127.1", "[]", R"({"manifests": 3})",
                           R"({"manifests": [3, {"platform": 5}, {"platform": {"os": 7}}]})"}) {
    Json index = merge_platform(Json::parse(text), desc);
    ASSERT_TRUE(index["manifests"].is_array()) << text;
    EXPECT_EQ(index["manifests"].back(), desc) << text;
  }
}

TEST(OciLayout, DependencyOrderPutsRequiredFirst) {
  PackageRecord app = package("app", {"base", "libz"});
  PackageRecord base = package("base", {});
  PackageRecord libz = package("libz", {"base"});
  PackageRecord kernel = package("kernel", {});
  auto order = dependency_order({&app, &base, &kernel, &libz});
  std::vector<std::string> names;
  for (const auto* p : order) names.push_back(p->name);
  EXPECT_EQ(names, (std::vector<std::string>{"base", "kernel", "libz", "app"}));
  PackageRecord a = package("a", {"b"});
  PackageRecord b = package("b", {"a"});
  auto cycle = dependency_order({&b, &a});
  ASSERT_EQ(cycle.size(), 2u);
  EXPECT_EQ(cycle[0]->name, "a");
}

class OciLayoutWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    write_tar(m_dir.path() / "base.tar", {{"usr", "", 'd', 0755},
                                          {"usr/bin", "", 'd', 0755},
                                          {"usr/bin/hello", "#!/bin/sh\necho hello\n", 'f', 0755}});
    write_tar(m_dir.path() / "app.tar",
              {{"usr", "", 'd', 0755}, {"usr/share", "", 'd', 0755}, {"usr/share/app", "data"}});
    m_base = package("base", {}, sha("base.tar"));
    m_app = package("app", {"base"}, sha("app.tar"));
  }

  std::string sha(const std::string& name) {
    return hash_file(m_dir.path() / name, HashAlgorithm::sha256).value_or_throw();
  }

  OciRequest request(Arch arch, const fs::path& out) {
    OciRequest req{out, sample_image(arch), {}, {}};
    req.packages = {{&m_base, m_dir.path() / "base.tar"}, {&m_app, m_dir.path() / "app.tar"}};
    return req;
  }

  TempDir m_dir{"osbuild-oci-test"};
  PackageRecord m_base;
  PackageRecord m_app;
};

TEST_F(OciLayoutWrite, LayoutWithBothArchesAndOsReleaseLayer) {
  fs::path out = m_dir.path() / "oci-dev";
  OciResult x86 = write_oci_layout(request(Arch::x86_64, out));
  EXPECT_EQ(x86.layers, 3u);
  EXPECT_TRUE(x86.os_release_layer);
  OciResult arm = write_oci_layout(request(Arch::aarch64, out));
  EXPECT_EQ(read_file_or_throw(out / "oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
  Json index = read_json(out / "index.json");
  ASSERT_EQ(index["manifests"].size(), 1u);
  const Json& entry = index["manifests"][0];
  EXPECT_EQ(entry["mediaType"], "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(entry["annotations"]["org.opencontainers.image.ref.name"], "1.4.0");
  EXPECT_EQ(entry["digest"], "sha256:" + arm.index_digest);
  Json per_arch = read_json(out / "blobs/sha256" / arm.index_digest);
  ASSERT_EQ(per_arch["manifests"].size(), 2u);
  EXPECT_EQ(per_arch["manifests"][0]["platform"]["architecture"], "amd64");
  EXPECT_EQ(per_arch["manifests"][0]["digest"], "sha256:" + x86.manifest_digest);
  EXPECT_EQ(per_arch["manifests"][1]["platform"]["architecture"], "arm64");
  EXPECT_EQ(per_arch["manifests"][1]["platform"]["os"], "linux");

  Json manifest = read_json(out / "blobs/sha256" / arm.manifest_digest);
  ASSERT_EQ(manifest["layers"].size(), 3u);
  EXPECT_EQ(manifest["layers"][0]["digest"], "sha256:" + m_base.artifact);  // required first
  EXPECT_EQ(manifest["layers"][1]["digest"], "sha256:" + m_app.artifact);
  // The layer blobs are the artifact tars, byte for byte; every blob's name is its digest.
  EXPECT_EQ(read_file_or_throw(out / "blobs/sha256" / m_base.artifact),
            read_file_or_throw(m_dir.path() / "base.tar"));
  for (const auto& [name, digest] : digests(out / "blobs/sha256")) EXPECT_EQ(name, digest);
  std::string config_hex = manifest["config"]["digest"].get<std::string>().substr(7);
  Json config = read_json(out / "blobs/sha256" / config_hex);
  EXPECT_EQ(config["architecture"], "arm64");
  EXPECT_EQ(config["rootfs"]["diff_ids"].size(), 3u);
  EXPECT_EQ(config["history"][2]["created_by"], "osbuild os-release");

  // The os-release layer: root-owned entries at the epoch, the text the image stage writes.
  std::string os_release = manifest["layers"][2]["digest"].get<std::string>().substr(7);
  auto [rc, listing] =
      testing::shell("TZ=UTC tar -tvf " + (out / "blobs/sha256" / os_release).string());
  ASSERT_EQ(rc, 0);
  EXPECT_NE(listing.find("usr/lib/os-release"), std::string::npos) << listing;
  EXPECT_NE(listing.find("etc/os-release -> ../usr/lib/os-release"), std::string::npos) << listing;
  EXPECT_NE(listing.find("root/root"), std::string::npos) << listing;
  EXPECT_NE(listing.find("2023-11-14 22:13"), std::string::npos) << listing;
}

TEST_F(OciLayoutWrite, SameInputsSameBytesInAnyArchOrder) {
  fs::path first = m_dir.path() / "first";
  fs::path second = m_dir.path() / "second";
  write_oci_layout(request(Arch::x86_64, first));
  write_oci_layout(request(Arch::aarch64, first));
  write_oci_layout(request(Arch::aarch64, second));
  write_oci_layout(request(Arch::x86_64, second));
  EXPECT_EQ(digests(first), digests(second));
  // Rewriting one arch replaces its entry and leaves no stray blob.
  auto before = digests(first);
  write_oci_layout(request(Arch::x86_64, first));
  EXPECT_EQ(digests(first), before);
}

TEST_F(OciLayoutWrite, ReplacedManifestsLeaveNoUnreachableBlobs) {
  fs::path out = m_dir.path() / "oci";
  write_oci_layout(request(Arch::x86_64, out));
  OciRequest changed = request(Arch::x86_64, out);
  changed.packages.pop_back();  // app left out: its layer is no longer referenced
  OciResult r = write_oci_layout(changed);
  EXPECT_EQ(r.layers, 2u);
  EXPECT_FALSE(fs::exists(out / "blobs/sha256" / m_app.artifact));
  EXPECT_TRUE(fs::exists(out / "blobs/sha256" / m_base.artifact));
}

TEST_F(OciLayoutWrite, NoOsReleaseLayerWhenAPackageProvidesIt) {
  write_tar(m_dir.path() / "release.tar",
            {{"etc", "", 'd', 0755}, {"etc/os-release", "NAME=custom\n"}});
  PackageRecord release = package("release", {}, sha("release.tar"));
  OciRequest req = request(Arch::x86_64, m_dir.path() / "oci");
  req.packages.emplace_back(&release, m_dir.path() / "release.tar");
  OciResult r = write_oci_layout(req);
  EXPECT_FALSE(r.os_release_layer);
  EXPECT_EQ(r.layers, 3u);
}

// The update agent's files join the osbuild layer, beside os-release, or alone when a package
// provides os-release.
TEST_F(OciLayoutWrite, UpdateAgentFilesInTheOsbuildLayer) {
  OciRequest req = request(Arch::x86_64, m_dir.path() / "oci");
  req.files = {{"etc/updog.toml", "version_lock = \"latest\"\n"},
               {"usr/share/updog/root.json", "{}"}};
  OciResult r = write_oci_layout(req);
  EXPECT_TRUE(r.os_release_layer);
  Json manifest = read_json(m_dir.path() / "oci/blobs/sha256" / r.manifest_digest);
  ASSERT_EQ(manifest["layers"].size(), 3u);
  std::string hex = manifest["layers"][2]["digest"].get<std::string>().substr(7);
  auto [rc, listing] =
      testing::shell("tar -tvf " + (m_dir.path() / "oci/blobs/sha256" / hex).string());
  ASSERT_EQ(rc, 0);
  EXPECT_NE(listing.find("usr/lib/os-release"), std::string::npos) << listing;
  EXPECT_NE(listing.find("etc/updog.toml"), std::string::npos) << listing;
  EXPECT_NE(listing.find("usr/share/updog/root.json"), std::string::npos) << listing;
  std::string config_hex = manifest["config"]["digest"].get<std::string>().substr(7);
  EXPECT_EQ(read_json(m_dir.path() / "oci/blobs/sha256" / config_hex)["history"][2]["created_by"],
            "osbuild os-release, update agent files");

  write_tar(m_dir.path() / "release.tar",
            {{"etc", "", 'd', 0755}, {"etc/os-release", "NAME=custom\n"}});
  PackageRecord release = package("release", {}, sha("release.tar"));
  req.packages.emplace_back(&release, m_dir.path() / "release.tar");
  r = write_oci_layout(req);
  EXPECT_FALSE(r.os_release_layer);
  EXPECT_EQ(r.layers, 4u);
}

TEST_F(OciLayoutWrite, DamagedIndexIsAnErrorNamingIt) {
  fs::path out = m_dir.path() / "oci";
  fs::create_directories(out);
  write_file_atomic(out / "index.json", "{not json", Durability::cache);
  try {
    write_oci_layout(request(Arch::x86_64, out));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("index.json: not valid JSON"), std::string::npos);
    EXPECT_NE(e.hint().find("remove"), std::string::npos);
  }
}

}  // namespace
}  // namespace osbuild::image
