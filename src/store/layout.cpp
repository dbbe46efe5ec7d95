#include "osbuild/store/layout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::store {

namespace {

std::int64_t nanoseconds(const struct timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

std::optional<FileInfo> stat_file(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return FileInfo{path,
                  static_cast<std::uint64_t>(st.st_size),
                  static_cast<std::uint64_t>(st.st_blocks) * 512,
                  nanoseconds(st.st_mtim),
                  nanoseconds(st.st_atim),
                  st.st_dev,
                  st.st_ino};
}

bool is_temp_name(std::string_view name) {
  return name.find(".tmp.") != std::string_view::npos;
}

bool is_shard_name(std::string_view name) {
  return name.size() == 2 && is_lower_hex(name, 2);
}

// One shard folder: entries whose names start with the shard's two digits, and temporary files.
void scan_shard(Area area, const fs::path& dir, Scan& out) {
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    std::string name = item.path().filename().string();
    bool entry = is_entry_name(name) && name.compare(0, 2, dir.filename().string()) == 0;
    if (!entry && !is_temp_name(name)) {
      continue;
    }
    auto info = stat_file(item.path());
    if (!info) {
      continue;
    }
    if (entry) {
      out.entries.push_back(Entry{area, std::move(name), std::move(*info)});
    } else {
      out.temp_files.push_back(std::move(*info));
    }
  }
}

// The file as it is after reading it (a read may update its atime), or nullopt when the name no
// longer holds the file that was read: another process removed or replaced it meanwhile.
std::optional<FileInfo> same_file_after(const FileInfo& before) {
  auto after = stat_file(before.path);
  if (!after || after->dev != before.dev || after->ino != before.ino) {
    return std::nullopt;
  }
  return after;
}

// What was read is corrupt; if the name holds another file by now (a concurrent put replaced
// it), there is nothing to report: the next read checks the new one.
Checked corrupt(std::optional<FileInfo> after, std::string problem) {
  if (!after) {
    return Checked{};
  }
  return Checked{Verdict::corrupt, std::move(problem), std::move(*after), {}};
}

}  // namespace

std::string_view area_name(Area area) {
  return area == Area::cas ? "cas" : "ac";
}

bool is_entry_name(std::string_view name) {
  return is_lower_hex(name, 64);
}

void require_entry_name(std::string_view name, std::string_view what) {
  if (!is_entry_name(name)) {
    throw Error("invalid " + std::string(what) + " '" + std::string(name) +
                "': expected 64 lowercase hexadecimal digits (a sha256)");
  }
}

fs::path entry_path(const fs::path& root, Area area, std::string_view name) {
  return root / area_name(area) / name.substr(0, 2) / name;
}

fs::path removals_marker(const fs::path& root) { return root / "removed"; }

void note_removals(const fs::path& root) {
  fs::path marker = removals_marker(root);
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return;
  }
  // Strictly past the recorded mtime even within one clock tick: a stamp taken just before
  // must never see the same signature again.
  struct stat st {};
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  if (::fstat(fd, &st) == 0 && nanoseconds(now) <= nanoseconds(st.st_mtim)) {
    std::int64_t next = nanoseconds(st.st_mtim) + 1;
    now = {static_cast<time_t>(next / 1'000'000'000), static_cast<long>(next % 1'000'000'000)};
  }
  const struct timespec times[2] = {{0, UTIME_OMIT}, now};
  if (::futimens(fd, times) != 0) {
    const struct timespec touch_now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};  // not the owner
    ::futimens(fd, touch_now);
  }
  ::close(fd);
}

Scan scan(const fs::path& root) {
  Scan out;
  for (Area area : {Area::cas, Area::ac}) {
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(root / area_name(area), ec)) {
      std::string name = item.path().filename().string();
      if (is_shard_name(name)) {
        scan_shard(area, item.path(), out);
      } else if (is_temp_name(name)) {
        if (auto info = stat_file(item.path())) {
          out.temp_files.push_back(std::move(*info));
        }
      }
    }
  }
  return out;
}

Checked check_blob(const fs::path& path, std::string_view digest) {
  auto before = stat_file(path);
  if (!before) {
    return Checked{};
  }
  auto actual = hash_file(path, HashAlgorithm::sha256);
  auto after = same_file_after(*before);
  if (!actual) {
    if (!after) {
      return Checked{};
    }
    throw Error(actual.error(), "check the permissions of the cache folder");
  }
  if (actual.value() == digest) {
    return Checked{Verdict::valid, {}, after ? std::move(*after) : std::move(*before), {}};
  }
  return corrupt(std::move(after), "content hashes to " + actual.value());
}

// The key names the action, not the content: what is checked is the digest recorded inside.
Checked check_action(const fs::path& path) {
  auto before = stat_file(path);
  if (!before) {
    return Checked{};
  }
  auto text = read_file(path);
  auto after = same_file_after(*before);
  if (!text) {
    if (!after) {
      return Checked{};
    }
    throw Error(text.error(), "check the permissions of the cache folder");
  }
  Json doc = Json::parse(text.value(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("body") || !doc.contains("sha256") ||
      !doc["sha256"].is_string()) {
    return corrupt(std::move(after), "not an action result (expected {\"body\":…,\"sha256\":…})");
  }
  std::string actual = sha256_hex(canonical_json(doc["body"]));
  const auto& recorded = doc["sha256"].get_ref<const std::string&>();
  if (actual != recorded) {
    return corrupt(std::move(after), "content hashes to " + actual + ", recorded " + recorded);
  }
  return Checked{
      Verdict::valid, {}, after ? std::move(*after) : std::move(*before), std::move(doc["body"])};
}

std::string encode_action(const Json& result) {
  return canonical_json(Json{{"body", result}, {"sha256", sha256_hex(canonical_json(result))}});
}

Result<bool> remove_if_unchanged(const FileInfo& file) {
  auto now = stat_file(file.path);
  if (!now || now->dev != file.dev || now->ino != file.ino || now->size != file.size ||
      now->mtime_ns != file.mtime_ns || now->atime_ns != file.atime_ns) {
    return false;
  }
  if (::unlink(file.path.c_str()) != 0) {
    if (errno == ENOENT) {
      return false;
    }
    return Failure{"cannot remove " + file.path.string() + ": " + std::strerror(errno)};
  }
  return true;
}

std::string discard(const fs::path& root, Area area, std::string_view name,
                    const Checked& checked) {
  note_removals(root);
  auto removed = remove_if_unchanged(checked.file);
  note_removals(root);
  std::string what =
      std::string(area_name(area)) + "/" + std::string(name) + ": " + checked.problem;
  if (!removed) {
    return what + ", not removed: " + removed.error();
  }
  return what + (removed.value() ? ", removed" : ", replaced meanwhile");
}

void touch(const fs::path& path) {
  // Explicit, so that noatime and relatime mounts make no difference. Failure is harmless: the
  // entry then looks older to gc than it is.
  const struct timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

void restore_last_use(const FileInfo& file) {
  const struct timespec times[2] = {{static_cast<time_t>(file.atime_ns / 1'000'000'000),
                                     static_cast<long>(file.atime_ns % 1'000'000'000)},
                                    {0, UTIME_OMIT}};
  ::utimensat(AT_FDCWD, file.path.c_str(), times, 0);
}

}  // namespace osbuild::store
