#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "osbuild/sandbox/sandbox.h"
#include "osbuild/util/error.h"

namespace osbuild::sandbox {

namespace {

// Process groups of running children, reachable from a signal handler: a fixed table of atomics.
constexpr std::size_t k_max_children = 256;
std::array<std::atomic<pid_t>, k_max_children> g_groups{};
volatile std::sig_atomic_t g_interrupted = 0;

std::size_t register_group(pid_t pgid) {
  for (std::size_t i = 0; i < k_max_children; ++i) {
    pid_t expected = 0;
    if (g_groups[i].compare_exchange_strong(expected, pgid)) {
      return i;
    }
  }
  return k_max_children;
}

void unregister_group(std::size_t slot) {
  if (slot < k_max_children) {
    g_groups[slot].store(0);
  }
}

[[noreturn]] void exec_child(const ProcessSpec& spec, const std::string& program,
                             std::vector<char*>& argv, std::vector<char*>& envp, pid_t parent) {
  ::setpgid(0, 0);
  // Killed with osbuild, even by `kill -9` that leaves no handler to run; the sandbox's own pid
  // namespace then takes every process of the build with it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) {
    ::_exit(137);  // osbuild died before the line above ran
  }
  int log = ::open(spec.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log < 0 || null < 0 || ::dup2(null, 0) < 0 || ::dup2(log, 1) < 0 || ::dup2(log, 2) < 0) {
    ::_exit(127);
  }
  if (::chdir(spec.cwd.c_str()) != 0) {
    dprintf(2, "osbuild: cannot enter %s: %s\n", spec.cwd.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::execve(program.c_str(), argv.data(), envp.data());
  dprintf(2, "%s: No such file or directory (osbuild could not run it: %s)\n",
          spec.argv.front().c_str(), std::strerror(errno));
  ::_exit(127);
}

void on_interrupt(int) {
  g_interrupted = 1;
  kill_running_groups();
}

struct sigaction g_old_int {};
struct sigaction g_old_term {};

}  // namespace

ProcessResult run_process(const ProcessSpec& spec) {
  std::string program = find_program(spec.argv.front());
  if (program.empty()) {
    program = spec.argv.front();  // exec fails and says so in the log
  }
  std::vector<std::string> env_strings;
  for (const auto& [name, value] : spec.env) {
    env_strings.push_back(name + "=" + value);
  }
  std::vector<char*> argv;
  for (const auto& a : spec.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);
  pid_t self = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    throw Error(std::string("cannot start ") + spec.argv.front() + ": " + std::strerror(errno));
  }
  if (pid == 0) {
    exec_child(spec, program, argv, envp, self);
  }
  ::setpgid(pid, pid);  // also in the child: whichever runs first wins the race
  std::size_t slot = register_group(pid);
  if (g_interrupted != 0) {
    ::kill(-pid, SIGTERM);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  unregister_group(slot);
  // Whatever the build left behind in its group goes with it.
  ::kill(-pid, SIGKILL);
  if (WIFSIGNALED(status)) {
    return {128 + WTERMSIG(status), true};
  }
  return {WEXITSTATUS(status), false};
}

void kill_running_groups() {
  for (auto& group : g_groups) {
    pid_t pgid = group.load();
    if (pgid > 0) {
      ::kill(-pgid, SIGTERM);
    }
  }
}

InterruptGuard::InterruptGuard() {
  g_interrupted = 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, &g_old_int);
  ::sigaction(SIGTERM, &action, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
}

bool interrupted() {
  return g_interrupted != 0;
}

}  // namespace osbuild::sandbox
