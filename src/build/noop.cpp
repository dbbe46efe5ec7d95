// The no-op fast path: a stamp of stat calls compared before the project is loaded.
#include "osbuild/build/noop.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "osbuild/config/load.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"

namespace osbuild::build {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_magic = "osbuild-noop-stamp 2";
// The folders of a project the build reads (config::load_project and the plan); the project's
// other folders (keys/, roles/, migrations/, build/, .git/) cannot change what it builds.
constexpr std::string_view k_read_folders[] = {"packages", "variants", "kits", "sources"};

std::string signature(const struct stat& st) {
  return fmt::format("{:o}.{}.{}.{}.{}", st.st_mode, st.st_size, st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec, st.st_ino);
}

// The stat signature of a path (not following a last symlink), or "-" when it is missing.
std::string signature(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? signature(st) : "-";
}

std::string entry(std::string_view rel, std::string_view sig) {
  std::string out(rel);
  out += '\0';
  out += sig;
  out += '\n';
  return out;
}

// Every entry under dir_fd, sorted per folder, into the hasher as "relative path NUL signature".
void walk(int dir_fd, const std::string& prefix, Hasher& hasher, int depth) {
  if (depth > 64) {
    return;  // a loop of bind mounts; the stamp then only ever misses
  }
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
  if (dir == nullptr) {
    if (fd >= 0) ::close(fd);
    hasher.update(entry(prefix, "unreadable"));
    return;
  }
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
      names.emplace_back(entry->d_name);
    }
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    struct stat st {};
    std::string rel = prefix + "/" + name;
    if (::fstatat(::dirfd(dir), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      hasher.update(entry(rel, "-"));
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      hasher.update(entry(rel, "dir"));
      int child = ::openat(::dirfd(dir), name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (child >= 0) {
        walk(child, rel, hasher, depth + 1);
        ::close(child);
      }
    } else {
      hasher.update(entry(rel, signature(st)));
    }
  }
  ::closedir(dir);
}

// The digest of what the build reads from the project: its top-level files and the folders above.
std::string tree_stamp(const fs::path& root) {
  Hasher hasher(HashAlgorithm::sha256);
  int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) {
    return {};
  }
  std::vector<std::string> files;
  if (DIR* dir = ::fdopendir(::dup(root_fd))) {
    while (const dirent* found = ::readdir(dir)) {
      struct stat st {};
      if (::fstatat(root_fd, found->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          !S_ISDIR(st.st_mode)) {
        files.push_back(entry(found->d_name, signature(st)));
      }
    }
    ::closedir(dir);
  }
  std::sort(files.begin(), files.end());
  for (const auto& line : files) hasher.update(line);
  for (auto folder : k_read_folders) {
    std::string name(folder);
    int fd = ::openat(root_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      hasher.update(entry(name, "absent"));
      continue;
    }
    walk(fd, name, hasher, 0);
    ::close(fd);
  }
  ::close(root_fd);
  return hasher.hex_digest();
}

// The stamp's name for this command line: every setting but -j, the build's options that change
// its result, and the environment the build passes on.
fs::path stamp_path(const fs::path& root, const config::Settings& settings,
                    const BuildOptions& options) {
  Hasher hasher(HashAlgorithm::sha256);
  hasher.update(root.string() + '\n');
  for (const auto& [key, value] : settings.all()) {
    if (key != "jobs") hasher.update(key + '=' + value.value + '\n');
  }
  for (const auto& name : options.extra_toolchains) hasher.update("extra-toolchain=" + name + '\n');
  for (const char* name : {"PATH", "SOURCE_DATE_EPOCH"}) {
    const char* value = std::getenv(name);
    hasher.update(fmt::format("{}={}\n", name, value != nullptr ? value : "\x01unset"));
  }
  std::string kind = options.target == BuildTarget::variant ? "variant" : "package";
  return root / "build" / ".osbuild" / "noop" / arch_name(settings.arch()) /
         fmt::format("{}-{}-{}", kind, options.name, hasher.hex_digest().substr(0, 16));
}

// Whether the stamp's recorded signatures all still hold; fills the summary on a match.
bool stamp_matches(std::string_view text, const std::string& tree, NoopCheck& check) {
  auto lines = split(text, '\n');
  if (lines.empty() || lines[0] != k_magic) {
    return false;
  }
  bool tree_seen = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.empty()) continue;
    auto space = line.find(' ');
    std::string_view word = line.substr(0, space);
    std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
    if (word == "tree") {
      if (rest != tree) return false;
      tree_seen = true;
    } else if (word == "packages") {
      check.packages = std::strtoull(std::string(rest).c_str(), nullptr, 10);
    } else if (word == "note") {
      check.notes.emplace_back(rest);
    } else if (word == "watch" || word == "output") {
      auto gap = rest.find(' ');
      if (gap == std::string_view::npos) return false;
      if (signature(fs::path(rest.substr(gap + 1))) != rest.substr(0, gap)) return false;
    } else {
      return false;
    }
  }
  return tree_seen;
}

bool fast_path_allowed(const GlobalOptions& global, const BuildOptions& options) {
  return options.force == Force::no && options.force_packages.empty() &&
         options.explain == Explain::no && !options.timings && global.output == OutputMode::human;
}

}  // namespace

NoopCheck check_noop(const GlobalOptions& global, const BuildOptions& options) {
  NoopCheck check;
  try {
    fs::path root = config::find_project_root(global.project_dir.empty()
                                                  ? fs::current_path()
                                                  : fs::path(global.project_dir));
    fs::path file = root / "osbuild.toml";
    auto text = read_file(file);
    if (!text.ok()) {
      return check;
    }
    auto project_file = config::parse_project_file(text.value(), file);
    auto settings = resolve_settings(global, &project_file);
    check.stamp = stamp_path(root, settings, options);
    check.tree_digest = tree_stamp(root);
    if (check.tree_digest.empty() || !fast_path_allowed(global, options)) {
      return check;
    }
    auto stamp = read_file(check.stamp);
    check.hit = stamp.ok() && stamp_matches(stamp.value(), check.tree_digest, check);
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
  if (check.stamp.empty() || check.tree_digest.empty()) {
    return;
  }
  std::string text = fmt::format("{}\ntree {}\npackages {}\n", k_magic, check.tree_digest,
                                 record.packages);
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
