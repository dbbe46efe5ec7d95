// The handoff files between stages: one path, one reader and one writer each.
#include "osbuild/workspace/records.h"

#include <gtest/gtest.h>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"

namespace osbuild::workspace {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::string(e.what()) + " | " + e.hint();
  }
  return "no error";
}

VariantRecord sample_variant() {
  VariantRecord r;
  r.variant = "dev";
  r.arch = "x86_64";
  r.source_date_epoch = 1700000000;
  r.os_name = "hello-os";
  r.release_version = "1.4.0";
  r.toolchain = "zig-x86_64";
  r.included_packages = {"agent"};
  r.packages["agent"] = {"agent", "1.0", "MIT", std::string(64, 'a'), std::string(64, 'b'),
                         {"zlib"}, {"zlib"}, {{"https://x/a.tar", "a.tar", std::string(128, 'c')}},
                         {{"https://x/g.git", std::string(40, 'd')}}};
  r.packages["zlib"] = {"zlib", "1.2.13", "Zlib", std::string(64, 'e'), "", {}, {}, {}, {}};
  return r;
}

TEST(VariantRecord, LivesUnderTheArch) {
  EXPECT_EQ(variant_record_path("/p/build", Arch::x86_64, "dev"),
            "/p/build/.osbuild/variants/x86_64/dev.json");
}

TEST(VariantRecord, WhatTheBuildWritesTheImageReads) {
  TempDir dir("osbuild-records-test");
  write_variant_record(dir.path(), Arch::x86_64, sample_variant());
  VariantRecord back = read_variant_record(dir.path(), Arch::x86_64, "dev");
  EXPECT_EQ(back.path, variant_record_path(dir.path(), Arch::x86_64, "dev"));
  EXPECT_EQ(back.os_name, "hello-os");
  EXPECT_EQ(back.toolchain, "zig-x86_64");
  EXPECT_EQ(back.included_packages, std::vector<std::string>{"agent"});
  ASSERT_EQ(back.packages.size(), 2U);
  const auto& agent = back.packages.at("agent");
  EXPECT_EQ(agent.requires_, std::vector<std::string>{"zlib"});
  ASSERT_EQ(agent.sources.size(), 1U);
  EXPECT_EQ(agent.sources[0].sha512, std::string(128, 'c'));
  ASSERT_EQ(agent.git.size(), 1U);
  EXPECT_EQ(agent.git[0].rev, std::string(40, 'd'));
  EXPECT_EQ(variant_record_json(back), variant_record_json(sample_variant()));
}

TEST(VariantRecord, ABrokenOneSaysToBuildAgain) {
  TempDir dir("osbuild-records-test");
  auto path = variant_record_path(dir.path(), Arch::aarch64, "dev");
  fs::create_directories(path.parent_path());
  write_file_atomic(path, "{\"variant\": \"dev\"}");
  EXPECT_NE(error_of([&] { read_variant_record(dir.path(), Arch::aarch64, "dev"); })
                .find("not a build record"),
            std::string::npos);
}

TEST(PackageState, TheArtifactOfTheLastBuild) {
  TempDir dir("osbuild-records-test");
  auto path = package_state_path(dir.path(), Arch::x86_64, "zlib");
  EXPECT_EQ(path, dir.path() / ".osbuild/state/x86_64/zlib.json");
  EXPECT_EQ(error_of([&] { built_artifact(dir.path(), Arch::x86_64, "zlib"); }),
            path.string() + ": no artifact recorded for package zlib | run `osbuild build "
                            "package zlib --arch x86_64`");
  fs::create_directories(path.parent_path());
  write_file_atomic(path, Json({{"artifact", std::string(64, 'f')}}).dump());
  EXPECT_EQ(built_artifact(dir.path(), Arch::x86_64, "zlib"), std::string(64, 'f'));
}

Json image_json() {
  return {{"key", "k1"},
          {"files", {{"disk", "os.img"}, {"boot", "boot.ext4.lz4"}, {"data", nullptr}}},
          {"sha256", {{"os.img", "d1"}, {"boot.ext4.lz4", "d2"}}}};
}

TEST(ImageRecord, NamesFilesBesideIt) {
  TempDir dir("osbuild-records-test");
  write_file_atomic(dir.path() / "image.json", image_json().dump());
  write_file_atomic(dir.path() / "os.img", "x");
  write_file_atomic(dir.path() / "boot.ext4.lz4", "y");
  ImageRecord r = read_image_record(dir.path(), "rebuild");
  EXPECT_EQ(r.key, "k1");
  EXPECT_EQ(r.file("disk"), dir.path() / "os.img");
  EXPECT_EQ(r.file("data"), fs::path());  // null: the variant has no data image
  EXPECT_EQ(r.sha256.at("boot.ext4.lz4"), "d2");
  ASSERT_TRUE(find_image_record(dir.path()));
  EXPECT_EQ(find_image_record(dir.path())->files.size(), 2U);
}

TEST(ImageRecord, RefusesAFileOutsideItsFolderOrMissing) {
  TempDir dir("osbuild-records-test");
  Json doc = image_json();
  doc["files"]["disk"] = "../os.img";
  write_file_atomic(dir.path() / "image.json", doc.dump());
  EXPECT_EQ(error_of([&] { read_image_record(dir.path(), "run osbuild image dev"); }),
            (dir.path() / "image.json").string() +
                ": files.disk must be a file name beside image.json | run osbuild image dev");
  EXPECT_FALSE(find_image_record(dir.path()));
  write_file_atomic(dir.path() / "image.json", image_json().dump());
  EXPECT_NE(error_of([&] { read_image_record(dir.path(), "again"); }).find("names "),
            std::string::npos);
  EXPECT_FALSE(find_image_record(dir.path() / "nowhere"));
}

TEST(ImageRecord, ImagesLiveByArchVariantAndVersion) {
  EXPECT_EQ(image_dir("/p/build", Arch::aarch64, "dev", "1.4.0"),
            "/p/build/images/aarch64-dev/1.4.0");
}

TEST(FetchedKit, WhatFetchWritesThePackagesRead) {
  TempDir dir("osbuild-records-test");
  EXPECT_FALSE(read_fetched_kit(dir.path(), Arch::x86_64, "core-kit"));
  Json doc = {{"name", "core-kit"}, {"packages", Json::array()}};
  write_fetched_kit(dir.path(), Arch::x86_64, "core-kit", doc);
  EXPECT_EQ(fetched_kit_path(dir.path(), Arch::x86_64, "core-kit"),
            fetched_kits_dir(dir.path(), Arch::x86_64) / "core-kit.json");
  ASSERT_TRUE(read_fetched_kit(dir.path(), Arch::x86_64, "core-kit"));
  EXPECT_EQ(*read_fetched_kit(dir.path(), Arch::x86_64, "core-kit"), doc);
}

}  // namespace
}  // namespace osbuild::workspace
