#include "osbuild/util/fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace osbuild {
namespace fs = std::filesystem;

namespace {

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const char* data, std::size_t size, const fs::path& name) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Error("cannot write " + name.string() + ": " + errno_text(),
                  errno == ENOSPC ? "free some space on that file system and run the command again"
                                  : "");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

Fd::~Fd() {
  if (fd >= 0) ::close(fd);
}

AtomicFile::AtomicFile(fs::path target, Durability durability)
    : m_target(std::move(target)), m_durability(durability) {
  std::string pattern = m_target.string() + ".tmp.XXXXXX";
  m_fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (m_fd < 0) {
    throw Error("cannot create a temporary file beside " + m_target.string() + ": " + errno_text());
  }
  m_temp = pattern;
  // mkostemp creates 0600; apply the umask as an ordinary create would.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(m_fd, 0666 & ~mask);
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  if (!m_committed) {
    ::unlink(m_temp.c_str());
  }
}

void AtomicFile::write(std::string_view data) { write(data.data(), data.size()); }

void AtomicFile::write(const void* data, std::size_t size) {
  write_all(m_fd, static_cast<const char*>(data), size, m_temp);
}

void AtomicFile::commit() {
  if (m_durability == Durability::durable && ::fsync(m_fd) != 0) {
    throw Error("cannot sync " + m_temp.string() + ": " + errno_text());
  }
  if (::close(m_fd) != 0) {
    m_fd = -1;
    throw Error("cannot close " + m_temp.string() + ": " + errno_text());
  }
  m_fd = -1;
  if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
    throw Error("cannot rename " + m_temp.string() + " to " + m_target.string() + ": " +
                errno_text());
  }
  m_committed = true;
  if (m_durability == Durability::durable) {
    fsync_directory(m_target.parent_path());
  }
}

void write_file_atomic(const fs::path& path, std::string_view data, Durability durability) {
  AtomicFile file(path, durability);
  file.write(data);
  file.commit();
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Failure{"cannot read " + path.string() + ": " + errno_text()};
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string read_file_or_throw(const fs::path& path) { return read_file(path).value_or_throw(); }

void fsync_directory(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw Error("cannot open directory " + dir.string() + ": " + errno_text());
  }
  ::fsync(fd);
  ::close(fd);
}

FileLock::~FileLock() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

std::optional<FileLock> FileLock::acquire(const fs::path& path, Wait wait,
                                          const std::function<void(const std::string&)>& on_wait) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error("cannot open lock file " + path.string() + ": " + errno_text());
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK || wait == Wait::no) {
      ::close(fd);
      return std::nullopt;
    }
    if (on_wait) {
      on_wait(holder(path));
    }
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        ::close(fd);
        throw Error("cannot lock " + path.string() + ": " + errno_text());
      }
    }
  }
  std::string cmdline;
  if (auto comm = read_file("/proc/self/cmdline")) {
    for (char c : comm.value()) {
      cmdline += c == '\0' ? ' ' : c;
    }
  }
  std::string record = "pid " + std::to_string(::getpid()) + " (" +
                       std::string(cmdline.empty() ? "osbuild" : cmdline.substr(0, 200)) + ")\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] auto n = ::pwrite(fd, record.data(), record.size(), 0);
  }
  FileLock lock;
  lock.m_fd = fd;
  return lock;
}

std::string FileLock::holder(const fs::path& path) {
  auto text = read_file(path);
  if (!text || text.value().empty()) {
    return "another process";
  }
  std::string s = text.value();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

TempDir::TempDir(std::string_view prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + std::string(prefix) +
      ".XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error("cannot create a temporary directory: " + errno_text());
  }
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

fs::path expand_home(std::string_view path) {
  if (path.starts_with("~/") || path == "~") {
    const char* home = std::getenv("HOME");
    return fs::path(home != nullptr ? home : "/root") / std::string(path.substr(path.size() > 1 ? 2 : 1));
  }
  return fs::path(std::string(path));
}

}  // namespace osbuild
