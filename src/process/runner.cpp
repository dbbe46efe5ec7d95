// The real Runner: fork and execve, the child in its own process group, waited for with poll()
// on a pidfd and the capture pipes, so that a time limit needs no extra thread.
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "groups.h"
#include "osbuild/process/process.h"
#include "osbuild/util/error.h"

extern char** environ;

namespace osbuild::process {

namespace {

using Clock = std::chrono::steady_clock;

// Everything the child needs, made before fork: the child may not allocate.
struct Prepared {
  std::string program;
  std::vector<std::string> env_strings;
  std::vector<char*> argv;
  std::vector<char*> envp;
  char** env = nullptr;
  bool foreground = false;  // the child is handed the terminal
};

Prepared prepare(const Command& c) {
  Prepared p;
  p.program = find_program(c.argv.front());
  if (p.program.empty()) {
    p.program = c.argv.front();  // exec fails and says so on the child's stderr
  }
  for (const auto& a : c.argv) {
    p.argv.push_back(const_cast<char*>(a.c_str()));
  }
  p.argv.push_back(nullptr);
  if (!c.env) {
    p.env = environ;
    return p;
  }
  for (const auto& [name, value] : *c.env) {
    p.env_strings.push_back(name + "=" + value);
  }
  for (auto& e : p.env_strings) {
    p.envp.push_back(e.data());
  }
  p.envp.push_back(nullptr);
  p.env = p.envp.data();
  return p;
}

struct Pipe {
  int read = -1;
  int write = -1;
};

Pipe capture_pipe(Sink sink) {
  int fds[2] = {-1, -1};
  if (sink == Sink::capture && ::pipe2(fds, O_CLOEXEC) != 0) {
    throw Error(std::string("cannot make a pipe: ") + std::strerror(errno));
  }
  return {fds[0], fds[1]};
}

void close_fd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

// Points `target` (1 or 2) at the sink; false when that fails.
bool redirect(int target, Sink sink, const fs::path& file, int pipe_write) {
  int fd = -1;
  switch (sink) {
    case Sink::inherit:
      return true;
    case Sink::same_as_stdout:
      return ::dup2(1, target) >= 0;
    case Sink::null:
      fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
      break;
    case Sink::file:
      fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      break;
    case Sink::capture:
      fd = pipe_write;
      break;
  }
  return fd >= 0 && ::dup2(fd, target) >= 0;
}

// True when stdin is a terminal whose foreground process group is ours: only then may a child
// be handed the terminal (a job in the background, or no terminal at all, leaves it alone).
bool own_terminal() {
  return ::isatty(0) == 1 && ::tcgetpgrp(0) == ::getpgrp();
}

// Makes `pgid` the terminal's foreground group. A process outside the foreground group that
// changes it gets SIGTTOU, so that is ignored for the call (as shells do).
void take_terminal(pid_t pgid) {
  struct sigaction ignore {};
  struct sigaction old {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGTTOU, &ignore, &old);
  ::tcsetpgrp(0, pgid);
  ::sigaction(SIGTTOU, &old, nullptr);
}

bool hands_over_terminal(const Command& c) {
  return c.terminal == Terminal::foreground && c.input.empty() && c.in == Sink::inherit &&
         own_terminal();
}

// Marks every descriptor from `first` on close-on-exec: one osbuild inherited from its caller, or
// opened without O_CLOEXEC, must not reach a command (a build sees only what it was handed).
void close_on_exec_from(int first) {
  if (::syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  long max = std::min(::sysconf(_SC_OPEN_MAX), 65536L);  // kernels before 5.11
  for (int fd = first; fd < max; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

[[noreturn]] void exec_child(const Command& c, const Prepared& p, const Pipe& out,
                             const Pipe& err, pid_t parent) {
  // The handlers came with fork; an interrupt that reached the child through them, or arrived
  // before fork, ends it here, before it can start the command.
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_DFL);
  if (interrupt_pending()) {
    ::raise(SIGTERM);
  }
  ::setpgid(0, 0);
  // Killed with osbuild, even by `kill -9` that leaves no handler to run; a sandbox's own pid
  // namespace then takes every process of the build with it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) {
    ::_exit(137);  // osbuild died before the line above ran
  }
  if (!redirect(1, c.out, c.out_file, out.write) || !redirect(2, c.err, c.err_file, err.write)) {
    ::_exit(127);
  }
  if (!c.input.empty() || c.in != Sink::inherit) {
    int in = ::open(c.input.empty() ? "/dev/null" : c.input.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0 || ::dup2(in, 0) < 0) {
      dprintf(2, "osbuild: cannot read %s: %s\n", c.input.c_str(), std::strerror(errno));
      ::_exit(127);
    }
  } else if (p.foreground) {
    take_terminal(::getpid());
  }
  close_on_exec_from(3);
  for (int fd : c.keep_fds) {
    if (::fcntl(fd, F_SETFD, 0) != 0) {
      dprintf(2, "osbuild: cannot hand descriptor %d to the command: %s\n", fd,
              std::strerror(errno));
      ::_exit(127);
    }
  }
  if (!c.cwd.empty() && ::chdir(c.cwd.c_str()) != 0) {
    dprintf(2, "osbuild: cannot enter %s: %s\n", c.cwd.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  ::execve(p.program.c_str(), p.argv.data(), p.env);
  dprintf(2, "%s: No such file or directory (osbuild could not run it: %s)\n",
          c.argv.front().c_str(), std::strerror(errno));
  ::_exit(127);
}

// Waits for one child and its capture pipes, enforcing the time limit.
class Waiter {
 public:
  Waiter(const Command& c, pid_t pid, int out, int err)
      : m_command(c), m_pid(pid), m_fds{out, err}, m_pidfd(open_pidfd(pid)) {
    if (c.time_limit.count() > 0) {
      m_deadline = Clock::now() + c.time_limit;
    }
  }
  ~Waiter() {
    close_fd(m_pidfd);
    close_fd(m_fds[0]);
    close_fd(m_fds[1]);
  }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  // Returns the wait status; the group is SIGKILLed once its leader is gone.
  int wait(Result& result, std::size_t slot);

 private:
  static int open_pidfd(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  }
  bool pipes_open() const { return m_fds[0] >= 0 || m_fds[1] >= 0; }
  void enforce_limit(Result& result);
  int next_timeout() const;
  void poll_once(Result& result);
  void take(int stream, const char* data, std::size_t size, Result& result);
  void flush_lines();

  const Command& m_command;
  pid_t m_pid;
  int m_fds[2];
  int m_pidfd;
  bool m_exited = false;
  std::optional<Clock::time_point> m_deadline;
  std::optional<Clock::time_point> m_kill_at;
  std::optional<Clock::time_point> m_drain_until;
  std::string m_partial;  // stdout since its last newline, for Command::on_line
};

int Waiter::wait(Result& result, std::size_t slot) {
  int status = 0;
  while (!m_exited || pipes_open()) {
    if (!m_exited && !pipes_open() && !m_deadline && !m_kill_at) {
      // The common case of a build command: nothing to watch but the child itself.
      while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
      }
      m_exited = true;
    } else if (!m_exited && ::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_exited = true;
    }
    if (m_exited && !m_drain_until) {
      unregister_group(slot);
      // Whatever the command left behind in its group goes with it.
      ::kill(-m_pid, SIGKILL);
      m_drain_until = Clock::now() + std::max(m_command.grace, std::chrono::milliseconds(1000));
      continue;
    }
    if (m_exited && Clock::now() >= *m_drain_until) {
      break;  // a process that left the group still holds the pipe: stop reading
    }
    enforce_limit(result);
    poll_once(result);
  }
  flush_lines();
  return status;
}

void Waiter::take(int stream, const char* data, std::size_t size, Result& result) {
  if (stream == 0 && m_command.on_line) {
    m_partial.append(data, size);
    std::size_t start = 0;
    for (std::size_t nl = m_partial.find('\n'); nl != std::string::npos;
         nl = m_partial.find('\n', start)) {
      m_command.on_line(std::string_view(m_partial).substr(start, nl - start));
      start = nl + 1;
    }
    m_partial.erase(0, start);
    return;
  }
  std::string& text = stream == 0 ? result.out : result.err;
  text.append(data, std::min(size, m_command.capture_limit -
                                       std::min(m_command.capture_limit, text.size())));
}

void Waiter::flush_lines() {
  if (!m_partial.empty() && m_command.on_line) m_command.on_line(m_partial);
  m_partial.clear();
}

void Waiter::enforce_limit(Result& result) {
  if (m_exited) return;
  auto now = Clock::now();
  if (m_deadline && now >= *m_deadline) {
    result.timed_out = true;
    ::kill(-m_pid, SIGTERM);
    m_deadline.reset();
    m_kill_at = now + m_command.grace;
  } else if (m_kill_at && now >= *m_kill_at) {
    ::kill(-m_pid, SIGKILL);
    m_kill_at.reset();
  }
}

int Waiter::next_timeout() const {
  std::optional<Clock::time_point> next;
  for (const auto& t : {m_deadline, m_kill_at, m_drain_until}) {
    if (t && (!next || *t < *next)) next = t;
  }
  int timeout = -1;
  if (next) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    timeout = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
  }
  if (m_pidfd < 0 && !m_exited) {
    timeout = timeout < 0 ? 20 : std::min(timeout, 20);  // no pidfd: look again soon
  }
  return timeout;
}

void Waiter::poll_once(Result& result) {
  pollfd fds[3];
  nfds_t count = 0;
  for (int fd : m_fds) {
    if (fd >= 0) fds[count++] = {fd, POLLIN, 0};
  }
  if (!m_exited && m_pidfd >= 0) fds[count++] = {m_pidfd, POLLIN, 0};
  if (::poll(fds, count, next_timeout()) <= 0) {
    return;  // a timeout or a signal: the loop looks at the clock and the child again
  }
  char buffer[16384];
  for (int i = 0; i < 2; ++i) {
    if (m_fds[i] < 0) continue;
    pollfd* p = std::find_if(fds, fds + count, [&](const pollfd& f) { return f.fd == m_fds[i]; });
    if ((p->revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    ssize_t n = ::read(m_fds[i], buffer, sizeof buffer);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      close_fd(m_fds[i]);
      continue;
    }
    take(i, buffer, static_cast<std::size_t>(n), result);
  }
}

}  // namespace

Result SystemRunner::run(const Command& c) {
  if (c.argv.empty()) {
    throw Error("internal: an empty command");
  }
  Prepared p = prepare(c);
  p.foreground = hands_over_terminal(c);
  Pipe out = capture_pipe(c.out);
  Pipe err = capture_pipe(c.err);
  pid_t self = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    int saved = errno;
    for (int* fd : {&out.read, &out.write, &err.read, &err.write}) close_fd(*fd);
    throw Error("cannot start " + c.argv.front() + ": " + std::strerror(saved));
  }
  if (pid == 0) {
    exec_child(c, p, out, err, self);
  }
  close_fd(out.write);
  close_fd(err.write);
  ::setpgid(pid, pid);  // also in the child: whichever runs first wins the race
  if (p.foreground) take_terminal(pid);
  std::size_t slot = register_group(pid);
  if (interrupt_pending()) {
    ::kill(-pid, SIGTERM);
  }
  Result result;
  int status = Waiter(c, pid, out.read, err.read).wait(result, slot);
  if (p.foreground) take_terminal(::getpgrp());
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

bool SystemRunner::interrupted() const {
  return process::interrupted();
}

Runner& system_runner() {
  static SystemRunner runner;
  return runner;
}

}  // namespace osbuild::process
