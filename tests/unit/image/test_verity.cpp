#include <gtest/gtest.h>

#include "image_test_util.h"
#include "osbuild/image/verity.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::image {
namespace {

namespace fs = std::filesystem;

using testing::pseudo_random;
using testing::shell;

VerityParams params(std::string_view salt_hex) {
  VerityParams p;
  for (std::size_t i = 0; i < salt_hex.size(); i += 2) {
    p.salt.push_back(
        static_cast<std::uint8_t>(std::stoi(std::string(salt_hex.substr(i, 2)), nullptr, 16)));
  }
  p.uuid = Guid::parse("11111111-2222-4333-8444-555555555555").value();
  return p;
}

// A vector computed once with `veritysetup format --salt 00112233 --uuid 1111…` on 129 blocks of
// pseudo_random(129 * 4096, 7); kept so the test means something where veritysetup is missing.
TEST(Verity, KnownVector) {
  TempDir dir("osbuild-verity-test");
  write_file_atomic(dir.path() / "data", pseudo_random(129 * 4096, 7), Durability::cache);
  auto result = write_verity(dir.path() / "data", dir.path() / "hash", params("00112233"));
  EXPECT_EQ(result.data_blocks, 129u);
  EXPECT_EQ(result.hash_bytes, 4u * 4096);
  EXPECT_EQ(fs::file_size(dir.path() / "hash"), 4u * 4096);
  EXPECT_EQ(result.root_hash, "8809fff80c868cd0f6692a75b2525bbdf265e670623ee58b3b14809d9597861d");
}

class VeritysetupTest : public ::testing::TestWithParam<std::uint64_t> {};

// Root hash and every byte of the hash device equal veritysetup's, across the level boundaries.
TEST_P(VeritysetupTest, SameRootHashAndBytes) {
  std::uint64_t blocks = GetParam();
  TempDir dir("osbuild-verity-test");
  fs::path data = dir.path() / "data";
  write_file_atomic(data, pseudo_random(blocks * 4096, blocks), Durability::cache);
  std::string salt = "5e1f0c0ffee0ddba11cafe0123456789abcdef0123456789abcdef0123456789";
  auto ours = write_verity(data, dir.path() / "ours", params(salt));
  auto [status, out] = shell(
      "veritysetup format --hash sha256 --data-block-size 4096 --hash-block-size 4096 --salt " +
      salt + " --uuid 11111111-2222-4333-8444-555555555555 " + data.string() + " " +
      (dir.path() / "theirs").string());
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("Root hash:      \t" + ours.root_hash), std::string::npos)
      << "ours " << ours.root_hash << "\n"
      << out;
  EXPECT_EQ(read_file_or_throw(dir.path() / "ours"), read_file_or_throw(dir.path() / "theirs"));
  auto [vstatus, vout] = shell("veritysetup verify " + data.string() + " " +
                               (dir.path() / "ours").string() + " " + ours.root_hash);
  EXPECT_EQ(vstatus, 0) << vout;
}

INSTANTIATE_TEST_SUITE_P(Sizes, VeritysetupTest,
                         ::testing::Values(1, 2, 127, 128, 129, 1000, 16384, 16385));

TEST(Verity, RejectsPartialBlocks) {
  TempDir dir("osbuild-verity-test");
  write_file_atomic(dir.path() / "data", std::string(5000, 'x'), Durability::cache);
  EXPECT_THROW(write_verity(dir.path() / "data", dir.path() / "hash", params("00")), Error);
}

TEST(Verity, KernelTableAsBottlerocketWritesIt) {
  VerityResult r{"ab" + std::string(62, 'c'), 1000, 0};
  std::string table = dm_mod_create(r, params("0102"), "$boot_uuid");
  EXPECT_EQ(table,
            "dm-mod.create=\"root,,,ro,0 8000 verity 1 PARTUUID=$boot_uuid/PARTNROFF=1 "
            "PARTUUID=$boot_uuid/PARTNROFF=2 4096 4096 1000 1 sha256 " +
                r.root_hash + " 0102 2 restart_on_corruption ignore_zero_blocks\"");
}

}  // namespace
}  // namespace osbuild::image
