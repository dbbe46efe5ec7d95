// The sandbox command line and the process runner.
#include <gtest/gtest.h>

#include "osbuild/sandbox/sandbox.h"
#include "osbuild/util/fs.h"

namespace osbuild::sandbox {
namespace {

TEST(Sandbox, BwrapBindsReadOnlyFirstThenWritable) {
  SandboxSpec spec{"/w/src", {"/w/src", "/w/dest"}, {"/project"}};
  auto argv = sandbox_argv(SandboxKind::bwrap, spec, {"sh", "build.sh"});
  std::vector<std::string> expected = {"bwrap",
                                       "--unshare-net",
                                       "--unshare-pid",
                                       "--die-with-parent",
                                       "--ro-bind",
                                       "/",
                                       "/",
                                       "--dev",
                                       "/dev",
                                       "--proc",
                                       "/proc",
                                       "--ro-bind",
                                       "/project",
                                       "/project",
                                       "--bind",
                                       "/w/src",
                                       "/w/src",
                                       "--bind",
                                       "/w/dest",
                                       "/w/dest",
                                       "--chdir",
                                       "/w/src",
                                       "--",
                                       "sh",
                                       "build.sh"};
  EXPECT_EQ(argv, expected);
}

TEST(Sandbox, UnshareWrapsTheCommand) {
  auto argv = sandbox_argv(SandboxKind::unshare, {}, {"make"});
  EXPECT_EQ(argv, (std::vector<std::string>{"unshare", "-n", "--pid", "--fork", "--kill-child",
                                            "--", "make"}));
}

TEST(Process, RunsWithExactlyTheGivenEnvironment) {
  TempDir dir;
  fs::path log = dir.path() / "log";
  auto result = run_process({{"sh", "-c", "echo \"$ONLY:$HOME\"; pwd; exit 3"},
                             {{"ONLY", "yes"}, {"PATH", "/usr/bin:/bin"}},
                             dir.path(),
                             log});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_FALSE(result.signalled);
  EXPECT_EQ(read_file(log).value(), "yes:\n" + dir.path().string() + "\n");
}

TEST(Process, MissingProgramSaysSo) {
  TempDir dir;
  fs::path log = dir.path() / "log";
  auto result = run_process({{"osbuild-no-such-program"}, {}, dir.path(), log});
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_NE(read_file(log).value().find("osbuild-no-such-program: No such file or directory"),
            std::string::npos);
}

}  // namespace
}  // namespace osbuild::sandbox
