// zig's cache: where the filled one lives, its fill through the wrappers (once, stamped), and a
// build's own copy of it.
#include <gtest/gtest.h>

#include <filesystem>

#include "../fakes/fake_process.h"
#include "osbuild/toolchain/zig_cache.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"

using namespace osbuild;
using namespace osbuild::toolchain;
namespace fs = std::filesystem;

namespace {

ResolvedToolchain zig_toolchain() {
  ResolvedToolchain t;
  t.name = "zig-aarch64-linux-gnu";
  t.kind = ToolchainKind::zig;
  t.compiler = "/usr/local/bin/zig";
  t.zig_version = "0.11.0";
  t.zig_target = "aarch64-linux-gnu.2.28";
  t.cflags = {"-mcpu=generic"};
  return t;
}

}  // namespace

TEST(ZigCache, TheFilledCacheIsPerVersionAndTarget) {
  EXPECT_EQ(filled_zig_cache_dir(zig_toolchain(), "/c/zig"),
            fs::path("/c/zig/0.11.0/aarch64-linux-gnu.2.28"));
  EXPECT_EQ(zig_cache_stamp("/c/zig/0.11.0/aarch64-linux-gnu.2.28"),
            fs::path("/c/zig/0.11.0/aarch64-linux-gnu.2.28.filled"));
}

TEST(ZigCache, FillsThroughTheWrappersOnceWithTheBuildsFlags) {
  TempDir dir;
  fs::path cache = dir.path() / "zig/0.11.0/aarch64-linux-gnu.2.28";
  fakes::FakeRunner runner;
  fill_zig_cache(zig_toolchain(), cache, "/tools/zig", runner);
  auto commands = runner.commands();
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0].argv[0], "/tools/zig/osbuild-cc");
  EXPECT_EQ(commands[1].argv[0], "/tools/zig/osbuild-cc");
  EXPECT_EQ(commands[2].argv[0], "/tools/zig/osbuild-c++");
  for (const auto& c : commands) {
    EXPECT_EQ(c.argv[1], "-O2");
    EXPECT_EQ(c.argv[2], "-mcpu=generic");
    ASSERT_TRUE(c.env.has_value());
    EXPECT_EQ(c.env->at("ZIG_GLOBAL_CACHE_DIR"), cache.string());
    EXPECT_EQ(c.env->at("ZIG_LOCAL_CACHE_DIR"), cache.string());
  }
  EXPECT_EQ(runner.lines_with("-shared -fPIC").size(), 1u);
  EXPECT_TRUE(fs::exists(zig_cache_stamp(cache)));
  // Stamped: the next build finds it filled and compiles nothing.
  runner.reset();
  fill_zig_cache(zig_toolchain(), cache, "/tools/zig", runner);
  EXPECT_TRUE(runner.commands().empty());
}

TEST(ZigCache, AFailedFillSaysWhatFailedAndLeavesNoStamp) {
  TempDir dir;
  fs::path cache = dir.path() / "zig/0.11.0/aarch64-linux-gnu.2.28";
  fakes::FakeRunner runner;
  process::Result broken;
  broken.exit_code = 1;
  broken.out = "error: unable to build glibc shared objects";
  runner.on("osbuild-c++", broken);
  try {
    fill_zig_cache(zig_toolchain(), cache, "/tools/zig", runner);
    FAIL() << "the fill did not fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot fill zig's cache " + cache.string()),
              std::string::npos);
    EXPECT_NE(std::string(e.what()).find("unable to build glibc shared objects"),
              std::string::npos);
    EXPECT_NE(e.hint().find("cc -target aarch64-linux-gnu.2.28"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(zig_cache_stamp(cache)));
}

TEST(ZigCache, ABuildsCopyIsItsOwnAndGoesWithIt) {
  TempDir dir;
  fs::path filled = dir.path() / "filled";
  fs::create_directories(filled / "o/abc");
  write_file_atomic(filled / "o/abc/libc.a", "archive", Durability::cache);
  fs::path own = dir.path() / "work/zig-cache";
  {
    ZigCacheCopy copy(filled, own);
    EXPECT_EQ(copy.dir(), own);
    EXPECT_EQ(read_file_or_throw(own / "o/abc/libc.a"), "archive");
    write_file_atomic(own / "o/abc/libc.a", "poison", Durability::cache);
    EXPECT_EQ(read_file_or_throw(filled / "o/abc/libc.a"), "archive");
  }
  EXPECT_FALSE(fs::exists(own));
}

TEST(ZigCache, ACopyWithoutCpIsMadeFileByFile) {
  TempDir dir;
  fs::path filled = dir.path() / "filled";
  fs::create_directories(filled / "h");
  write_file_atomic(filled / "h/manifest.txt", "manifest", Durability::cache);
  fakes::FakeRunner runner;
  process::Result unsupported;
  unsupported.exit_code = 1;
  unsupported.out = "cp: unrecognized option '--reflink=auto'";
  runner.on("cp -a", unsupported);
  ZigCacheCopy copy(filled, dir.path() / "own", runner);
  EXPECT_EQ(runner.lines_with("--reflink=auto").size(), 1u);
  EXPECT_EQ(read_file_or_throw(dir.path() / "own/h/manifest.txt"), "manifest");
}
