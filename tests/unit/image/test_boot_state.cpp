// The grubenv record (format, parse, the update flow's changes), the selector's partition numbers
// from the plan, and finding the record inside a FAT image made by mkfs.fat and mtools.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include "image_test_util.h"
#include "osbuild/image/boot_state.h"
#include "osbuild/image/esp.h"
#include "osbuild/image/fat.h"
#include "osbuild/image/layout.h"

namespace osbuild::image {

namespace fs = std::filesystem;
using testing::shell;

TEST(Grubenv, FormatIsGrubsBlockAndParsesBack) {
  BootState state = initial_boot_state({'A', 'B'});
  std::string block = format_grubenv(state);
  ASSERT_EQ(block.size(), 1024u);
  EXPECT_EQ(block.substr(0, 83),
            "# GRUB Environment Block\nA_ok=1\nA_tries=0\nB_ok=0\nB_tries=0\nboot_order=A B\n"
            "#########");
  EXPECT_EQ(parse_grubenv(block).value(), state);
  EXPECT_FALSE(parse_grubenv(block.substr(1)).ok());
  EXPECT_FALSE(parse_grubenv(std::string(1024, '#')).ok());
}

TEST(Grubenv, TheUpdateFlow) {
  BootState s = try_bank(initial_boot_state({'A', 'B'}), 'B');
  EXPECT_EQ(s["boot_order"], "B A");
  EXPECT_EQ(s["B_ok"], "0");
  EXPECT_EQ(s["B_tries"], "1");
  EXPECT_EQ(boot_state_json(s)["next"], "B");
  s["B_tries"] = "0";  // GRUB took the try and B never reported success
  EXPECT_EQ(boot_state_json(s)["next"], "A");
  s = mark_good(s, 'B');
  EXPECT_EQ(boot_state_json(s)["next"], "B");
  s = prefer_bank(s, 'A');
  EXPECT_EQ(s["boot_order"], "A B");
  EXPECT_THROW(try_bank(s, 'C'), UsageError);
  s["A_ok"] = "0";
  s["B_ok"] = "0";
  EXPECT_TRUE(boot_state_json(s)["next"].is_null());
}

TEST(Grubenv, SetChecksWhatTheSelectorReads) {
  BootState s = initial_boot_state({'A', 'B'});
  EXPECT_EQ(set_boot_key(s, "B_tries", "3").value()["B_tries"], "3");
  EXPECT_EQ(set_boot_key(s, "boot_order", "B  A").value()["boot_order"], "B A");
  EXPECT_EQ(set_boot_key(s, "B_tries", "4").error(),
            "B_tries = \"4\": expected 0, 1, 2 or 3 (the selector counts down)");
  EXPECT_EQ(set_boot_key(s, "A_ok", "yes").error(), "A_ok = \"yes\": expected 0 or 1");
  EXPECT_FALSE(set_boot_key(s, "boot_order", "A A").ok());
  EXPECT_FALSE(set_boot_key(s, "boot_order", "").ok());
  EXPECT_EQ(set_boot_key(s, "C_ok", "1").error(),
            "no boot-state key C_ok; the keys are boot_order, A_ok, A_tries, B_ok, B_tries");
  BootStateChanges changes;
  changes.try_bank = "b";
  changes.set = {"A_tries=2"};
  BootState changed = apply_changes(s, changes);
  EXPECT_EQ(changed["boot_order"], "B A");
  EXPECT_EQ(changed["A_tries"], "2");
  changes.set = {"A_tries"};
  EXPECT_THROW(apply_changes(s, changes), UsageError);
}

TEST(Selector, PartitionNumbersComeFromThePlan) {
  config::ImageSettings settings;
  settings.os_image_size_mib = 2048;
  settings.data_image_size_mib = 64;
  std::string two = grub_selector(plan_image(settings).value().os);
  EXPECT_NE(two.find("set envfile=\"($disk,gpt2)/EFI/BOOT/grubenv\""), std::string::npos);
  EXPECT_NE(two.find("set root=\"($disk,gpt3)\""), std::string::npos);
  EXPECT_NE(two.find("set root=\"($disk,gpt8)\""), std::string::npos);
  EXPECT_NE(two.find("if [ \"$B_tries\" = 1 ]; then set B_tries=0; set bank=B; break; fi"),
            std::string::npos);
  settings.in_place_updates = false;
  std::string one = grub_selector(plan_image(settings).value().os);
  EXPECT_EQ(one.find("B_ok"), std::string::npos);
  EXPECT_NE(one.find("set boot_order=\"A\"; set A_ok=1; set A_tries=0"), std::string::npos);
  EXPECT_NE(one.find("save_env --file \"$envfile\" A_tries;"), std::string::npos);
}

TEST(Fat, FindsAFileThatMtoolsWrote) {
  if (shell("command -v mkfs.fat && command -v mcopy").first != 0) GTEST_SKIP() << "no mtools";
  TempDir dir;
  fs::path img = dir.path() / "esp.img";
  std::string env = format_grubenv(initial_boot_state({'A', 'B'}));
  write_file_atomic(dir.path() / "grubenv", env, Durability::cache);
  write_file_atomic(dir.path() / "big", testing::pseudo_random(300000, 7), Durability::cache);
  std::string i = " -i " + img.string();
  for (const auto& cmd :
       {"mkfs.fat -C " + img.string() + " 5120", "MTOOLS_SKIP_CHECK=1 mmd" + i + " ::/EFI ::/EFI/BOOT",
        "MTOOLS_SKIP_CHECK=1 mcopy" + i + " " + (dir.path() / "big").string() + " ::/EFI/BOOT/BIG.EFI",
        "MTOOLS_SKIP_CHECK=1 mcopy" + i + " " + (dir.path() / "grubenv").string() +
            " ::/EFI/BOOT/grubenv"}) {
    ASSERT_EQ(shell(cmd).first, 0) << cmd;
  }
  Fd fd{::open(img.c_str(), O_RDONLY)};
  auto file = locate_fat_file(fd.fd, 0, fs::file_size(img), "EFI/BOOT/grubenv");
  ASSERT_TRUE(file.ok()) << file.error();
  EXPECT_EQ(file.value().size, 1024u);
  std::string read;
  for (auto [at, length] : file.value().extents) {
    std::string part(length, '\0');
    ASSERT_EQ(::pread(fd.fd, part.data(), length, static_cast<off_t>(at)),
              static_cast<ssize_t>(length));
    read += part;
  }
  EXPECT_EQ(read, env);
  auto big = locate_fat_file(fd.fd, 0, fs::file_size(img), "efi/boot/big.efi");
  ASSERT_TRUE(big.ok()) << big.error();
  EXPECT_EQ(big.value().size, 300000u);
  EXPECT_FALSE(locate_fat_file(fd.fd, 0, fs::file_size(img), "EFI/BOOT/none").ok());
  EXPECT_FALSE(locate_fat_file(fd.fd, 0, fs::file_size(img), "EFI/grubenv").ok());
}

}  // namespace osbuild::image
