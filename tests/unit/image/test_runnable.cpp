// check_runnable / find_missing_files over trees holding programs compiled here, with links that
// are resolved inside the tree and a RUNPATH with $ORIGIN.
#include <gtest/gtest.h>

#include <cstdlib>

#include "osbuild/image/runnable.h"
#include "osbuild/toolchain/elf.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"

namespace osbuild::image {

namespace fs = std::filesystem;

namespace {

bool compile(const fs::path& dir, const std::string& flags, const fs::path& out) {
  fs::create_directories(out.parent_path());
  write_file_atomic(dir / "p.c", "int main(void) { return 0; }\n", Durability::cache);
  std::string cmd = "cc " + flags + " " + (dir / "p.c").string() + " -o " + out.string() +
                    " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// A stand-in shared object: any file passes the loader's search, which is all that is checked.
void place(const fs::path& file) {
  fs::create_directories(file.parent_path());
  write_file_atomic(file, "lib", Durability::cache);
}

std::string interpreter_of(const fs::path& program) {
  auto info = toolchain::read_elf_dynamic(program);
  return info.ok() && info.value() ? info.value()->interpreter : "";
}

}  // namespace

TEST(ResolveInRoot, FollowsLinksInsideTheTree) {
  TempDir dir;
  fs::path root = dir.path();
  place(root / "usr/lib/x/ld.so");
  fs::create_directory_symlink("usr/lib", root / "lib");
  fs::create_symlink("/usr/lib/x/ld.so", root / "usr/lib/ld-abs.so");   // absolute: the tree's
  fs::create_symlink("x/../x/ld.so", root / "usr/lib/ld-rel.so");
  EXPECT_EQ(resolve_in_root(root, "/lib/ld-abs.so"), root / "usr/lib/x/ld.so");
  EXPECT_EQ(resolve_in_root(root, "/lib/ld-rel.so"), root / "usr/lib/x/ld.so");
  fs::create_symlink("/etc/hostname", root / "usr/lib/outside.so");  // not the host's file
  EXPECT_FALSE(resolve_in_root(root, "/usr/lib/outside.so"));
  fs::create_symlink("loop2", root / "loop1");
  fs::create_symlink("loop1", root / "loop2");
  EXPECT_FALSE(resolve_in_root(root, "/loop1"));
  EXPECT_FALSE(resolve_in_root(root, "/usr/lib"));  // a folder is no file
}

TEST(FindMissingFiles, ADynamicProgramWithoutLibcAndItsFix) {
  TempDir dir;
  fs::path root = dir.path() / "root";
  ASSERT_TRUE(compile(dir.path(), "", root / "usr/bin/prog"));
  std::string interp = interpreter_of(root / "usr/bin/prog");
  ASSERT_FALSE(interp.empty());
  auto missing = find_missing_files(root, host_arch());
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].binary, "/usr/bin/prog");
  EXPECT_TRUE(missing[0].interpreter);
  EXPECT_EQ(missing[0].missing, interp);
  EXPECT_EQ(missing[1].missing, "libc.so.6");
  // The loader in /usr/lib/<triple> reached through a /lib64 or /lib link, libc in the
  // multiarch folder.
  std::string triple = gnu_triple(host_arch());
  place(root / "usr/lib" / triple / fs::path(interp).filename());
  fs::create_directories(root / fs::path(interp).parent_path().relative_path().parent_path());
  fs::create_directory_symlink("usr/lib/" + triple,
                               root / fs::path(interp).parent_path().relative_path());
  place(root / "usr/lib" / triple / "libc.so.6");
  EXPECT_TRUE(find_missing_files(root, host_arch()).empty());
}

TEST(FindMissingFiles, RunpathWithOrigin) {
  TempDir dir;
  fs::path root = dir.path() / "root";
  ASSERT_TRUE(compile(dir.path(), "-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../private' -L/tmp",
                      root / "opt/app/bin/app"));
  std::string interp = interpreter_of(root / "opt/app/bin/app");
  place(root / interp.substr(1));
  place(root / "opt/app/private/libc.so.6");
  EXPECT_TRUE(find_missing_files(root, host_arch()).empty());
}

TEST(CheckRunnable, NamesTheBinaryTheFilesAndWhoShipsThem) {
  TempDir dir;
  fs::path root = dir.path() / "root";
  ASSERT_TRUE(compile(dir.path(), "", root / "usr/bin/prog"));
  place(root / interpreter_of(root / "usr/bin/prog").substr(1));
  auto providers = [](const std::string& name) {
    return name == "libc.so.6" ? std::vector<std::string>{"glibc (/usr/lib/libc.so.6, not in the "
                                                          "run-time closure)"}
                               : std::vector<std::string>{};
  };
  try {
    check_runnable(root, host_arch(), providers, "variants/dev/variant.toml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "/usr/bin/prog cannot start in the image: libc.so.6 is not in the root file "
                 "system");
    EXPECT_EQ(e.hint(),
              "libc.so.6 is shipped by glibc (/usr/lib/libc.so.6, not in the run-time closure): "
              "add that package to included-packages in variants/dev/variant.toml (or to the "
              "requires of the package that installs /usr/bin/prog), or install the file where "
              "the loader looks");
  }
}

TEST(CheckRunnable, AStaticProgramAndScriptsPass) {
  TempDir dir;
  fs::path root = dir.path() / "root";
  if (!compile(dir.path(), "-static", root / "sbin/init")) GTEST_SKIP() << "no static libc";
  place(root / "usr/bin/script");
  EXPECT_NO_THROW(check_runnable(root, host_arch(), {}, "variant.toml"));
}

}  // namespace osbuild::image
