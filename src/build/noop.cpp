// The no-op fast path: a stamp of stat calls compared before the project is loaded.
#include "osbuild/build/noop.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "osbuild/config/load.h"
#include "osbuild/util/fs.h"

namespace osbuild::build {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_magic = "osbuild-noop-stamp 6";
// The folders of a project the build reads (config::load_project and the plan); the project's
// other folders (keys/, roles/, migrations/, build/, .git/) cannot change what it builds.
constexpr std::string_view k_read_folders[] = {"packages", "variants", "kits", "sources"};

// A path's stat signature, "mode.size.mtime_s.mtime_ns.inode" (mode in octal), written into a
// caller's buffer: the fast path compares 2,000 of them, so no allocation and no format parsing.
class Signature {
 public:
  explicit Signature(const struct stat& st) {
    char* at = buffer_;
    char* end = buffer_ + sizeof buffer_;
    at = std::to_chars(at, end, static_cast<unsigned>(st.st_mode), 8).ptr;
    for (long long number : {static_cast<long long>(st.st_size),
                             static_cast<long long>(st.st_mtim.tv_sec),
                             static_cast<long long>(st.st_mtim.tv_nsec),
                             static_cast<long long>(st.st_ino)}) {
      *at++ = '.';
      at = std::to_chars(at, end, number).ptr;
    }
    size_ = static_cast<std::size_t>(at - buffer_);
  }
  std::string_view view() const { return {buffer_, size_}; }

 private:
  char buffer_[96];  // 5 numbers of at most 20 digits, 4 dots
  std::size_t size_ = 0;
};

std::string signature(const struct stat& st) { return std::string(Signature(st).view()); }

// The stat signature of a path (not following a last symlink), or "-" when it is missing.
std::string signature(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? signature(st) : "-";
}

// Whether the path (relative to dir_fd, or absolute) still has the recorded signature.
bool signature_holds(int dir_fd, const char* path, std::string_view recorded) {
  struct stat st {};
  if (::fstatat(dir_fd, path, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return recorded == "-";
  }
  return Signature(st).view() == recorded;
}

// The names in the folder open as `fd`, with their d_type (DT_UNKNOWN: ask stat), read with
// getdents64 directly: no fstat and fcntl as fdopendir does.
std::vector<std::pair<std::string, unsigned char>> list_folder(int fd) {
  std::vector<std::pair<std::string, unsigned char>> names;
  alignas(8) static thread_local char buffer[32768];
  for (;;) {
    long got = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer);
    if (got <= 0) break;
    for (long at = 0; at < got;) {
      const auto* found = reinterpret_cast<const struct dirent64*>(buffer + at);
      at += found->d_reclen;
      std::string_view name = found->d_name;
      if (name != "." && name != "..") names.emplace_back(name, found->d_type);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Every folder and file under the folder open as `fd` (closed here), with its signature. A
// folder's signature holds its mtime, which changes when an entry is added, removed or renamed,
// so the fast path stats the recorded paths and never lists a folder.
void walk(int fd, const std::string& prefix, NoopCheck::Tree& tree, int depth) {
  if (depth > 64) {  // a loop of bind mounts: the entry "unreadable" never matches
    tree.emplace_back(prefix, "unreadable");
    ::close(fd);
    return;
  }
  for (const auto& [name, type] : list_folder(fd)) {
    std::string rel = prefix + "/" + name;
    struct stat st {};
    if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      tree.emplace_back(rel, "unreadable");
      continue;
    }
    tree.emplace_back(rel, signature(st));
    if (S_ISDIR(st.st_mode)) {
      int child = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (child >= 0) walk(child, rel, tree, depth + 1);
    }
  }
  ::close(fd);
}

// What the build reads from the project: the root folder (its mtime covers new top-level
// entries), its top-level files, and everything under the folders above.
NoopCheck::Tree project_tree(const fs::path& root) {
  NoopCheck::Tree tree;
  int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct stat st {};
  if (root_fd < 0 || ::fstat(root_fd, &st) != 0) {
    if (root_fd >= 0) ::close(root_fd);
    return tree;
  }
  tree.emplace_back(".", signature(st));
  for (const auto& [name, type] : list_folder(root_fd)) {
    if (type != DT_DIR && ::fstatat(root_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !S_ISDIR(st.st_mode)) {
      tree.emplace_back(name, signature(st));
    }
  }
  for (auto folder : k_read_folders) {
    std::string name(folder);
    if (::fstatat(root_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      tree.emplace_back(name, "-");
      continue;
    }
    tree.emplace_back(name, signature(st));
    int fd = ::openat(root_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) walk(fd, name, tree, 0);
  }
  ::close(root_fd);
  return tree;
}

// The command line a stamp stands for: every setting but -j, the build's options that change
// its result, and the environment the build passes on; one line (backslash and newline escaped).
std::string command_identity(const fs::path& root, const config::Settings& settings,
                             const BuildOptions& options) {
  std::string text = root.string() + '\n';
  // The running binary: another osbuild (an installed one beside a fresh build) may plan
  // differently, so it never takes this one's stamp.
  std::error_code ec;
  text += "exe=" + fs::read_symlink("/proc/self/exe", ec).string() + '\n';
  for (const auto& [key, value] : settings.all()) {
    if (key != "jobs") text += key + '=' + value.value + '\n';
  }
  for (const auto& name : options.extra_toolchains) text += "extra-toolchain=" + name + '\n';
  for (const char* name : {"PATH", "SOURCE_DATE_EPOCH"}) {
    const char* value = std::getenv(name);
    text += fmt::format("{}={}\n", name, value != nullptr ? value : "\x01unset");
  }
  std::string line;
  for (char c : text) {
    if (c == '\\') line += "\\\\";
    else if (c == '\n') line += "\\n";
    else line += c;
  }
  return line;
}

// The stamp's name: a 64-bit FNV-1a of the command line's identity, which the stamp holds whole
// and compares, so that two command lines sharing a name only overwrite each other's stamp. No
// cryptographic hash here: OpenSSL's start-up alone costs a no-op build about 1 ms.
fs::path stamp_path(const fs::path& root, const config::Settings& settings,
                    const BuildOptions& options, std::string_view identity) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : identity) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  std::string kind = options.target == BuildTarget::variant ? "variant" : "package";
  return root / "build" / ".osbuild" / "noop" / arch_name(settings.arch()) /
         fmt::format("{}-{}-{:016x}", kind, options.name, hash);
}

// The stamp's lines after the first against the project (open as root_fd) and the paths named.
bool stamp_lines_match(std::string_view text, int root_fd, NoopCheck& check) {
  bool tree_seen = false;
  std::string path;  // one buffer for every line's NUL-terminated path
  while (!text.empty()) {
    auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.empty()) continue;
    auto space = line.find(' ');
    std::string_view word = line.substr(0, space);
    std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
    if (word == "project" || word == "watch" || word == "output") {
      auto gap = rest.find(' ');
      if (gap == std::string_view::npos) return false;
      path.assign(rest.substr(gap + 1));
      // project paths are relative to the root; the others are absolute, and fstatat ignores
      // the folder for those.
      if (!signature_holds(root_fd, path.c_str(), rest.substr(0, gap))) return false;
      tree_seen = tree_seen || word == "project";
    } else if (word == "packages") {
      check.packages = std::strtoull(std::string(rest).c_str(), nullptr, 10);
    } else if (word == "note") {
      check.notes.emplace_back(rest);
    } else {
      return false;
    }
  }
  return tree_seen;
}

// Whether the stamp's recorded signatures all still hold; fills the summary on a match.
bool stamp_matches(std::string_view text, const fs::path& root, NoopCheck& check) {
  auto newline = text.find('\n');
  if (newline == std::string_view::npos || text.substr(0, newline) != k_magic) {
    return false;
  }
  text = text.substr(newline + 1);
  newline = text.find('\n');
  if (newline == std::string_view::npos || text.substr(0, newline) != "for " + check.identity) {
    return false;  // another command line whose name hashes alike
  }
  int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) {
    return false;
  }
  bool ok = stamp_lines_match(text.substr(newline + 1), root_fd, check);
  ::close(root_fd);
  return ok;
}

bool fast_path_allowed(const GlobalOptions& global, const BuildOptions& options) {
  return options.force == Force::no && options.force_packages.empty() &&
         options.explain == Explain::no && !options.timings && global.output == OutputMode::human;
}

}  // namespace

NoopCheck check_noop(const GlobalOptions& global, const BuildOptions& options) {
  NoopCheck check;
  try {
    fs::path root = config::find_project_root(
        global.project_dir.empty() ? fs::current_path() : fs::path(global.project_dir));
    fs::path file = root / "osbuild.toml";
    auto text = read_file(file);
    if (!text.ok()) {
      return check;
    }
    auto project_file = config::parse_project_file(text.value(), file);
    auto settings = resolve_settings(global, &project_file);
    check.identity = command_identity(root, settings, options);
    check.stamp = stamp_path(root, settings, options, check.identity);
    check.root = root;
    if (fast_path_allowed(global, options)) {
      auto stamp = read_file(check.stamp);
      check.hit = stamp.ok() && stamp_matches(stamp.value(), root, check);
    }
    if (!check.hit) {
      // build/ first, so that its creation by this build does not change the root folder's
      // mtime after the snapshot; then the snapshot, before the full path loads the project.
      fs::create_directories(check.stamp.parent_path());
      check.tree = project_tree(root);
    }
  } catch (const std::exception&) {
    check = NoopCheck{};  // the full path loads the project again and reports what is wrong
  }
  if (!check.hit) {
    check.packages = 0;
    check.notes.clear();
  }
  return check;
}

void clear_noop_stamp(const NoopCheck& check) {
  if (!check.stamp.empty()) {
    std::error_code ec;
    fs::remove(check.stamp, ec);
  }
}

void write_noop_stamp(const NoopCheck& check, const NoopRecord& record) {
  if (check.stamp.empty() || check.tree.empty()) {
    return;
  }
  std::string text =
      fmt::format("{}\nfor {}\npackages {}\n", k_magic, check.identity, record.packages);
  for (const auto& [rel, sig] : check.tree) {
    if (rel.find('\n') == std::string::npos) text += fmt::format("project {} {}\n", sig, rel);
  }
  for (const auto& note : record.notes) {
    if (note.find('\n') == std::string::npos) text += "note " + note + "\n";
  }
  auto line = [&text](std::string_view word, const fs::path& path) {
    text += fmt::format("{} {} {}\n", word, signature(path), path.string());
  };
  for (const auto& path : record.watched) line("watch", path);
  for (const auto& path : record.outputs) line("output", path);
  fs::create_directories(check.stamp.parent_path());
  write_file_atomic(check.stamp, text, Durability::cache);
}

}  // namespace osbuild::build
