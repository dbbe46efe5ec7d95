// The sandbox command line and the command that runs it.
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

TEST(Sandbox, CommandRunsFromTheWorkDirIntoTheLog) {
  SandboxSpec spec{"/w/src", {"/w/src"}, {}};
  auto c = sandbox_command(SandboxKind::unshare, spec, {"make"}, {{"PATH", "/bin"}}, "/w/log");
  EXPECT_EQ(c.argv, sandbox_argv(SandboxKind::unshare, spec, {"make"}));
  EXPECT_EQ(c.env, (std::map<std::string, std::string>{{"PATH", "/bin"}}));
  EXPECT_EQ(c.cwd, "/w/src");
  EXPECT_TRUE(c.input.empty());  // stdin from /dev/null
  EXPECT_EQ(c.out, process::Sink::file);
  EXPECT_EQ(c.out_file, "/w/log");
  EXPECT_EQ(c.err, process::Sink::same_as_stdout);
  EXPECT_EQ(c.time_limit.count(), 0);
}

}  // namespace
}  // namespace osbuild::sandbox
