// Writing into a root tree with every path resolved inside it: openat2(2) RESOLVE_IN_ROOT opens
// the parent folder, then the *at calls create the last component relative to it.
#include "osbuild/image/rooted.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "osbuild/util/error.h"
#include "osbuild/util/text.h"

namespace osbuild::image {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> components(std::string_view rel) {
  std::vector<std::string> out;
  for (const auto& part : split(std::string(rel), '/')) {
    if (!part.empty() && part != ".") out.push_back(part);
  }
  return out;
}

std::string prefix_of(const std::vector<std::string>& parts, std::size_t n) {
  return join(std::vector<std::string>(parts.begin(), parts.begin() + static_cast<long>(n)), "/");
}

int open_root(const fs::path& root) {
  int fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(fmt::format("cannot open the root tree {}: {}", root.string(), std::strerror(errno)));
  }
  return fd;
}

void write_all(int fd, std::string_view data, const std::string& name) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(fmt::format("cannot write {}: {}", name, std::strerror(errno)));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

struct RootedTree::Split {
  Fd parent;
  std::string name;
  std::string path;  // the whole relative path, normalised
};

RootedTree::RootedTree(const fs::path& root, Owner owner)
    : m_root(root), m_owner(std::move(owner)), m_fd(open_root(root)) {}

int RootedTree::open_raw(const std::string& rel, int flags, mode_t mode) const {
  struct open_how how {};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) != 0 ? mode : 0;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const char* path = rel.empty() ? "." : rel.c_str();
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, m_fd.fd, path, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == ENOSYS) {
      throw Error("openat2(2) is not available: osbuild image needs Linux 5.6 or later to write "
                  "into a root tree safely",
                  "run osbuild on a newer kernel");
    }
    // EAGAIN: a rename elsewhere raced with the lookup; the kernel asks to try again.
    if ((errno != EAGAIN && errno != EINTR) || attempt == 8) return -1;
  }
}

void RootedTree::fail(const std::string& what, const std::string& rel, int err) const {
  auto parts = components(rel);
  for (std::size_t i = 1; i <= parts.size(); ++i) {
    std::string prefix = prefix_of(parts, i);
    int fd = open_raw(prefix, O_PATH);
    int open_err = errno;
    if (fd >= 0) {
      ::close(fd);
      continue;
    }
    Fd parent(open_raw(prefix_of(parts, i - 1), O_PATH | O_DIRECTORY));
    struct stat st {};
    if (parent.fd < 0 || ::fstatat(parent.fd, parts[i - 1].c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISLNK(st.st_mode)) {
      break;
    }
    std::string target(4096, '\0');
    ssize_t n = ::readlinkat(parent.fd, parts[i - 1].c_str(), target.data(), target.size());
    target.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    std::string link = "/" + prefix;
    std::string owner = owner_of(link);
    throw Error(
        fmt::format("cannot {} /{} in the root tree: {} is a link to {}{}, which {} inside the "
                    "image (links are read as if the image's root were /)",
                    what, rel, link, target,
                    owner.empty() ? "" : fmt::format(" (installed by package {})", owner),
                    open_err == ELOOP ? "goes round in a loop" : "leads to no folder"),
        fmt::format("make {} a folder, or a link to a folder inside the image, in {}", link,
                    owner.empty() ? std::string("the package that installs it") : "package " + owner));
  }
  throw Error(fmt::format("cannot {} /{} in the root tree {}: {}", what, rel, m_root.string(),
                          std::strerror(err)));
}

RootedTree::Split RootedTree::split_last(std::string_view rel) const {
  auto parts = components(rel);
  std::string path = join(parts, "/");
  if (parts.empty() || parts.back() == "..") {
    throw Error(fmt::format("internal: /{} names no entry of the root tree", std::string(rel)));
  }
  std::string parent_rel = prefix_of(parts, parts.size() - 1);
  int fd = open_raw(parent_rel, O_PATH | O_DIRECTORY);
  if (fd < 0) fail("write", path, errno);
  return Split{Fd(fd), parts.back(), path};
}

bool RootedTree::exists(std::string_view rel) const {
  auto parts = components(rel);
  if (parts.empty()) return true;
  Fd parent(open_raw(prefix_of(parts, parts.size() - 1), O_PATH | O_DIRECTORY));
  struct stat st {};
  return parent.fd >= 0 && ::fstatat(parent.fd, parts.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

bool RootedTree::is_directory(std::string_view rel) const {
  Fd fd(open_raw(join(components(rel), "/"), O_PATH | O_DIRECTORY));
  return fd.fd >= 0;
}

void RootedTree::make_dirs(std::string_view rel, mode_t mode) const {
  auto parts = components(rel);
  for (std::size_t i = 1; i <= parts.size(); ++i) {
    std::string prefix = prefix_of(parts, i);
    Fd dir(open_raw(prefix, O_PATH | O_DIRECTORY));
    if (dir.fd >= 0) continue;
    if (errno != ENOENT) fail("make the folder", prefix, errno);
    Fd parent(open_raw(prefix_of(parts, i - 1), O_PATH | O_DIRECTORY));
    if (parent.fd < 0) fail("make the folder", prefix, errno);
    if (::mkdirat(parent.fd, parts[i - 1].c_str(), mode) != 0 ||
        ::fchmodat(parent.fd, parts[i - 1].c_str(), mode, 0) != 0) {
      fail("make the folder", prefix, errno);  // EEXIST: a link that leads nowhere
    }
  }
}

bool RootedTree::make_dir(std::string_view rel, mode_t mode) const {
  Split s = split_last(rel);
  if (::mkdirat(s.parent.fd, s.name.c_str(), mode) != 0) {
    if (errno == EEXIST) return false;
    fail("make the folder", s.path, errno);
  }
  if (::fchmodat(s.parent.fd, s.name.c_str(), mode, 0) != 0) fail("set the mode of", s.path, errno);
  return true;
}

void RootedTree::write_file(std::string_view rel, std::string_view data, mode_t mode) const {
  Split s = split_last(rel);
  std::string temp = "." + s.name + ".osbuild-tmp";
  ::unlinkat(s.parent.fd, temp.c_str(), 0);
  {
    Fd fd(::openat(s.parent.fd, temp.c_str(),
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (fd.fd < 0) fail("write", s.path, errno);
    write_all(fd.fd, data, "/" + s.path);
    if (::fchmod(fd.fd, mode) != 0) fail("set the mode of", s.path, errno);
  }
  if (::renameat(s.parent.fd, temp.c_str(), s.parent.fd, s.name.c_str()) != 0) {
    int err = errno;
    ::unlinkat(s.parent.fd, temp.c_str(), 0);
    fail("write", s.path, err);
  }
}

Fd RootedTree::create_file(std::string_view rel, mode_t mode) const {
  Split s = split_last(rel);
  int fd = ::openat(s.parent.fd, s.name.c_str(),
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) fail("create", s.path, errno);
  return Fd(fd);
}

void RootedTree::make_symlink(std::string_view rel, const std::string& target) const {
  Split s = split_last(rel);
  if (::symlinkat(target.c_str(), s.parent.fd, s.name.c_str()) != 0) {
    fail("make the link", s.path, errno);
  }
}

void RootedTree::make_hard_link(std::string_view existing, std::string_view rel) const {
  Split from = split_last(existing);
  Split to = split_last(rel);
  if (::linkat(from.parent.fd, from.name.c_str(), to.parent.fd, to.name.c_str(), 0) != 0) {
    fail("make the hard link", to.path, errno);
  }
}

void RootedTree::set_mode(std::string_view rel, mode_t mode) const {
  std::string path = join(components(rel), "/");
  Fd fd(open_raw(path, O_PATH));
  if (fd.fd < 0) fail("set the mode of", path, errno);
  // An O_PATH descriptor cannot be fchmod()ed; its /proc/self/fd entry names exactly that inode.
  std::string proc = fmt::format("/proc/self/fd/{}", fd.fd);
  if (::fchmodat(AT_FDCWD, proc.c_str(), mode, 0) != 0) fail("set the mode of", path, errno);
}

Fd RootedTree::open_dir(std::string_view rel) const {
  std::string path = join(components(rel), "/");
  int fd = open_raw(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) fail("open the folder", path, errno);
  return Fd(fd);
}

}  // namespace osbuild::image
