// The build's jobserver: its tokens, the form a make reads, what it hands to the sandbox, and
// the scheduler sharing one pool of tokens with the builds.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "build_fixture.h"
#include "fakes/fake_process.h"
#include "osbuild/build/jobserver.h"
#include "osbuild/util/fs.h"

namespace osbuild::build {
namespace {

using namespace std::chrono_literals;

TEST(JobserverForm, FifoFromMake44On) {
  EXPECT_EQ(jobserver_form("GNU Make 4.3\nBuilt for x86_64-pc-linux-gnu\n"), JobserverForm::pipe);
  EXPECT_EQ(jobserver_form("GNU Make 4.4.1\n"), JobserverForm::fifo);
  EXPECT_EQ(jobserver_form("GNU Make 5.0\n"), JobserverForm::fifo);
  EXPECT_EQ(jobserver_form("GNU Make 3.82\n"), JobserverForm::pipe);
  EXPECT_EQ(jobserver_form("bmake 20240711\n"), JobserverForm::pipe);
}

TEST(JobserverForm, ProbeAsksTheBuildsMake) {
  fakes::FakeRunner runner;
  runner.on("make --version", {0, 0, false, "GNU Make 4.4.1\n", ""});
  EXPECT_EQ(probe_jobserver_form(runner), JobserverForm::fifo);
  EXPECT_EQ(runner.lines(), (std::vector<std::string>{"make --version"}));
  runner.reset();
  runner.on("make --version", {127, 0, false, "", ""});
  EXPECT_EQ(probe_jobserver_form(runner), JobserverForm::pipe);
}

TEST(Jobserver, PipeFormHoldsOneTokenLessThanTheJobs) {
  TempDir dir("osbuild-jobserver-test");
  Jobserver js(dir.path() / "jobserver", 4, JobserverForm::pipe);
  EXPECT_EQ(js.available(), 3u);
  auto fds = js.inherited_fds();
  ASSERT_EQ(fds.size(), 2u);
  EXPECT_EQ(js.makeflags(), fmt::format("-j4 --jobserver-auth={},{}", fds[0], fds[1]));
  EXPECT_TRUE(js.bound_paths().empty());
  for (int fd : fds) {
    // Handed over only to the commands that ask (Command::keep_fds), never by accident.
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  }
  char token = 0;
  ASSERT_EQ(::read(fds[0], &token, 1), 1);  // as a build's make takes one
  EXPECT_EQ(js.available(), 2u);
  ASSERT_EQ(::write(fds[1], &token, 1), 1);
  EXPECT_EQ(js.available(), 3u);
}

TEST(Jobserver, FifoFormNamesThePathAndPassesNoDescriptor) {
  TempDir dir("osbuild-jobserver-test");
  fs::path fifo = dir.path() / "jobserver";
  Jobserver js(fifo, 3, JobserverForm::fifo);
  EXPECT_EQ(js.makeflags(), "-j3 --jobserver-auth=fifo:" + fifo.string());
  EXPECT_EQ(js.bound_paths(), std::vector<fs::path>{fifo});
  EXPECT_TRUE(js.inherited_fds().empty());
  int fd = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);  // as make 4.4 opens it
  ASSERT_GE(fd, 0);
  char token = 0;
  ASSERT_EQ(::read(fd, &token, 1), 1);
  EXPECT_EQ(js.available(), 1u);
  ASSERT_EQ(::write(fd, &token, 1), 1);
  ::close(fd);
  EXPECT_EQ(js.available(), 2u);
}

TEST(Jobserver, AFifoPathWithSpacesFallsBackToThePipe) {
  TempDir dir("osbuild-jobserver-test");
  Jobserver js(dir.path() / "a b" / "jobserver", 2, JobserverForm::fifo);
  EXPECT_EQ(js.form(), JobserverForm::pipe);
  EXPECT_EQ(js.inherited_fds().size(), 2u);
}

TEST(Jobserver, ReplacesALeftoverAndRemovesItsFifo) {
  TempDir dir("osbuild-jobserver-test");
  fs::path fifo = dir.path() / "jobserver";
  write_file_atomic(fifo, "left by a killed build\n", Durability::cache);
  {
    Jobserver js(fifo, 2, JobserverForm::fifo);
    EXPECT_EQ(js.available(), 1u);
  }
  EXPECT_FALSE(fs::exists(fs::symlink_status(fifo)));
}

TEST(Jobserver, RefillRecoversTokensAKilledBuildTook) {
  TempDir dir("osbuild-jobserver-test");
  Jobserver js(dir.path() / "jobserver", 4, JobserverForm::pipe);
  EXPECT_TRUE(js.try_acquire());
  EXPECT_TRUE(js.try_acquire());  // taken by a build that was then killed
  EXPECT_EQ(js.available(), 1u);
  js.refill();
  EXPECT_EQ(js.available(), 3u);
  js.release();  // one too many given back
  js.refill();
  EXPECT_EQ(js.available(), 3u);
  EXPECT_TRUE(js.try_acquire());
  EXPECT_TRUE(js.try_acquire());
  EXPECT_TRUE(js.try_acquire());
  EXPECT_FALSE(js.try_acquire());  // never waits
}

TEST(Jobserver, OneJobHasNoTokens) {
  TempDir dir("osbuild-jobserver-test");
  Jobserver js(dir.path() / "jobserver", 1, JobserverForm::pipe);
  EXPECT_EQ(js.available(), 0u);
  EXPECT_FALSE(js.try_acquire());
}

// A pool in memory: its tokens, how many the scheduler took at most, and its refills.
class FakeTokens final : public JobTokens {
 public:
  explicit FakeTokens(int free) : m_free(free) {}
  bool try_acquire() override {
    std::lock_guard g(m_mutex);
    if (m_free == 0) return false;
    --m_free;
    m_peak_taken = std::max(m_peak_taken, ++m_taken);
    return true;
  }
  void wait(std::chrono::milliseconds) override { std::this_thread::sleep_for(1ms); }
  void release() override {
    std::lock_guard g(m_mutex);
    ++m_free;
    --m_taken;
  }
  void refill() override { ++m_refills; }
  int free_tokens() {
    std::lock_guard g(m_mutex);
    return m_free;
  }
  int peak_taken() {
    std::lock_guard g(m_mutex);
    return m_peak_taken;
  }
  int refills() const { return m_refills; }

 private:
  std::mutex m_mutex;
  int m_free;
  int m_taken = 0;
  int m_peak_taken = 0;
  std::atomic<int> m_refills{0};
};

// Runs `count` independent nodes of 20 ms each; the most that ran at once.
int peak_running(std::size_t count, std::size_t jobs, JobTokens& tokens) {
  std::vector<ScheduleNode> nodes(count);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  auto states = run_schedule(
      nodes, jobs, OnFailure::stop,
      [&](std::size_t) {
        int now = ++running;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(20ms);
        --running;
        return true;
      },
      [] { return false; }, &tokens);
  for (auto s : states) EXPECT_EQ(s, NodeState::succeeded);
  return peak.load();
}

TEST(SchedulerTokens, ANodeBeyondTheFirstTakesAToken) {
  FakeTokens tokens(2);  // -j3: one implicit job and two tokens
  EXPECT_EQ(peak_running(8, 3, tokens), 3);
  EXPECT_EQ(tokens.peak_taken(), 2);
  EXPECT_EQ(tokens.free_tokens(), 2);  // every token back
  EXPECT_GE(tokens.refills(), 1);      // once nothing ran
}

TEST(SchedulerTokens, TokensTheBuildsHoldLeaveNodesWaiting) {
  FakeTokens tokens(0);  // the running builds' makes hold every token
  EXPECT_EQ(peak_running(4, 3, tokens), 1);
  EXPECT_EQ(tokens.free_tokens(), 0);
}

TEST(SchedulerTokens, TheJobLimitStillHolds) {
  FakeTokens tokens(10);
  EXPECT_LE(peak_running(8, 2, tokens), 2);
  EXPECT_EQ(tokens.free_tokens(), 10);
}

TEST(SchedulerTokens, OneRealPoolOfTokens) {
  TempDir dir("osbuild-jobserver-test");
  Jobserver js(dir.path() / "jobserver", 2, JobserverForm::pipe);
  EXPECT_EQ(peak_running(6, 2, js), 2);
  EXPECT_EQ(js.available(), 1u);
}

// A package build hands the jobserver to its commands: MAKEFLAGS, and the descriptors.
TEST_F(PackageBuildTest, BuildsGetTheJobserver) {
  Jobserver js(build_dir() / ".osbuild" / "jobserver", 2, JobserverForm::pipe);
  BuildContext bc = context();
  bc.jobserver = &js;
  ASSERT_TRUE(build_package(bc, pkg, {}, std::string(64, '1'), inputs).ok);
  auto command = runner.commands().at(0);
  EXPECT_EQ(command.env->at("MAKEFLAGS"), js.makeflags());
  EXPECT_EQ(command.env->at("CARGO_MAKEFLAGS"), js.makeflags());
  EXPECT_EQ(command.env->at("OSBUILD_JOBS"), "2");
  EXPECT_EQ(command.keep_fds, js.inherited_fds());
}

TEST_F(PackageBuildTest, TheFifoIsBoundReadWrite) {
  Jobserver js(build_dir() / ".osbuild" / "jobserver", 2, JobserverForm::fifo);
  BuildContext bc = context();
  bc.jobserver = &js;
  bc.sandbox = sandbox::SandboxKind::sealed;
  ASSERT_TRUE(build_package(bc, pkg, {}, std::string(64, '1'), inputs).ok);
  auto command = runner.commands().at(0);
  auto fifo = (build_dir() / ".osbuild" / "jobserver").string();
  std::vector<std::string> bind_fifo = {"--bind", fifo, fifo};
  auto bind =
      std::search(command.argv.begin(), command.argv.end(), bind_fifo.begin(), bind_fifo.end());
  EXPECT_NE(bind, command.argv.end());
  EXPECT_TRUE(command.keep_fds.empty());
}

}  // namespace
}  // namespace osbuild::build
