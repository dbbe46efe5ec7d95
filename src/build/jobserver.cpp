#include "osbuild/build/jobserver.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <regex>

#include "osbuild/util/error.h"
#include "osbuild/util/log.h"

namespace osbuild::build {

namespace {

constexpr char k_token = '+';  // what make writes; any byte is a token
// A pipe holds 64 KiB: a token per byte, and room for the builds to give theirs back.
constexpr std::size_t k_max_tokens = 4096;

Error jobserver_error(const fs::path& fifo, const std::string& what) {
  return Error(fmt::format("cannot make the build's jobserver {}: {}: {}", fifo.string(), what,
                           std::strerror(errno)),
               fmt::format("the build folder must be on a file system that holds fifos "
                           "(mkfifo); remove {} if something else is in its place",
                           fifo.string()));
}

int open_fifo(const fs::path& fifo, int flags) {
  int fd = ::open(fifo.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw jobserver_error(fifo, "open");
  return fd;
}

}  // namespace

JobserverForm jobserver_form(std::string_view version_text) {
  static const std::regex version(R"(GNU Make (\d+)\.(\d+))");
  std::cmatch m;
  if (!std::regex_search(version_text.begin(), version_text.end(), m, version)) {
    return JobserverForm::pipe;
  }
  int major = std::stoi(m[1].str());
  int minor = std::stoi(m[2].str());
  return major > 4 || (major == 4 && minor >= 4) ? JobserverForm::fifo : JobserverForm::pipe;
}

JobserverForm probe_jobserver_form(process::Runner& runner) {
  process::Command command;
  command.argv = {"make", "--version"};
  command.env =
      std::map<std::string, std::string>{{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"LC_ALL", "C"}};
  command.out = process::Sink::capture;
  command.err = process::Sink::null;
  command.time_limit = std::chrono::seconds(10);
  auto result = runner.run(command);
  JobserverForm form = result.ok() ? jobserver_form(result.out) : JobserverForm::pipe;
  log::debug("jobserver: {} form ({})", form == JobserverForm::fifo ? "fifo" : "pipe",
             result.ok() ? result.out.substr(0, result.out.find('\n')) : "no make answered");
  return form;
}

Jobserver::Jobserver(const fs::path& fifo, std::size_t jobs, JobserverForm form)
    : m_fifo(fifo), m_jobs(std::clamp<std::size_t>(jobs, 1, k_max_tokens + 1)), m_form(form) {
  if (m_fifo.string().find_first_of(" \t\n") != std::string::npos) {
    m_form = JobserverForm::pipe;  // MAKEFLAGS is split at white space
  }
  fs::create_directories(m_fifo.parent_path());
  std::error_code ec;
  fs::remove(m_fifo, ec);  // a fifo a killed build left behind
  if (::mkfifo(m_fifo.c_str(), 0600) != 0) throw jobserver_error(m_fifo, "mkfifo");
  // Read-write: opening never waits for the other end, and the fifo never reads as closed.
  m_fd = open_fifo(m_fifo, O_RDWR | O_NONBLOCK);
  if (m_form == JobserverForm::pipe) {
    // Descriptions of their own, blocking as make expects; osbuild's stays non-blocking.
    m_read = open_fifo(m_fifo, O_RDONLY);
    m_write = open_fifo(m_fifo, O_WRONLY);
  }
  refill();
}

Jobserver::~Jobserver() {
  for (int fd : {m_fd, m_read, m_write}) {
    if (fd >= 0) ::close(fd);
  }
  std::error_code ec;
  fs::remove(m_fifo, ec);
}

std::string Jobserver::makeflags() const {
  std::string auth = m_form == JobserverForm::fifo ? "fifo:" + m_fifo.string()
                                                   : fmt::format("{},{}", m_read, m_write);
  return fmt::format("-j{} --jobserver-auth={}", m_jobs, auth);
}

std::vector<fs::path> Jobserver::bound_paths() const {
  if (m_form == JobserverForm::fifo) return {m_fifo};
  return {};
}

std::vector<int> Jobserver::inherited_fds() const {
  if (m_form == JobserverForm::pipe) return {m_read, m_write};
  return {};
}

std::size_t Jobserver::available() const {
  int n = 0;
  if (::ioctl(m_fd, FIONREAD, &n) != 0) return 0;
  return static_cast<std::size_t>(std::max(n, 0));
}

bool Jobserver::try_acquire() {
  char token = 0;
  ssize_t n = 0;
  do {
    n = ::read(m_fd, &token, 1);
  } while (n < 0 && errno == EINTR);
  return n == 1;
}

void Jobserver::wait(std::chrono::milliseconds limit) {
  pollfd fd{m_fd, POLLIN, 0};
  ::poll(&fd, 1, static_cast<int>(limit.count()));
}

void Jobserver::release() {
  char token = k_token;
  ssize_t n = 0;
  do {
    n = ::write(m_fd, &token, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) log::debug("jobserver: a token was not given back: {}", std::strerror(errno));
}

void Jobserver::refill() {
  // Nothing runs: what the fifo holds is all there is. Builds that were killed holding tokens
  // took them along; make the count whole again.
  while (try_acquire()) {
  }
  std::string tokens(m_jobs - 1, k_token);
  std::size_t written = 0;
  while (written < tokens.size()) {
    ssize_t n = ::write(m_fd, tokens.data() + written, tokens.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Called as a package ends, where nothing may throw: fewer tokens, fewer jobs at once.
      log::debug("jobserver: refilled {} of {} tokens: {}", written, tokens.size(),
                 std::strerror(errno));
      return;
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace osbuild::build
