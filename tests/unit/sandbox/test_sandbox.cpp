// The sandbox command line and the command that runs it.
#include <gtest/gtest.h>

#include "osbuild/sandbox/sandbox.h"
#include "osbuild/util/fs.h"

namespace osbuild::sandbox {
namespace {

TEST(Sandbox, SealedBindsSystemThenFilesThenReadOnlyThenWritable) {
  SandboxSpec spec{
      "/w/src", {"/w/src", "/w/dest"}, {"/w/sources"}, {{"/w/passwd", "/etc/passwd"}}, {}};
  auto argv = sandbox_argv(SandboxKind::sealed, spec, {"sh", "build.sh"});
  std::vector<std::string> expected = {"bwrap",    "--unshare-all", "--die-with-parent",
                                       "--new-session", "--dev", "/dev",
                                       "--proc",   "/proc",   "--tmpfs",
                                       "/tmp",     "--tmpfs", "/var/tmp"};
  auto system = sealed_system_args();
  expected.insert(expected.end(), system.begin(), system.end());
  for (const char* arg : {"--ro-bind", "/w/passwd", "/etc/passwd", "--ro-bind", "/w/sources",
                          "/w/sources", "--bind", "/w/src", "/w/src", "--bind", "/w/dest",
                          "/w/dest", "--remount-ro", "/", "--chdir", "/w/src", "--", "sh", "build.sh"}) {
    expected.emplace_back(arg);
  }
  EXPECT_EQ(argv, expected);
}

TEST(Sandbox, SealedShowsUsrAndTheLinksIntoItButNotHomeOrRun) {
  TempDir host;
  fs::create_directories(host.path() / "usr/bin");
  fs::create_directories(host.path() / "etc/alternatives");
  fs::create_directories(host.path() / "lib64");
  fs::create_directories(host.path() / "root");
  fs::create_directories(host.path() / "run");
  fs::create_symlink("usr/bin", host.path() / "bin");
  write_file_atomic(host.path() / "etc/shadow", "secret\n");
  auto args = sealed_system_args(host.path());
  std::vector<std::string> expected = {
      "--ro-bind", (host.path() / "usr").string(), "/usr",
      "--symlink", "usr/bin", "/bin",
      "--ro-bind", (host.path() / "lib64").string(), "/lib64",
      "--ro-bind", (host.path() / "etc/alternatives").string(), "/etc/alternatives"};
  EXPECT_EQ(args, expected);
}

TEST(Sandbox, TheSettingNamesTwoKinds) {
  EXPECT_EQ(parse_sandbox_kind("sealed"), SandboxKind::sealed);
  EXPECT_EQ(parse_sandbox_kind("unshare"), SandboxKind::unshare);
  EXPECT_FALSE(parse_sandbox_kind("bwrap"));
  EXPECT_THROW(open_sandbox(SandboxKind::none), Error);
}

TEST(Sandbox, UnshareWrapsTheCommand) {
  auto argv = sandbox_argv(SandboxKind::unshare, {}, {"make"});
  EXPECT_EQ(argv, (std::vector<std::string>{"unshare", "-n", "--pid", "--fork", "--kill-child",
                                            "--", "make"}));
}

TEST(Sandbox, CommandRunsFromTheWorkDirIntoTheLog) {
  SandboxSpec spec{"/w/src", {"/w/src"}, {}, {}, {7, 8}};
  auto c = sandbox_command(SandboxKind::unshare, spec, {"make"}, {{"PATH", "/bin"}}, "/w/log");
  EXPECT_EQ(c.argv, sandbox_argv(SandboxKind::unshare, spec, {"make"}));
  EXPECT_EQ(c.env, (std::map<std::string, std::string>{{"PATH", "/bin"}}));
  EXPECT_EQ(c.cwd, "/w/src");
  EXPECT_TRUE(c.input.empty());  // stdin from /dev/null
  EXPECT_EQ(c.out, process::Sink::file);
  EXPECT_EQ(c.out_file, "/w/log");
  EXPECT_EQ(c.err, process::Sink::same_as_stdout);
  EXPECT_EQ(c.keep_fds, (std::vector<int>{7, 8}));
  EXPECT_EQ(c.time_limit.count(), 0);
}

}  // namespace
}  // namespace osbuild::sandbox
