#include <gtest/gtest.h>

#include "osbuild/image/layout.h"

namespace osbuild::image {
namespace {

config::ImageSettings settings(std::uint32_t os_mib, config::PartitionPlan plan, bool ab,
                               std::uint32_t data_mib = 256) {
  config::ImageSettings s;
  s.os_image_size_mib = os_mib;
  s.data_image_size_mib = data_mib;
  s.partition_plan = plan;
  s.in_place_updates = ab;
  return s;
}

std::vector<std::string> names(const DiskPlan& plan) {
  std::vector<std::string> out;
  for (const auto& p : plan.partitions) out.push_back(p.name);
  return out;
}

// Partitions are contiguous from 1 MiB and leave the last MiB for the backup GPT.
void expect_tiles(const DiskPlan& plan) {
  std::uint64_t at = 1;
  for (const auto& p : plan.partitions) {
    EXPECT_EQ(p.start_mib, at) << p.name;
    EXPECT_GE(p.size_mib, 1u) << p.name;
    at += p.size_mib;
  }
  EXPECT_EQ(at + 1, plan.size_mib);
}

TEST(Layout, BottlerocketDefaultTwoGiB) {
  auto plan = plan_image(settings(2048, config::PartitionPlan::split, true, 1024));
  ASSERT_TRUE(plan.ok()) << plan.error();
  const auto& os = plan.value().os;
  // partyplanner for 2 GiB: per bank EFI 5 + BOOT 40 + ROOT 920 + HASH 10 + RESERVED 25.
  EXPECT_EQ(os.find(PartitionRole::boot, 'A').size_mib, 40u);
  EXPECT_EQ(os.find(PartitionRole::root, 'B').size_mib, 920u);
  EXPECT_EQ(os.find(PartitionRole::hash, 'A').size_mib, 10u);
  EXPECT_EQ(os.find(PartitionRole::reserved, 'B').size_mib, 25u);
  EXPECT_EQ(os.find(PartitionRole::efi, 'A').size_mib, 5u);
  EXPECT_EQ(os.find(PartitionRole::private_).size_mib, 41u);
  EXPECT_EQ(os.find(PartitionRole::data).size_mib, 1u);
  EXPECT_EQ(os.size_mib, 2048u);
  expect_tiles(os);
  ASSERT_TRUE(plan.value().data.has_value());
  EXPECT_EQ(plan.value().data->partitions.at(0).size_mib, 1022u);
  EXPECT_EQ(plan.value().data->partitions.at(0).type, types::data());
  EXPECT_EQ(os.find(PartitionRole::data).type, types::data_fallback());
}

TEST(Layout, BankOrder) {
  auto plan = plan_image(settings(512, config::PartitionPlan::split, true));
  ASSERT_TRUE(plan.ok()) << plan.error();
  std::vector<std::string> expected = {"BIOS-BOOT",
                                       "EFI-SYSTEM",
                                       "BOTTLEROCKET-BOOT-A",
                                       "BOTTLEROCKET-ROOT-A",
                                       "BOTTLEROCKET-HASH-A",
                                       "BOTTLEROCKET-RESERVED-A",
                                       "EFI-BACKUP",
                                       "BOTTLEROCKET-BOOT-B",
                                       "BOTTLEROCKET-ROOT-B",
                                       "BOTTLEROCKET-HASH-B",
                                       "BOTTLEROCKET-RESERVED-B",
                                       "BOTTLEROCKET-PRIVATE",
                                       "BOTTLEROCKET-DATA"};
  EXPECT_EQ(names(plan.value().os), expected);
  expect_tiles(plan.value().os);
  EXPECT_EQ(plan.value().os.find(PartitionRole::boot, 'A').attributes, (1ull << 48) | (1ull << 56));
  EXPECT_EQ(plan.value().os.find(PartitionRole::boot, 'B').attributes, 0u);
}

TEST(Layout, OneBankDoublesEachPartition) {
  auto ab = plan_image(settings(1024, config::PartitionPlan::unified, true)).value();
  auto one = plan_image(settings(1024, config::PartitionPlan::unified, false)).value();
  EXPECT_EQ(one.os.partitions.size(), ab.os.partitions.size() - 5);
  for (auto role : {PartitionRole::efi, PartitionRole::boot, PartitionRole::root,
                    PartitionRole::hash, PartitionRole::reserved}) {
    EXPECT_EQ(one.os.find(role).size_mib, 2 * ab.os.find(role).size_mib);
  }
  expect_tiles(one.os);
}

TEST(Layout, UnifiedAppendsData) {
  auto plan = plan_image(settings(512, config::PartitionPlan::unified, true, 300)).value();
  EXPECT_FALSE(plan.data.has_value());
  EXPECT_EQ(plan.os.size_mib, 812u);
  EXPECT_EQ(plan.os.find(PartitionRole::data).size_mib, 300u);
  EXPECT_EQ(plan.os.find(PartitionRole::data).type, types::data());
  expect_tiles(plan.os);
}

TEST(Layout, TooSmallNamesTheMinimum) {
  auto plan = plan_image(settings(256, config::PartitionPlan::split, true));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().find("os-image-size-mib = 256 is too small"), std::string::npos)
      << plan.error();
  EXPECT_NE(plan.error().find("RESERVED would get"), std::string::npos) << plan.error();
  // The minimum it names works, and one less does not.
  auto at = plan.error().rfind("at least ");
  std::uint32_t minimum = static_cast<std::uint32_t>(std::stoul(plan.error().substr(at + 9)));
  EXPECT_TRUE(plan_image(settings(minimum, config::PartitionPlan::split, true)).ok());
  EXPECT_FALSE(plan_image(settings(minimum - 1, config::PartitionPlan::split, true)).ok());
}

TEST(Layout, DataTooSmall) {
  auto plan = plan_image(settings(512, config::PartitionPlan::split, true, 2));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().find("data-image-size-mib = 2 is too small"), std::string::npos)
      << plan.error();
}

TEST(Layout, GptGuidsFollowTheSeed) {
  auto plan = plan_image(settings(512, config::PartitionPlan::split, true)).value();
  GptDisk a = gpt_for(plan.os, "seed-1", "os");
  GptDisk b = gpt_for(plan.os, "seed-1", "os");
  GptDisk c = gpt_for(plan.os, "seed-2", "os");
  EXPECT_EQ(gpt_primary(a), gpt_primary(b));
  EXPECT_NE(a.disk_guid, c.disk_guid);
  EXPECT_NE(a.partitions[3].guid, c.partitions[3].guid);
  EXPECT_EQ(a.partitions[3].first_lba, plan.os.partitions[3].start_mib * 2048);
}

}  // namespace
}  // namespace osbuild::image
