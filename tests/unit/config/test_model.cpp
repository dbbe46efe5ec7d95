#include <gtest/gtest.h>

#include "osbuild/config/model.h"

using namespace osbuild::config;

TEST(SourceLocation, FormatsFileLineColumn) {
  EXPECT_EQ((SourceLocation{"packages/zlib/package.toml", 12, 3}.str()),
            "packages/zlib/package.toml:12:3");
  EXPECT_EQ((SourceLocation{"osbuild.toml", 4, 0}.str()), "osbuild.toml:4");
  EXPECT_EQ((SourceLocation{"osbuild.toml", 0, 0}.str()), "osbuild.toml");
}

TEST(ModelNames, AreTheSpellingsOfTheFiles) {
  EXPECT_EQ(build_system_name(BuildSystem::cmake), "cmake");
  EXPECT_EQ(build_system_name(BuildSystem::autotools), "autotools");
  EXPECT_EQ(build_system_name(BuildSystem::make), "make");
  EXPECT_EQ(build_system_name(BuildSystem::script), "script");
  EXPECT_EQ(image_format_name(ImageFormat::raw), "raw");
  EXPECT_EQ(image_format_name(ImageFormat::qcow2), "qcow2");
  EXPECT_EQ(image_format_name(ImageFormat::vmdk), "vmdk");
  EXPECT_EQ(root_filesystem_name(RootFilesystem::erofs), "erofs");
  EXPECT_EQ(root_filesystem_name(RootFilesystem::squashfs), "squashfs");
  EXPECT_EQ(root_filesystem_name(RootFilesystem::ext4), "ext4");
  EXPECT_EQ(partition_plan_name(PartitionPlan::split), "split");
  EXPECT_EQ(partition_plan_name(PartitionPlan::unified), "unified");
}
