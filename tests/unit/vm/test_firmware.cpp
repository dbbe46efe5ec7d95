// Firmware descriptors as QEMU's docs/interop/firmware.json describes them, written here.
#include <gtest/gtest.h>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/vm/firmware.h"

namespace osbuild::vm {
namespace {

Json descriptor(const std::string& arch, const std::string& code, const std::string& vars,
                Json features = Json::array()) {
  return {{"description", "test firmware"},
          {"interface-types", {"uefi"}},
          {"mapping",
           {{"device", "flash"},
            {"executable", {{"filename", code}, {"format", "raw"}}},
            {"nvram-template", {{"filename", vars}, {"format", "raw"}}}}},
          {"targets", {{{"architecture", arch}, {"machines", {"virt-*", "pc-q35-*"}}}}},
          {"features", std::move(features)},
          {"tags", Json::array()}};
}

class FirmwareDir : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(fw() / "desc");
    for (const char* f :
         {"CODE.fd", "VARS.fd", "SB_CODE.fd", "SB_VARS.fd", "AA_CODE.fd", "AA_VARS.fd"}) {
      write_file_atomic(fw() / f, "firmware");
    }
  }
  fs::path fw() const { return m_dir.path(); }
  void write(const std::string& name, const Json& doc, const fs::path& dir = {}) {
    fs::path d = dir.empty() ? fw() / "desc" : dir;
    fs::create_directories(d);
    write_file_atomic(d / name, doc.dump(2));
  }
  std::string f(const char* name) const { return (fw() / name).string(); }

 private:
  TempDir m_dir;
};

TEST_F(FirmwareDir, ParsesAPlainUefiDescriptor) {
  auto found = parse_firmware_descriptor(descriptor("x86_64", "/c.fd", "/v.fd"), Arch::x86_64,
                                         "/d/60-edk2-x86_64.json");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->code, "/c.fd");
  EXPECT_EQ(found->vars_template, "/v.fd");
  EXPECT_EQ(found->format, "raw");
  EXPECT_EQ(found->source, "/d/60-edk2-x86_64.json");
}

TEST_F(FirmwareDir, RefusesSecureBootSmmOtherArchesAndOtherMappings) {
  EXPECT_FALSE(parse_firmware_descriptor(descriptor("aarch64", "/c", "/v"), Arch::x86_64, "d"));
  for (const char* feature : {"secure-boot", "requires-smm", "enrolled-keys"}) {
    EXPECT_FALSE(parse_firmware_descriptor(descriptor("x86_64", "/c", "/v", {"acpi-s3", feature}),
                                           Arch::x86_64, "d"))
        << feature;
  }
  Json bios = descriptor("x86_64", "/c", "/v");
  bios["interface-types"] = {"bios"};
  EXPECT_FALSE(parse_firmware_descriptor(bios, Arch::x86_64, "d"));
  Json memory = descriptor("x86_64", "/c", "/v");
  memory["mapping"] = {{"device", "memory"}, {"filename", "/c"}};
  EXPECT_FALSE(parse_firmware_descriptor(memory, Arch::x86_64, "d"));
  EXPECT_FALSE(parse_firmware_descriptor(Json("not an object"), Arch::x86_64, "d"));
}

TEST_F(FirmwareDir, FindsTheFirstFittingDescriptorByName) {
  write("40-secure.json", descriptor("x86_64", f("SB_CODE.fd"), f("SB_VARS.fd"), {"secure-boot"}));
  write("50-missing-files.json", descriptor("x86_64", f("NONE.fd"), f("VARS.fd")));
  write("60-plain.json", descriptor("x86_64", f("CODE.fd"), f("VARS.fd")));
  write("60-aarch64.json", descriptor("aarch64", f("AA_CODE.fd"), f("AA_VARS.fd")));
  write("README", Json("not a descriptor"));
  auto x86 = find_firmware_descriptor(Arch::x86_64, {fw() / "desc"});
  ASSERT_TRUE(x86);
  EXPECT_EQ(x86->code, fw() / "CODE.fd");
  auto arm = find_firmware_descriptor(Arch::aarch64, {fw() / "desc"});
  ASSERT_TRUE(arm);
  EXPECT_EQ(arm->vars_template, fw() / "AA_VARS.fd");
  EXPECT_FALSE(find_firmware_descriptor(Arch::x86_64, {fw() / "nowhere"}));
}

TEST_F(FirmwareDir, AnEarlierFolderHidesTheSameNameInALaterOne) {
  write("60-plain.json", descriptor("x86_64", f("CODE.fd"), f("VARS.fd")));
  write("60-plain.json", descriptor("aarch64", f("AA_CODE.fd"), f("AA_VARS.fd")), fw() / "etc");
  EXPECT_FALSE(find_firmware_descriptor(Arch::x86_64, {fw() / "etc", fw() / "desc"}));
  EXPECT_TRUE(find_firmware_descriptor(Arch::aarch64, {fw() / "etc", fw() / "desc"}));
}

TEST_F(FirmwareDir, SettingNamesADescriptorOrACodeFile) {
  write("mine.json", descriptor("x86_64", f("CODE.fd"), f("VARS.fd")));
  auto from_json =
      resolve_firmware(Arch::x86_64, fw() / "desc" / "mine.json", "qemu.firmware-x86_64", {});
  EXPECT_EQ(from_json.code, fw() / "CODE.fd");
  auto from_code =
      resolve_firmware(Arch::aarch64, fw() / "AA_CODE.fd", "qemu.firmware-aarch64", {});
  EXPECT_EQ(from_code.vars_template, fw() / "AA_VARS.fd");
  EXPECT_EQ(from_code.source, "qemu.firmware-aarch64");
  try {
    resolve_firmware(Arch::x86_64, fw() / "missing_CODE.fd", "qemu.firmware-x86_64", {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("qemu.firmware-x86_64: no firmware code"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(resolve_firmware(Arch::aarch64, fw() / "desc" / "mine.json", "s", {}), Error);
}

TEST_F(FirmwareDir, SettingWinsOverDescriptors) {
  write("60-plain.json", descriptor("x86_64", f("CODE.fd"), f("VARS.fd")));
  EXPECT_EQ(resolve_firmware(Arch::x86_64, {}, "s", {fw() / "desc"}).code, fw() / "CODE.fd");
  EXPECT_EQ(resolve_firmware(Arch::x86_64, fw() / "SB_CODE.fd", "s", {fw() / "desc"}).code,
            fw() / "SB_CODE.fd");
}

TEST(Firmware, BuiltinPathsAreDebians) {
  EXPECT_EQ(builtin_firmware(Arch::x86_64).code, "/usr/share/OVMF/OVMF_CODE_4M.fd");
  EXPECT_EQ(builtin_firmware(Arch::x86_64).vars_template, "/usr/share/OVMF/OVMF_VARS_4M.fd");
  EXPECT_EQ(builtin_firmware(Arch::aarch64).code, "/usr/share/AAVMF/AAVMF_CODE.fd");
  EXPECT_EQ(std::string(firmware_package(Arch::aarch64)), "qemu-efi-aarch64");
}

}  // namespace
}  // namespace osbuild::vm
