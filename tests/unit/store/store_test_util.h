#pragma once
// Shared by the store tests: a store in a fresh temporary folder that records its warnings.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include "osbuild/store/layout.h"
#include "osbuild/store/store.h"
#include "osbuild/util/fs.h"

namespace osbuild::store::testing {

class StoreTest : public ::testing::Test {
 protected:
  StoreTest() : m_store(m_dir.path() / "cache", Durability::cache) {
    m_store.set_warning_handler([this](const std::string& w) { m_warnings.push_back(w); });
  }

  fs::path cache() const { return m_dir.path() / "cache"; }
  fs::path scratch(const std::string& name) const { return m_dir.path() / name; }

  fs::path write_source(const std::string& name, const std::string& data) const {
    fs::path path = scratch(name);
    fs::create_directories(path.parent_path());
    write_file_atomic(path, data, Durability::cache);
    return path;
  }

  TempDir m_dir{"osbuild-store-test"};
  Store m_store;
  std::vector<std::string> m_warnings;
};

// Blobs are read-only on disk; tests that damage one make it writable first.
inline void flip_byte(const fs::path& path, std::streamoff offset) {
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(offset);
  char c = 0;
  file.get(c);
  file.seekp(offset);
  file.put(static_cast<char>(c ^ 0x01));
}

// An entry's last use is its atime; its mtime is when it was written.
inline void set_times(const fs::path& path, time_t last_use, time_t written) {
  struct timespec times[2] = {{last_use, 0}, {written, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

inline void set_last_use(const fs::path& path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {0, UTIME_OMIT}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

inline time_t last_use_of(const fs::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_atim.tv_sec;
}

inline time_t mtime_of(const fs::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mtim.tv_sec;
}

inline std::string slurp(const fs::path& path) {
  return read_file(path).value();
}

}  // namespace osbuild::store::testing
