// read_elf_dynamic on programs compiled here (static and dynamic, with a RUNPATH) and on
// hand-made 32-bit big-endian headers.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "osbuild/toolchain/elf.h"
#include "osbuild/util/fs.h"

using namespace osbuild;
using namespace osbuild::toolchain;
namespace fs = std::filesystem;

namespace {

bool compile(const fs::path& dir, const std::string& flags, const fs::path& out) {
  write_file_atomic(dir / "p.c", "int main(void) { return 0; }\n", Durability::cache);
  std::string cmd = "cc " + flags + " " + (dir / "p.c").string() + " -o " + out.string() +
                    " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

ElfDynamicInfo info_of(const fs::path& file) {
  auto r = read_elf_dynamic(file);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  EXPECT_TRUE(r.ok() && r.value().has_value());
  return r.ok() && r.value() ? *r.value() : ElfDynamicInfo{};
}

// An ELF32 big-endian header with one PT_INTERP segment naming /lib/ld.so.1.
std::string elf32_big_endian_with_interp() {
  std::string f(52 + 32 + 16, '\0');
  f[0] = 0x7f, f[1] = 'E', f[2] = 'L', f[3] = 'F', f[4] = 1, f[5] = 2, f[6] = 1;
  f[17] = 2;                // e_type ET_EXEC
  f[19] = 8;                // e_machine MIPS
  f[31] = 52;               // e_phoff
  f[43] = 32;               // e_phentsize
  f[45] = 1;                // e_phnum
  std::size_t ph = 52;
  f[ph + 3] = 3;            // PT_INTERP
  f[ph + 7] = 84;           // p_offset
  f[ph + 19] = 13;          // p_filesz
  f.replace(84, 13, std::string("/lib/ld.so.1\0", 13));
  return f;
}

}  // namespace

TEST(ReadElfDynamic, AStaticProgramNeedsNothing) {
  TempDir dir;
  if (!compile(dir.path(), "-static", dir.path() / "static")) GTEST_SKIP() << "no static libc";
  auto info = info_of(dir.path() / "static");
  EXPECT_EQ(info.bits, 64u);
  EXPECT_EQ(info.interpreter, "");
  EXPECT_TRUE(info.needed.empty());
}

TEST(ReadElfDynamic, ADynamicProgramNamesItsInterpreterLibcAndRunpath) {
  TempDir dir;
  ASSERT_TRUE(compile(dir.path(), "-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib:/opt/x'",
                      dir.path() / "dynamic"));
  auto info = info_of(dir.path() / "dynamic");
  EXPECT_EQ(info.type, k_et_dyn);  // PIE
  EXPECT_NE(info.interpreter.find("/ld-linux"), std::string::npos) << info.interpreter;
  EXPECT_EQ(info.needed, (std::vector<std::string>{"libc.so.6"}));
  EXPECT_EQ(info.runpath, (std::vector<std::string>{"$ORIGIN/../lib", "/opt/x"}));
  EXPECT_TRUE(info.rpath.empty());
}

TEST(ReadElfDynamic, OldStyleRpath) {
  TempDir dir;
  ASSERT_TRUE(compile(dir.path(), "-Wl,--disable-new-dtags,-rpath,/opt/lib", dir.path() / "rp"));
  auto info = info_of(dir.path() / "rp");
  EXPECT_EQ(info.rpath, (std::vector<std::string>{"/opt/lib"}));
  EXPECT_TRUE(info.runpath.empty());
}

TEST(ReadElfDynamic, Elf32BigEndian) {
  TempDir dir;
  write_file_atomic(dir.path() / "mips", elf32_big_endian_with_interp(), Durability::cache);
  auto info = info_of(dir.path() / "mips");
  EXPECT_EQ(info.bits, 32u);
  EXPECT_EQ(info.machine, 8u);
  EXPECT_EQ(info.type, k_et_exec);
  EXPECT_EQ(info.interpreter, "/lib/ld.so.1");
}

TEST(ReadElfDynamic, NotElfAndDamaged) {
  TempDir dir;
  write_file_atomic(dir.path() / "script", "#!/bin/sh\necho hi\n", Durability::cache);
  auto script = read_elf_dynamic(dir.path() / "script");
  ASSERT_TRUE(script.ok());
  EXPECT_FALSE(script.value().has_value());
  std::string bad = elf32_big_endian_with_interp();
  bad[4] = 7;  // no such class
  write_file_atomic(dir.path() / "bad", bad, Durability::cache);
  EXPECT_FALSE(read_elf_dynamic(dir.path() / "bad").ok());
  std::string truncated = elf32_big_endian_with_interp().substr(0, 90);  // PT_INTERP cut short
  write_file_atomic(dir.path() / "cut", truncated, Durability::cache);
  EXPECT_FALSE(read_elf_dynamic(dir.path() / "cut").ok());
}
