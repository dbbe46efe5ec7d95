// check_elf_arch on hand-made ELF headers, and the files write_tool_dir lays out.
#include <gtest/gtest.h>

#include <filesystem>

#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"

using namespace osbuild;
using namespace osbuild::toolchain;
namespace fs = std::filesystem;

namespace {

// The first 20 bytes of a little-endian ELF64 file for `machine`.
std::string elf_header(unsigned machine) {
  std::string h(64, '\0');
  h[0] = 0x7f, h[1] = 'E', h[2] = 'L', h[3] = 'F', h[4] = 2, h[5] = 1, h[6] = 1;
  h[16] = 2;  // ET_EXEC
  h[18] = static_cast<char>(machine & 0xff);
  h[19] = static_cast<char>(machine >> 8);
  return h;
}

std::string error_of(const fs::path& tree, Arch arch) {
  try {
    check_elf_arch(tree, arch);
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST(CheckElfArch, AHostBinaryInACrossBuildIsNamed) {
  TempDir dir;
  fs::create_directories(dir.path() / "usr/bin");
  write_file_atomic(dir.path() / "usr/bin/good", elf_header(183), Durability::cache);
  write_file_atomic(dir.path() / "usr/bin/bad", elf_header(62), Durability::cache);
  write_file_atomic(dir.path() / "usr/bin/script", "#!/bin/sh\n", Durability::cache);
  EXPECT_EQ(error_of(dir.path(), Arch::aarch64),
            (dir.path() / "usr/bin/bad").string() +
                ": ELF file for x86_64 (e_machine 62), but the target is aarch64 (e_machine 183)");
  EXPECT_NE(error_of(dir.path(), Arch::x86_64).find("usr/bin/good: ELF file for aarch64"),
            std::string::npos);
}

TEST(CheckElfArch, CountsTheOthersAndIgnoresSymlinks) {
  TempDir dir;
  write_file_atomic(dir.path() / "a", elf_header(62), Durability::cache);
  write_file_atomic(dir.path() / "b", elf_header(62), Durability::cache);
  fs::create_symlink("/bin/true", dir.path() / "link");
  EXPECT_NE(error_of(dir.path(), Arch::aarch64).find("(and 1 more)"), std::string::npos);
  fs::remove(dir.path() / "a");
  fs::remove(dir.path() / "b");
  EXPECT_EQ(error_of(dir.path(), Arch::aarch64), "");
}

TEST(WriteToolDir, ZigGetsWrappersConfigAndCmakeFile) {
  TempDir dir;
  ResolvedToolchain t;
  t.name = "zig-aarch64-linux-gnu.2.28";
  t.kind = ToolchainKind::zig;
  t.target_arch = Arch::aarch64;
  t.host_arch = Arch::x86_64;
  t.zig_target = "aarch64-linux-gnu.2.28";
  t.gnu_triple = "aarch64-linux-gnu";
  t.compiler = "/usr/local/bin/zig";
  t.zig_version = "0.11.0";
  t.clang_major = 16;
  t.target_values = {{"cpu", "aarch64"}, {"libc", "gnu"}, {"os", "linux"}, {"glibc", "2.28"}};
  fs::path tools = dir.path() / "tools";
  write_tool_dir(t, tools, "/bin/true");
  EXPECT_EQ(fs::read_symlink(tools / "osbuild-cc"), "/bin/true");
  EXPECT_TRUE(fs::is_symlink(tools / "osbuild-strip"));
  auto config = Json::parse(read_file_or_throw(tools / "osbuild-toolchain.json"));
  EXPECT_EQ(config["target"], "aarch64-linux-gnu.2.28");
  EXPECT_EQ(config["zig_minor"], 11);
  std::string cmake = read_file_or_throw(tools / "toolchain.cmake");
  EXPECT_NE(cmake.find("set(CMAKE_C_COMPILER \"" + (tools / "osbuild-cc").string() + "\")"),
            std::string::npos)
      << cmake;
  EXPECT_NE(cmake.find("set(CMAKE_SYSTEM_PROCESSOR aarch64)"), std::string::npos);
  std::string script = read_file_or_throw(tools / "aarch64-linux-gnu-gcc");
  EXPECT_EQ(script, "#!/bin/sh\nexec '" + (tools / "osbuild-cc").string() + "' \"$@\"\n");
  // The environment hands anything but zig the triple without its glibc suffix.
  auto env = t.environment(tools, dir.path() / "zig");
  EXPECT_EQ(env.at("OSBUILD_TARGET"), "aarch64-linux-gnu");
  EXPECT_EQ(env.at("CC"), (tools / "osbuild-cc").string());
  EXPECT_EQ(env.at("ZIG_GLOBAL_CACHE_DIR"), (dir.path() / "zig").string());
  EXPECT_EQ(t.autotools_args(),
            (std::vector<std::string>{"--host=aarch64-linux-gnu", "--build=x86_64-linux-gnu"}));
  Json id = t.identity();
  EXPECT_EQ(id["wrapper_rule_version"], k_wrapper_rule_version);
  EXPECT_EQ(id["target"], "aarch64-linux-gnu.2.28");
  EXPECT_EQ(id["target_constraints"]["glibc"], "2.28");
}

TEST(WriteToolDir, UnchangedFilesKeepTheirMtime) {
  TempDir dir;
  ResolvedToolchain t;
  t.name = "host-gcc";
  t.real = {"/usr/bin/gcc", "/usr/bin/g++", "/usr/bin/ar", "/usr/bin/ranlib", "/usr/bin/strip"};
  t.gnu_triple = "x86_64-linux-gnu";
  write_tool_dir(t, dir.path(), "/bin/true");
  auto before = fs::last_write_time(dir.path() / "toolchain.cmake");
  write_tool_dir(t, dir.path(), "/bin/true");
  EXPECT_EQ(fs::last_write_time(dir.path() / "toolchain.cmake"), before);
  EXPECT_FALSE(fs::exists(dir.path() / "osbuild-cc"));  // gcc runs as itself
  EXPECT_EQ(read_file_or_throw(dir.path() / "toolchain.cmake").find("CMAKE_SYSTEM_NAME"),
            std::string::npos);
}
