// One package's build through the FakeRunner: the command lines it runs, the environment they
// see, what it stores, and what happens when a command fails.
#include "build_fixture.h"
#include "osbuild/util/archive.h"

namespace osbuild::build {
namespace {

const std::vector<std::string> k_unshare = {"unshare", "-n", "--pid", "--fork", "--kill-child",
                                            "--"};
const std::string k_make = "make && make install DESTDIR=\"$OSBUILD_DESTDIR\"";

std::vector<std::string> in_unshare(std::vector<std::string> command) {
  auto argv = k_unshare;
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

// A little-endian ELF64 header for `machine` (62 x86_64, 183 aarch64).
std::string elf_header(unsigned machine) {
  std::string h = std::string("\x7f" "ELF", 4) + '\x02' + '\x01' + '\x01' + std::string(9, '\0');
  h += '\x02';
  h += '\0';  // e_type: executable
  h += static_cast<char>(machine & 0xff);
  h += static_cast<char>(machine >> 8);
  return h + std::string(44, '\0');
}

TEST_F(PackageBuildTest, RunsTheBuildSystemInTheSandbox) {
  runner.on("make", {}, installs("usr/lib/libz.so.1", "zlib"));
  auto result = build();
  ASSERT_TRUE(result.ok) << result.report;
  auto commands = runner.commands();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].argv, in_unshare({"sh", "-c", k_make}));
  EXPECT_EQ(commands[0].cwd, work_root() / "src");
  EXPECT_TRUE(commands[0].input.empty());
  EXPECT_EQ(commands[0].out, process::Sink::file);
  EXPECT_EQ(commands[0].out_file, log());
  EXPECT_EQ(commands[0].err, process::Sink::same_as_stdout);
}

TEST_F(PackageBuildTest, TheCommandSeesExactlyTheContractEnvironment) {
  auto result = build();
  ASSERT_TRUE(result.ok) << result.report;
  auto env = runner.commands().at(0).env.value();
  auto paths = BuildPaths::under(work_root());
  auto toolchain_env = tc.environment(tools());
  auto expected = build_environment(
      {pkg, toolchain_env, tools(), paths, Arch::x86_64, 2, 1234, "hello-os",
       project.file.release_version.str(), ""});
  EXPECT_EQ(env, expected);
  EXPECT_EQ(env["OSBUILD_PACKAGE_NAME"], "zlib");
  EXPECT_EQ(env["CC"], "/usr/bin/gcc");
  EXPECT_EQ(env["HOME"], "/nonexistent");
  EXPECT_EQ(env["SOURCE_DATE_EPOCH"], "1234");
  EXPECT_EQ(env["OSBUILD_JOBS"], "2");
  EXPECT_EQ(env.count("USER"), 0u);  // nothing of the caller's environment
}

TEST_F(PackageBuildTest, StoresTheArtifactAndItsManifestUnderTheKey) {
  runner.on("make", {}, installs("usr/lib/libz.so.1", "zlib"));
  auto result = build(std::string(64, 'e'));
  ASSERT_TRUE(result.ok) << result.report;
  ASSERT_TRUE(store->get_blob(result.artifact).has_value());
  auto manifest = store->get_blob(result.manifest);
  ASSERT_TRUE(manifest.has_value());
  EXPECT_NE(read_file(*manifest).value().find("usr/lib/libz.so.1"), std::string::npos);
  auto action = store->get_action(std::string(64, 'e'));
  ASSERT_TRUE(action.has_value());
  EXPECT_EQ((*action)["package"], "zlib");
  EXPECT_EQ((*action)["outputs"][0]["digest"], result.artifact);
  EXPECT_EQ((*action)["outputs"][1]["digest"], result.manifest);
  EXPECT_FALSE(fs::exists(work_root()));  // the work dir goes once the artifact is stored
}

TEST_F(PackageBuildTest, WithATrashTheWorkDirIsMovedAsideAndRemovedWhenTheBuildEnds) {
  fs::path trash_dir = build_dir() / "work" / ".trash";
  write(trash_dir / "7" / "left-by-a-killed-build", "x");
  runner.on("make", {}, installs("usr/lib/libz.so.1", "zlib"));
  {
    WorkTrash trash(trash_dir);
    EXPECT_FALSE(fs::exists(trash_dir)) << "what an interrupted build left is removed first";
    BuildContext bc = context();
    bc.trash = &trash;
    ASSERT_TRUE(build_package(bc, pkg, {}, std::string(64, '1'), inputs).ok);
    EXPECT_FALSE(fs::exists(work_root()));
    EXPECT_TRUE(fs::exists(trash_dir / "0" / "dest" / "usr" / "lib" / "libz.so.1"))
        << "moved by a rename, not removed while the build goes on";
    pkg.name = "zlib-second";
    ASSERT_TRUE(build_package(bc, pkg, {}, std::string(64, '2'), inputs).ok);
    EXPECT_TRUE(fs::exists(trash_dir / "1"));
  }
  EXPECT_FALSE(fs::exists(trash_dir)) << "the build's end removes the trash";
}

TEST_F(PackageBuildTest, WithLittleRoomLeftTheTrashIsEmptiedAtOnce) {
  fs::path trash_dir = build_dir() / "work" / ".trash";
  runner.on("make", {}, installs("usr/lib/libz.so.1", "zlib"));
  WorkTrash trash(trash_dir, 1);  // kept only while the whole file system is free: never
  BuildContext bc = context();
  bc.trash = &trash;
  ASSERT_TRUE(build_package(bc, pkg, {}, std::string(64, '1'), inputs).ok);
  EXPECT_FALSE(fs::exists(work_root()));
  EXPECT_FALSE(fs::exists(trash_dir / "0")) << "a finished tree was kept on a full disk";
}

TEST_F(PackageBuildTest, TheLogShowsEachCommandBeforeItsOutput) {
  runner.on("make", {0, 0, false, "compiling\n", ""});
  ASSERT_TRUE(build().ok);
  EXPECT_EQ(read_file(log()).value(), "$ sh -c '" + k_make + "'\ncompiling\n");
}

TEST_F(PackageBuildTest, AFailedCommandWritesTheReportAndStoresNothing) {
  runner.on("make", {2, 0, false, "", "sh: 1: cmake: not found\n"});
  auto result = build(std::string(64, 'e'));
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.artifact.empty());
  EXPECT_NE(result.report.find("build of zlib failed: `sh -c '" + k_make +
                               "'` exited with status 2"),
            std::string::npos)
      << result.report;
  EXPECT_NE(result.report.find("  | sh: 1: cmake: not found"), std::string::npos);
  EXPECT_NE(result.report.find("missing: cmake"), std::string::npos) << result.report;
  EXPECT_NE(result.report.find("log: " + log().string()), std::string::npos);
  EXPECT_FALSE(store->get_action(std::string(64, 'e')).has_value());
  EXPECT_TRUE(fs::exists(work_root() / "src"));  // left for a look
}

TEST_F(PackageBuildTest, ACommandKilledByASignalFails) {
  runner.on("make", {137, 9, false, "", ""});
  auto result = build();
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.report.find("exited with status 137"), std::string::npos) << result.report;
}

TEST_F(PackageBuildTest, ACommandPastItsTimeLimitFails) {
  runner.on("make", {143, 15, true, "", ""});
  auto result = build();
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.report.find("exited with status 143"), std::string::npos) << result.report;
}

TEST_F(PackageBuildTest, PatchesApplyFirstInOrder) {
  pkg.build.patches = {"0001-a.patch", "0002-b.patch"};
  ASSERT_TRUE(build().ok);
  EXPECT_EQ(runner.lines(),
            (std::vector<std::string>{
                process::command_text(in_unshare(
                    {"patch", "-p1", "-N", "-i", (pkg.dir / "0001-a.patch").string()})),
                process::command_text(in_unshare(
                    {"patch", "-p1", "-N", "-i", (pkg.dir / "0002-b.patch").string()})),
                process::command_text(in_unshare({"sh", "-c", k_make}))}));
}

TEST_F(PackageBuildTest, AFailedPatchStopsTheBuildAndIsNamed) {
  pkg.build.patches = {"0001-a.patch", "0002-b.patch"};
  runner.on("0002-b.patch", {1, 0, false, "patching file b.c\nHunk #1 FAILED at 7.\n", ""});
  auto result = build();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(runner.lines_with("make").size(), 0u);
  EXPECT_NE(result.report.find("build of zlib (patch 0002-b.patch) failed"), std::string::npos)
      << result.report;
  EXPECT_NE(result.report.find("patch 0002-b.patch does not apply: hunk #1 of b.c (at line 7)"),
            std::string::npos)
      << result.report;
}

TEST_F(PackageBuildTest, SealedShowsTheInputsReadOnlyAndTheWorkDirsWritableButNotTheProject) {
  sandbox_kind = sandbox::SandboxKind::sealed;
  ASSERT_TRUE(build().ok);
  std::string line = runner.lines().at(0);
  auto paths = BuildPaths::under(work_root());
  EXPECT_EQ(line.rfind("bwrap --unshare-all --die-with-parent --new-session", 0), 0u) << line;
  EXPECT_EQ(line.find("--ro-bind " + project.root.string() + " "), std::string::npos) << line;
  EXPECT_EQ(line.find("--ro-bind / /"), std::string::npos) << line;
  for (const auto& dir : {paths.sources, paths.sysroot, pkg.dir}) {
    EXPECT_NE(line.find("--ro-bind " + dir.string() + " " + dir.string()), std::string::npos)
        << dir;
  }
  for (const auto& dir : {paths.work, paths.dest, paths.tmp}) {
    EXPECT_NE(line.find("--bind " + dir.string() + " " + dir.string()), std::string::npos) << dir;
  }
  EXPECT_NE(line.find("/etc/passwd"), std::string::npos) << line;
  EXPECT_NE(line.find("--chdir " + paths.work.string() + " -- sh -c"), std::string::npos);
}

TEST_F(PackageBuildTest, WithoutASandboxNothingRuns) {
  sandbox_kind = sandbox::SandboxKind::none;
  EXPECT_THROW(build(), Error);
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(PackageBuildTest, ASourceMissingFromTheStoreIsAnErrorBeforeAnythingRuns) {
  config::ExternalFile file;
  file.url = "http://127.0.0.1/zlib-1.3.tar.gz";
  file.path = "zlib-1.3.tar.gz";
  file.sha512 = std::string(128, 'a');
  pkg.external_files.push_back(file);
  try {
    build();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("source zlib-1.3.tar.gz is not in the content store"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(e.hint(),
              "run the build again: it fetches the sources it needs (or run `osbuild fetch`)");
  }
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(PackageBuildTest, DependenciesAreInTheSysrootAndSourceGroupsBesideTheDownloads) {
  write(temp() / "dep" / "usr" / "include" / "dep.h", "int dep;\n");
  auto dep_tar = temp() / "dep.tar";
  archives::write_tree_tar(temp() / "dep", dep_tar, 0);
  std::string dep = store->adopt_file(dep_tar);
  write(project.root / "sources" / "common" / "VERSION", "1\n");
  pkg.source_groups = {"common"};
  bool saw_header = false;
  bool saw_group = false;
  runner.on("make", {}, [&](const process::Command& c) {
    saw_header = fs::exists(env_dir(c, "OSBUILD_SYSROOT") / "usr/include/dep.h");
    saw_group = fs::exists(env_dir(c, "OSBUILD_SOURCES") / "common/VERSION");
  });
  ASSERT_TRUE(build(std::string(64, '1'), {dep}).ok);
  EXPECT_TRUE(saw_header);
  EXPECT_TRUE(saw_group);
}

TEST_F(PackageBuildTest, ADependencyArtifactGoneFromTheStoreIsAnError) {
  EXPECT_THROW(build(std::string(64, '1'), {std::string(64, 'f')}), Error);
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(PackageBuildTest, ABinaryForAnotherMachineFailsTheBuild) {
  runner.on("make", {}, installs("usr/bin/hello", elf_header(183)));
  auto result = build();
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.report.find("build of zlib failed:"), std::string::npos) << result.report;
  EXPECT_NE(result.report.find("usr/bin/hello: ELF file for"), std::string::npos)
      << result.report;
  EXPECT_NE(result.report.find("hint: the build ran a compiler for the wrong machine"),
            std::string::npos);
}

TEST_F(PackageBuildTest, ABinaryForTheTargetPasses) {
  runner.on("make", {}, installs("usr/bin/hello", elf_header(62)));
  EXPECT_TRUE(build().ok);
}

TEST_F(PackageBuildTest, CrossAutotoolsGetsHostAndBuildTriples) {
  pkg.build.system = config::BuildSystem::autotools;
  tc.target_arch = Arch::aarch64;
  tc.host_arch = Arch::x86_64;
  tc.gnu_triple = "aarch64-linux-gnu";
  ASSERT_TRUE(build().ok);
  auto argv = runner.commands().at(0).argv;
  EXPECT_EQ(argv.back(),
            "./configure --prefix=/usr --host=aarch64-linux-gnu --build=x86_64-linux-gnu && "
            "make && make install DESTDIR=\"$OSBUILD_DESTDIR\"");
  EXPECT_EQ(runner.commands().at(0).env->at("OSBUILD_TARGET"), "aarch64-linux-gnu");
}

TEST_F(PackageBuildTest, MaterialiseReplacesThePackageFolder) {
  runner.on("make", {}, installs("etc/zlib.conf", "new\n"));
  auto result = build();
  ASSERT_TRUE(result.ok);
  fs::path folder = build_dir() / "packages" / "x86_64" / "zlib";
  write(folder / "stale", "old\n");
  materialise(context(), "zlib", *store->get_blob(result.artifact));
  EXPECT_FALSE(fs::exists(folder / "stale"));
  EXPECT_EQ(read_file(folder / "etc/zlib.conf").value(), "new\n");
}

TEST(BuildCommands, CmakeAndNativeAutotools) {
  config::Package pkg;
  pkg.build.system = config::BuildSystem::cmake;
  auto cmake = build_commands(pkg);
  ASSERT_EQ(cmake.size(), 1u);
  EXPECT_EQ(cmake[0][2],
            "cmake -S . -B _osbuild -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=Release && "
            "cmake --build _osbuild && DESTDIR=\"$OSBUILD_DESTDIR\" cmake --install _osbuild");
  pkg.build.system = config::BuildSystem::autotools;
  EXPECT_EQ(build_commands(pkg)[0][2],
            "./configure --prefix=/usr --host=\"$OSBUILD_TARGET\" && make && make install "
            "DESTDIR=\"$OSBUILD_DESTDIR\"");
}

TEST(BuildCommands, StepsLeaveOnlyThePatches) {
  config::Package pkg;
  pkg.dir = "/p";
  pkg.build.patches = {"a.patch"};
  pkg.build.steps.push_back({"all", {}, "make", {}});
  auto commands = build_commands(pkg);
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0][0], "patch");
}

}  // namespace
}  // namespace osbuild::build
