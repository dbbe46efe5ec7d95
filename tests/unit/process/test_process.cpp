// The real runner: environment, output sinks, exit codes, signals, time limits that take the whole
// process group, and interrupts.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "fakes/fake_process.h"
#include "osbuild/process/process.h"
#include "osbuild/util/fs.h"

namespace osbuild::process {
namespace {

using namespace std::chrono_literals;

Command shell(const std::string& script) {
  Command c;
  c.argv = {"sh", "-c", script};
  c.out = Sink::capture;
  c.err = Sink::capture;
  return c;
}

// As a build runs a command: exactly `env`, from `cwd`, stdout and stderr appended to `log`.
Command logged(std::vector<std::string> argv, std::map<std::string, std::string> env,
               const fs::path& cwd, const fs::path& log) {
  Command c;
  c.argv = std::move(argv);
  c.env = std::move(env);
  c.cwd = cwd;
  c.out = Sink::file;
  c.out_file = log;
  c.err = Sink::same_as_stdout;
  return c;
}

// Running, not a zombie waiting for its reaper.
bool alive(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat.ok()) return false;
  auto close = stat.value().rfind(')');
  return close != std::string::npos && close + 2 < stat.value().size() &&
         stat.value()[close + 2] != 'Z';
}

TEST(Process, RunsWithExactlyTheGivenEnvironment) {
  TempDir dir;
  fs::path log = dir.path() / "log";
  auto c = logged({"sh", "-c", "echo \"$ONLY:$HOME\"; pwd; exit 3"},
                  {{"ONLY", "yes"}, {"PATH", "/usr/bin:/bin"}}, dir.path(), log);
  auto result = SystemRunner().run(c);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_FALSE(result.signalled());
  EXPECT_EQ(read_file(log).value(), "yes:\n" + dir.path().string() + "\n");
}

TEST(Process, MissingProgramSaysSo) {
  TempDir dir;
  fs::path log = dir.path() / "log";
  auto c = logged({"osbuild-no-such-program"}, {}, dir.path(), log);
  auto result = SystemRunner().run(c);
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_NE(read_file(log).value().find("osbuild-no-such-program: No such file or directory"),
            std::string::npos);
}

TEST(Process, CapturesStdoutAndStderrApart) {
  auto result = SystemRunner().run(shell("echo out; echo err >&2; exit 0"));
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(Process, MergesStderrIntoCapturedStdout) {
  Command c = shell("echo one; echo two >&2");
  c.err = Sink::same_as_stdout;
  auto result = SystemRunner().run(c);
  EXPECT_EQ(result.out, "one\ntwo\n");
  EXPECT_EQ(result.err, "");
}

TEST(Process, AppendsToFilesAndReadsStdinFromAFile) {
  TempDir dir;
  write_file_atomic(dir.path() / "in", "from the file\n", Durability::cache);
  write_file_atomic(dir.path() / "out", "before\n", Durability::cache);
  Command c;
  c.argv = {"sh", "-c", "cat; echo oops >&2"};
  c.input = dir.path() / "in";
  c.out = Sink::file;
  c.out_file = dir.path() / "out";
  c.err = Sink::file;
  c.err_file = dir.path() / "err";
  EXPECT_TRUE(SystemRunner().run(c).ok());
  EXPECT_EQ(read_file(dir.path() / "out").value(), "before\nfrom the file\n");
  EXPECT_EQ(read_file(dir.path() / "err").value(), "oops\n");
}

TEST(Process, StdinIsDevNullByDefault) {
  auto result = SystemRunner().run(shell("cat; echo done"));
  EXPECT_EQ(result.out, "done\n");
}

TEST(Process, InheritsTheCallersEnvironmentWhenNoneIsGiven) {
  ::setenv("OSBUILD_PROCESS_TEST", "inherited", 1);
  auto result = SystemRunner().run(shell("echo $OSBUILD_PROCESS_TEST"));
  ::unsetenv("OSBUILD_PROCESS_TEST");
  EXPECT_EQ(result.out, "inherited\n");
}

TEST(Process, ReportsTheSignalThatEndedIt) {
  auto result = SystemRunner().run(shell("kill -9 $$"));
  EXPECT_TRUE(result.signalled());
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_EQ(result.exit_code, 137);
  EXPECT_FALSE(result.timed_out);
}

TEST(Process, KeepsOnlyTheDescriptorsItIsAskedTo) {
  int kept[2];
  int other[2];
  ASSERT_EQ(::pipe2(kept, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(other, O_CLOEXEC), 0);
  auto c = shell(fmt::format("echo kept >&{}; echo other >&{} || echo closed", kept[1], other[1]));
  c.keep_fds = {kept[1]};
  auto r = SystemRunner().run(c);
  EXPECT_EQ(r.out, "closed\n");
  EXPECT_NE(::fcntl(kept[1], F_GETFD) & FD_CLOEXEC, 0);  // still close-on-exec in osbuild
  char buffer[16] = {};
  EXPECT_EQ(::read(kept[0], buffer, sizeof buffer), 5);
  EXPECT_STREQ(buffer, "kept\n");
  for (int fd : {kept[0], kept[1], other[0], other[1]}) ::close(fd);
}

TEST(Process, RunsInItsOwnProcessGroup) {
  auto result = SystemRunner().run(shell("cut -d' ' -f5 /proc/$$/stat; echo $$"));
  ASSERT_TRUE(result.ok()) << result.err;
  auto newline = result.out.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(std::stol(result.out.substr(0, newline)), std::stol(result.out.substr(newline + 1)));
  EXPECT_NE(std::stol(result.out.substr(0, newline)), static_cast<long>(::getpgrp()));
}

TEST(Process, TimeLimitKillsTheWholeGroupIncludingAGrandchild) {
  TempDir dir;
  fs::path pid_file = dir.path() / "grandchild";
  // The grandchild writes its pid and sleeps; the child waits for it.
  Command c = shell("sh -c 'echo $$ > " + pid_file.string() + "; exec sleep 30' & wait");
  c.time_limit = 300ms;
  c.grace = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto result = SystemRunner().run(c);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.signal, SIGTERM);
  EXPECT_LT(took, 5s);
  pid_t grandchild = std::stoi(read_file(pid_file).value());
  for (int i = 0; i < 100 && alive(grandchild); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(alive(grandchild));
}

TEST(Process, TimeLimitEscalatesToSigkillAfterTheGrace) {
  Command c = shell("trap '' TERM; echo ready; while :; do sleep 0.05; done");
  c.time_limit = 200ms;
  c.grace = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto result = SystemRunner().run(c);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_EQ(result.out, "ready\n");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 400ms);
}

TEST(Process, TimeLimitDoesNotTouchAFastCommand) {
  Command c = shell("echo quick");
  c.time_limit = 10s;
  auto result = SystemRunner().run(c);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.out, "quick\n");
}

TEST(Process, LeftoversInTheGroupDieWithTheirLeader) {
  TempDir dir;
  fs::path pid_file = dir.path() / "left";
  Command c;
  c.argv = {"sh", "-c", "sleep 30 & echo $! > " + pid_file.string()};
  c.out = Sink::null;
  EXPECT_TRUE(SystemRunner().run(c).ok());
  pid_t left = std::stoi(read_file(pid_file).value());
  for (int i = 0; i < 100 && alive(left); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(alive(left));
}

TEST(Process, CaptureKeepsAtMostTheLimit) {
  Command c = shell("head -c 100000 /dev/zero");
  c.capture_limit = 1000;
  auto result = SystemRunner().run(c);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out.size(), 1000u);
}

TEST(Process, InterruptKillsRunningGroupsAndIsRemembered) {
  InterruptGuard guard;
  EXPECT_FALSE(interrupted());
  std::thread ctrl_c([] {
    std::this_thread::sleep_for(300ms);
    ::kill(::getpid(), SIGINT);
  });
  auto start = std::chrono::steady_clock::now();
  auto result = SystemRunner().run(shell("sleep 30"));
  ctrl_c.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(result.signal, SIGTERM);
  EXPECT_TRUE(interrupted());
  EXPECT_TRUE(system_runner().interrupted());
  // A command started after the interrupt is stopped at once.
  auto late = SystemRunner().run(shell("sleep 30"));
  EXPECT_EQ(late.signal, SIGTERM);
}

TEST(Process, ANewGuardClearsTheInterrupt) {
  InterruptGuard guard;
  EXPECT_FALSE(interrupted());
}

TEST(Process, FindsProgramsOnPath) {
  EXPECT_EQ(find_program("/bin/sh"), "/bin/sh");
  EXPECT_FALSE(find_program("sh").empty());
  EXPECT_EQ(find_program("osbuild-no-such-program"), "");
}

TEST(Process, CommandTextQuotesWhatAShellWouldSplit) {
  EXPECT_EQ(command_text({"sh", "-c", "make -j4 && it's"}), "sh -c 'make -j4 && it'\\''s'");
  EXPECT_EQ(command_text({"patch", "-p1"}), "patch -p1");
}

TEST(FakeRunner, RecordsAndAnswersByTheFirstMatchingRule) {
  fakes::FakeRunner fake;
  int made = 0;
  fake.on("gcc --version", {0, 0, false, "gcc (Debian 12.2.0) 12.2.0\n", ""});
  fake.on("make", {2, 0, false, "", "no rule\n"}, [&](const Command&) { ++made; }, 1);
  Command version;
  version.argv = {"gcc", "--version"};
  version.out = Sink::capture;
  EXPECT_EQ(fake.run(version).out, "gcc (Debian 12.2.0) 12.2.0\n");
  Command make;
  make.argv = {"make", "-j2"};
  EXPECT_EQ(fake.run(make).exit_code, 2);
  EXPECT_EQ(fake.run(make).exit_code, 0);  // the rule answered its one command
  EXPECT_EQ(made, 1);
  EXPECT_EQ(fake.lines(), (std::vector<std::string>{"gcc --version", "make -j2", "make -j2"}));
  EXPECT_EQ(fake.lines_with("make").size(), 2u);
  EXPECT_FALSE(fake.interrupted());
  fake.interrupt();
  EXPECT_TRUE(fake.interrupted());
}

TEST(Process, HandsStdoutOverLineByLineAsItArrives) {
  Command c = shell("echo one; echo two >&2; sleep 0.2; printf 'three\\nfour'");
  c.err = Sink::same_as_stdout;
  std::vector<std::string> lines;
  std::vector<std::chrono::steady_clock::time_point> when;
  c.on_line = [&](std::string_view line) {
    lines.emplace_back(line);
    when.push_back(std::chrono::steady_clock::now());
  };
  auto result = SystemRunner().run(c);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three", "four"}));
  EXPECT_EQ(result.out, "");  // handed over, not kept
  ASSERT_EQ(when.size(), 4u);
  EXPECT_GE(when[2] - when[0], 150ms);  // the first lines came before the command ended
}

TEST(Process, StreamedCommandStillMeetsItsTimeLimit) {
  Command c = shell("echo ready; exec sleep 30");
  c.time_limit = 300ms;
  c.grace = 200ms;
  std::vector<std::string> lines;
  c.on_line = [&](std::string_view line) { lines.emplace_back(line); };
  auto start = std::chrono::steady_clock::now();
  auto result = SystemRunner().run(c);
  EXPECT_TRUE(result.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(lines, (std::vector<std::string>{"ready"}));
}

TEST(Process, InheritedStdinWithoutATerminalIsLeftAlone) {
  // Under a test runner stdin is no terminal of ours: nothing is handed over, the run is normal.
  Command c = shell("exit 4");
  c.in = Sink::inherit;
  c.terminal = Terminal::foreground;
  EXPECT_EQ(SystemRunner().run(c).exit_code, 4);
}

TEST(FakeRunner, HandsScriptedOutputToOnLine) {
  fakes::FakeRunner fake;
  fake.on("qemu", {0, 0, false, "a\nb\n\nc", ""});
  Command c;
  c.argv = {"qemu"};
  c.out = Sink::capture;
  std::vector<std::string> lines;
  c.on_line = [&](std::string_view line) { lines.emplace_back(line); };
  EXPECT_EQ(fake.run(c).out, "");
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b", "", "c"}));
}

}  // namespace
}  // namespace osbuild::process
