#pragma once
// Files that cannot tear: every write of state, cache or repository goes through AtomicFile.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "osbuild/util/error.h"

namespace osbuild {

enum class Durability {
  cache,    // rename only: a crash may lose the write but never leaves a torn file
  durable,  // fsync the file before the rename and the directory after it
};

// An owned file descriptor, closed when it goes out of scope; `fd` is -1 when the open failed.
struct Fd {
  int fd = -1;
  explicit Fd(int value) noexcept : fd(value) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// A temporary file beside the target (`<name>.tmp.XXXXXX`), renamed over it on commit().
// The destructor removes an uncommitted temporary file.
class AtomicFile {
public:
  explicit AtomicFile(std::filesystem::path target, Durability durability = Durability::durable);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  void write(const void* data, std::size_t size);
  // The open descriptor, for callers that stream large data (copy_file_range, sendfile).
  int fd() const noexcept { return m_fd; }
  const std::filesystem::path& temp_path() const noexcept { return m_temp; }
  void commit();

private:
  std::filesystem::path m_target;
  std::filesystem::path m_temp;
  Durability m_durability;
  int m_fd = -1;
  bool m_committed = false;
};

void write_file_atomic(const std::filesystem::path& path, std::string_view data,
                       Durability durability = Durability::durable);
Result<std::string> read_file(const std::filesystem::path& path);
// Reads a file or throws an Error naming it.
std::string read_file_or_throw(const std::filesystem::path& path);
void fsync_directory(const std::filesystem::path& dir);

// An exclusive lock on a file, released by the kernel when the process dies. The holder's pid is
// written into the file so that a waiting process can say whom it waits for.
class FileLock {
public:
  enum class Wait { no, yes };
  FileLock() = default;
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Takes the lock. With Wait::yes, calls `on_wait(holder)` once before blocking.
  [[nodiscard]] static std::optional<FileLock> acquire(
      const std::filesystem::path& path, Wait wait,
      const std::function<void(const std::string& holder)>& on_wait = {});
  // The description of the current holder written in the file ("pid 123 (osbuild build)").
  static std::string holder(const std::filesystem::path& path);
  bool locked() const noexcept { return m_fd >= 0; }

private:
  int m_fd = -1;
};

// A fresh directory under $TMPDIR, removed with its contents when destroyed.
class TempDir {
public:
  explicit TempDir(std::string_view prefix = "osbuild");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return m_path; }

private:
  std::filesystem::path m_path;
};

// `~` at the start of a path becomes $HOME.
std::filesystem::path expand_home(std::string_view path);

}  // namespace osbuild
