#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "osbuild/image/disk.h"
#include "osbuild/util/error.h"

namespace osbuild::image {
namespace {

namespace fs = std::filesystem;

class PinVmdkCid : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "osbuild-vmdk-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
  }
  void TearDown() override { fs::remove_all(m_dir); }

  // A stream-optimized VMDK's head: a header sector, then the descriptor text padded with zeros.
  fs::path write(const std::string& name, const std::string& cid) {
    std::string text = "# Disk DescriptorFile\nversion=1\nCID=" + cid +
                       "\nparentCID=ffffffff\ncreateType=\"streamOptimized\"\n";
    std::string bytes = std::string(512, 'H') + text;
    bytes.resize(1024, '\0');
    bytes += std::string(512, 'G');
    fs::path path = m_dir / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  fs::path m_dir;
};

TEST_F(PinVmdkCid, GivesTheSameBytesWhateverTheLengthOfQemusCid) {
  // qemu-img prints the random CID without leading zeros: 1 to 8 hex digits.
  fs::path full = write("full.vmdk", "fecc9487");
  fs::path short_cid = write("short.vmdk", "ecc948");
  fs::path one = write("one.vmdk", "7");
  for (const auto& path : {full, short_cid, one}) pin_vmdk_cid(path, "seed");
  std::string pinned = read(full);
  EXPECT_EQ(read(short_cid), pinned);
  EXPECT_EQ(read(one), pinned);
  EXPECT_EQ(pinned.size(), 1536u);
  auto at = pinned.find("\nCID=");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(pinned.substr(at + 13, 20), "\nparentCID=ffffffff\n");
  EXPECT_EQ(pinned.substr(0, 512), std::string(512, 'H'));
  EXPECT_EQ(pinned.substr(1024), std::string(512, 'G'));
  // Another seed, another CID; the same seed again changes nothing.
  fs::path other = write("other.vmdk", "fecc9487");
  pin_vmdk_cid(other, "another seed");
  EXPECT_NE(read(other), pinned);
  pin_vmdk_cid(full, "seed");
  EXPECT_EQ(read(full), pinned);
}

TEST_F(PinVmdkCid, RefusesADescriptorWithoutACid) {
  fs::path path = m_dir / "plain.vmdk";
  std::ofstream(path, std::ios::binary) << std::string(1024, '\0');
  EXPECT_THROW(pin_vmdk_cid(path, "seed"), Error);
}

TEST_F(PinVmdkCid, RefusesADescriptorWithNoRoomForEightDigits) {
  // The text runs to the end of the file: no padding to absorb a longer CID.
  fs::path path = m_dir / "full.vmdk";
  std::ofstream(path, std::ios::binary)
      << std::string(512, 'H') << "version=1\nCID=7\nparentCID=ffffffff\n";
  try {
    pin_vmdk_cid(path, "seed");
    ADD_FAILURE() << "a descriptor without padding was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no room after the descriptor"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace osbuild::image
