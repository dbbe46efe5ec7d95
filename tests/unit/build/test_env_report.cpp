// The build environment, the failure report's missing program, and --explain's reasons.
#include <gtest/gtest.h>

#include <fstream>

#include "build/package_build.h"
#include "build/state.h"
#include "osbuild/build/env.h"
#include "osbuild/util/fs.h"

namespace osbuild::build {
namespace {

config::Package make_package(bool uses_release) {
  config::Package pkg;
  pkg.name = "zlib";
  pkg.uses_release_version = uses_release;
  pkg.build.env = {{"EXTRA", "1"}, {"CFLAGS", "-O0"}};
  return pkg;
}

TEST(BuildEnv, HoldsExactlyTheContract) {
  auto pkg = make_package(false);
  std::map<std::string, std::string> tc = {
      {"CC", "/usr/bin/gcc"}, {"CXX", "/usr/bin/g++"},
      {"AR", "ar"},           {"RANLIB", "ranlib"},
      {"STRIP", "strip"},     {"CFLAGS", "-mcpu=generic"},
      {"LDFLAGS", ""},        {"OSBUILD_TARGET", "aarch64-linux-gnu"}};
  std::filesystem::path tools = "/b/tools";
  BuildPaths paths = BuildPaths::under("/w/zlib");
  auto env =
      build_environment({pkg, tc, tools, paths, Arch::aarch64, 4, 1234, "hello-os", "1.4.0", ""});
  std::vector<std::string> names;
  for (const auto& [name, value] : env) {
    names.push_back(name);
  }
  std::vector<std::string> expected = {"AR",
                                       "CC",
                                       "CFLAGS",
                                       "CXX",
                                       "EXTRA",
                                       "HOME",
                                       "LC_ALL",
                                       "LDFLAGS",
                                       "OSBUILD_ARCH",
                                       "OSBUILD_DESTDIR",
                                       "OSBUILD_JOBS",
                                       "OSBUILD_PACKAGE_NAME",
                                       "OSBUILD_SOURCES",
                                       "OSBUILD_SYSROOT",
                                       "OSBUILD_TARGET",
                                       "PATH",
                                       "PKG_CONFIG_PATH",
                                       "PKG_CONFIG_SYSROOT_DIR",
                                       "RANLIB",
                                       "SOURCE_DATE_EPOCH",
                                       "STRIP",
                                       "TMPDIR"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(env["OSBUILD_TARGET"], "aarch64-linux-gnu");
  EXPECT_EQ(env["OSBUILD_JOBS"], "4");
  EXPECT_EQ(env["SOURCE_DATE_EPOCH"], "1234");
  EXPECT_EQ(env["OSBUILD_DESTDIR"], "/w/zlib/dest");
  EXPECT_EQ(env["CFLAGS"], "-O0");  // the package's env wins
  EXPECT_EQ(env["PATH"], "/b/tools:/usr/local/bin:/usr/bin:/bin");
  pkg.build.env.clear();
  env = build_environment({pkg, tc, tools, paths, Arch::aarch64, 4, 1234, "hello-os", "1.4.0", ""});
  EXPECT_EQ(env["CFLAGS"], "-O2 -ffile-prefix-map=/w/zlib=. -mcpu=generic");
}

TEST(BuildEnv, ReleaseVersionOnlyWhenUsed) {
  std::map<std::string, std::string> tc;
  std::filesystem::path tools;
  BuildPaths paths = BuildPaths::under("/w/os-release");
  auto pkg = make_package(true);
  auto env =
      build_environment({pkg, tc, tools, paths, Arch::x86_64, 1, 0, "hello-os", "1.4.0", ""});
  EXPECT_EQ(env["OSBUILD_OS_NAME"], "hello-os");
  EXPECT_EQ(env["OSBUILD_RELEASE_VERSION"], "1.4.0");
  pkg.build.env.clear();
  pkg.uses_release_version = false;
  env = build_environment({pkg, tc, tools, paths, Arch::x86_64, 1, 0, "hello-os", "1.4.0", ""});
  EXPECT_EQ(env.count("OSBUILD_RELEASE_VERSION"), 0u);
  EXPECT_EQ(env["CFLAGS"], "-O2 -ffile-prefix-map=/w/os-release=.");
}

TEST(FailureReport, NamesTheMissingProgram) {
  EXPECT_EQ(missing_program("build.sh: 3: cmake: not found\n"), "cmake");
  EXPECT_EQ(missing_program("line 2: ninja: command not found\n"), "ninja");
  EXPECT_EQ(missing_program("x\nmeson: No such file or directory\n"), "meson");
  EXPECT_EQ(missing_program("all fine\n"), "");
}

TEST(FailureReport, NamesTheDebianPackageAndTheStep) {
  EXPECT_EQ(debian_package_for("ninja"), "ninja-build");
  EXPECT_EQ(debian_package_for("/usr/bin/aarch64-linux-gnu-gcc"), "gcc-aarch64-linux-gnu");
  EXPECT_EQ(debian_package_for("osbuild-no-such-tool"), "");
  auto dir = std::filesystem::temp_directory_path() / "osbuild-report-test";
  std::filesystem::create_directories(dir);
  auto log = dir / "p.log";
  std::ofstream(log) << "$ sh -c ninja\nsh: 1: ninja: not found\n";
  std::string report = failure_report("p", "step deps", "sh -c ninja", 127, log);
  EXPECT_NE(report.find("build of p (step deps) failed"), std::string::npos) << report;
  EXPECT_NE(report.find("missing: ninja (asked for by package p, step deps): install it on the "
                        "host (apt-get install ninja-build)"),
            std::string::npos)
      << report;
  std::filesystem::remove_all(dir);
}

TEST(FailureReport, NamesTheHunksOfAFailedPatch) {
  auto dir = std::filesystem::temp_directory_path() / "osbuild-report-patch-test";
  std::filesystem::create_directories(dir);
  auto log = dir / "p.log";
  std::ofstream(log) << "$ patch -p1 -N -i /p/0001-ok.patch\npatching file a.c\n"
                     << "$ patch -p1 -N -i /p/0002-bad.patch\npatching file src/b.c\n"
                     << "Hunk #1 succeeded at 3.\nHunk #2 FAILED at 14.\n"
                     << "1 out of 2 hunks FAILED -- saving rejects to file src/b.c.rej\n"
                     << "patching file c.c\nHunk #1 FAILED at 2.\n";
  std::string report =
      failure_report("p", "patch 0002-bad.patch", "patch -p1 -N -i /p/0002-bad.patch", 1, log);
  EXPECT_NE(report.find("patch 0002-bad.patch does not apply: hunk #2 of src/b.c (at line 14)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("patch 0002-bad.patch does not apply: hunk #1 of c.c (at line 2)"),
            std::string::npos)
      << report;
  EXPECT_EQ(report.find("of a.c"), std::string::npos) << report;
  std::filesystem::remove_all(dir);
}

TEST(Explain, SaysWhichInputChanged) {
  Json old_inputs = {{"recipe", {{"name", "a"}}}, {"depends", {{"zlib", std::string(64, 'a')}}}};
  Json new_inputs = old_inputs;
  EXPECT_EQ(explain_reason(std::nullopt, new_inputs), "no cached result");
  new_inputs["depends"]["zlib"] = std::string(64, 'b');
  EXPECT_EQ(explain_reason(Json{{"inputs", old_inputs}}, new_inputs),
            "output of zlib changed (aaaaaaaaaaaa → bbbbbbbbbbbb)");
  new_inputs = old_inputs;
  new_inputs["recipe"]["name"] = "b";
  EXPECT_NE(explain_reason(Json{{"inputs", old_inputs}}, new_inputs).find("recipe changed ("),
            std::string::npos);
}

TEST(BuildCommands, ScriptAndMake) {
  config::Package pkg;
  pkg.dir = "/p/zlib";
  pkg.build.system = config::BuildSystem::script;
  pkg.build.script = "build.sh";
  pkg.build.patches = {"fix.patch"};
  auto commands = build_commands(pkg);
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0],
            (std::vector<std::string>{"patch", "-p1", "-N", "-i", "/p/zlib/fix.patch"}));
  EXPECT_EQ(commands[1], (std::vector<std::string>{"sh", "/p/zlib/build.sh"}));
  pkg.build.patches.clear();
  pkg.build.system = config::BuildSystem::make;
  EXPECT_EQ(build_commands(pkg)[0][2], "make && make install DESTDIR=\"$OSBUILD_DESTDIR\"");
}

// A build script runs by its #! line, as it would from a shell: `set -o pipefail` in a bash script
// needs bash, not sh.
TEST(BuildCommands, ScriptRunsByItsShebang) {
  TempDir dir("osbuild-shebang-test");
  auto script = [&dir](const char* name, const std::string& text) {
    write_file_atomic(dir.path() / name, text, Durability::cache);
    return dir.path() / name;
  };
  auto bash = script("bash.sh", "#!/bin/bash\nset -o pipefail\n");
  EXPECT_EQ(script_command(bash), (std::vector<std::string>{"/bin/bash", bash.string()}));
  auto env = script("env.sh", "#! /usr/bin/env bash  \r\n");
  EXPECT_EQ(script_command(env),
            (std::vector<std::string>{"/usr/bin/env", "bash", env.string()}));
  auto flags = script("flags.sh", "#!/bin/sh -e -x\n");  // one argument, as the kernel passes it
  EXPECT_EQ(script_command(flags), (std::vector<std::string>{"/bin/sh", "-e -x", flags.string()}));
  auto plain = script("plain.sh", "echo no shebang\n");
  EXPECT_EQ(script_command(plain), (std::vector<std::string>{"sh", plain.string()}));
  auto empty = script("empty.sh", "#!\n");
  EXPECT_EQ(script_command(empty), (std::vector<std::string>{"sh", empty.string()}));
  EXPECT_EQ(script_command(dir.path() / "missing.sh"),
            (std::vector<std::string>{"sh", (dir.path() / "missing.sh").string()}));
}

}  // namespace
}  // namespace osbuild::build
