#include <gtest/gtest.h>

#include "config_test_util.h"
#include "osbuild/config/load.h"

using namespace osbuild;
using namespace osbuild::config;
using namespace osbuild::config::testing;

namespace {

const std::string k_kit = "kits/core-kit/kit.toml";
const std::string k_variant = "variants/dev/variant.toml";

Caught variant_error(const std::string& text) {
  return catch_error([&] { parse_variant(text, k_variant); });
}

std::string image(const std::string& lines) {
  return "[variant]\nincluded-packages = [\"init\"]\n[variant.image]\n" + lines;
}

}  // namespace

TEST(LoadKit, ReadsEveryKey) {
  Kit kit = parse_kit(
      "[kit]\nname = \"core-kit\"\nvendor = \"local\"\nincluded-packages = [\"libc\", \"zlib\"]\n",
      k_kit);
  EXPECT_EQ(kit.name, "core-kit");
  EXPECT_EQ(kit.vendor, "local");
  EXPECT_EQ(kit.included_packages, (std::vector<std::string>{"libc", "zlib"}));
  EXPECT_EQ(kit.included_where.str(), k_kit + ":4:21");
  EXPECT_EQ(kit.where.at("included-packages[1]").str(), k_kit + ":4:30");
  EXPECT_EQ(kit.where.at("vendor").str(), k_kit + ":3:10");
}

TEST(LoadKit, NameDefaultsToFolder) {
  Kit kit = parse_kit("[kit]\nvendor = \"local\"\nincluded-packages = []\n", k_kit);
  EXPECT_EQ(kit.name, "core-kit");
}

TEST(LoadKit, MissingVendor) {
  auto e = catch_error([] { parse_kit("[kit]\nincluded-packages = []\n", k_kit); });
  EXPECT_EQ(e.what, k_kit + ":1:1: missing required key 'vendor' in [kit]");
  EXPECT_EQ(e.hint, "add vendor = \"local\" under [kit]");
}

TEST(LoadKit, BadKitName) {
  auto e = catch_error(
      [] { parse_kit("[kit]\nname = \"core.kit\"\nvendor = \"x\"\nincluded-packages = []\n", k_kit); });
  EXPECT_EQ(e.what, k_kit + ":2:8: invalid kit name 'core.kit': only letters, digits, '_' and '-' "
                            "are allowed, found '.'");
  EXPECT_EQ(e.hint, "rename it, e.g. 'core-kit'");
}

TEST(LoadVariant, ReadsEveryKey) {
  Variant v = parse_variant(R"([variant]
included-packages = ["init", "zlib"]
supported-arches = ["amd64", "aarch64"]
kernel-parameters = ["console=ttyS0"]

[variant.image]
format = "qcow2"
root-filesystem = "squashfs"
os-image-size-mib = 1024
data-image-size-mib = 64
partition-plan = "unified"
in-place-updates = false
)",
                            k_variant);
  EXPECT_EQ(v.name, "dev");
  EXPECT_EQ(v.included_packages, (std::vector<std::string>{"init", "zlib"}));
  EXPECT_EQ(v.supported_arches, (std::vector<Arch>{Arch::x86_64, Arch::aarch64}));
  EXPECT_EQ(v.kernel_parameters, (std::vector<std::string>{"console=ttyS0"}));
  EXPECT_EQ(v.image.format, ImageFormat::qcow2);
  EXPECT_EQ(v.image.root_filesystem, RootFilesystem::squashfs);
  EXPECT_EQ(v.image.os_image_size_mib, 1024u);
  EXPECT_EQ(v.image.data_image_size_mib, 64u);
  EXPECT_EQ(v.image.partition_plan, PartitionPlan::unified);
  EXPECT_FALSE(v.image.in_place_updates);
}

TEST(LoadVariant, ImageDefaults) {
  Variant v = parse_variant("[variant]\nincluded-packages = []\n", k_variant);
  EXPECT_TRUE(v.supported_arches.empty());
  EXPECT_EQ(v.image.format, ImageFormat::raw);
  EXPECT_EQ(v.image.root_filesystem, RootFilesystem::erofs);
  EXPECT_EQ(v.image.os_image_size_mib, 512u);
  EXPECT_EQ(v.image.data_image_size_mib, 256u);
  EXPECT_EQ(v.image.partition_plan, PartitionPlan::split);
  EXPECT_TRUE(v.image.in_place_updates);
}

TEST(LoadVariant, MissingIncludedPackages) {
  auto e = variant_error("[variant]\nsupported-arches = [\"x86_64\"]\n");
  EXPECT_EQ(e.what, k_variant + ":1:1: missing required key 'included-packages' in [variant]");
}

TEST(LoadVariant, BadArch) {
  auto e = variant_error("[variant]\nincluded-packages = []\nsupported-arches = [\"x86-64\"]\n");
  EXPECT_EQ(e.what, k_variant + ":3:21: unknown architecture 'x86-64': expected x86_64 (alias "
                                "amd64) or aarch64 (alias arm64)");
  EXPECT_EQ(e.hint, "did you mean 'x86_64'?");
}

TEST(LoadVariant, ArchListedTwiceThroughAlias) {
  auto e = variant_error(
      "[variant]\nincluded-packages = []\nsupported-arches = [\"arm64\", \"aarch64\"]\n");
  EXPECT_EQ(e.what, k_variant + ":3:30: architecture 'aarch64' is listed twice in "
                                "'supported-arches' (amd64 is x86_64, arm64 is aarch64)");
}

TEST(LoadVariant, UnknownImageFormat) {
  auto e = variant_error(image("format = \"vhd\"\n"));
  EXPECT_EQ(e.what, k_variant + ":4:10: unknown format 'vhd': expected raw, qcow2 or vmdk");
  EXPECT_EQ(e.hint, "write format = \"vmdk\"");
}

TEST(LoadVariant, UnknownRootFilesystem) {
  auto e = variant_error(image("root-filesystem = \"xfs\"\n"));
  EXPECT_EQ(e.what, k_variant + ":4:19: unknown root-filesystem 'xfs': expected erofs, squashfs "
                                "or ext4");
}

TEST(LoadVariant, UnknownPartitionPlan) {
  auto e = variant_error(image("partition-plan = \"splt\"\n"));
  EXPECT_EQ(e.what, k_variant + ":4:18: unknown partition-plan 'splt': expected split or unified");
  EXPECT_EQ(e.hint, "write partition-plan = \"split\"");
}

TEST(LoadVariant, ImageSizeRange) {
  auto e = variant_error(image("os-image-size-mib = 0\n"));
  EXPECT_EQ(e.what, k_variant + ":4:21: 'os-image-size-mib' must be between 1 and 1048576, found 0");
  auto type = variant_error(image("os-image-size-mib = \"512 MiB\"\n"));
  EXPECT_EQ(type.what, k_variant + ":4:21: expected an integer for 'os-image-size-mib', found a "
                                   "string");
  EXPECT_EQ(type.hint, "write it as os-image-size-mib = 512");
}

TEST(LoadVariant, BoolType) {
  auto e = variant_error(image("in-place-updates = \"yes\"\n"));
  EXPECT_EQ(e.what, k_variant + ":4:20: expected true or false for 'in-place-updates', found a "
                                "string");
}

TEST(LoadVariant, UnknownImageKey) {
  auto e = variant_error(image("formt = \"raw\"\n"));
  EXPECT_EQ(e.what, k_variant + ":4:1: unknown key 'formt' in [variant.image], did you mean "
                                "'format'?");
}

TEST(LoadVariant, ImageMustBeATable) {
  auto e = variant_error("[variant]\nincluded-packages = []\nimage = \"raw\"\n");
  EXPECT_EQ(e.what, k_variant + ":3:9: expected a table for 'image', found a string");
  EXPECT_EQ(e.hint, "write it as a section: [variant.image] with format = \"raw\"");
}
