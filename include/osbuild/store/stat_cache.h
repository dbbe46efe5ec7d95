#pragma once
// The stat records of verified store entries, so a no-op fetch does not re-hash a file that has not
// changed since it was last hashed: (size, mtime, inode), ccache's "direct mode" idea.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace osbuild::store {

struct FileStamp {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  bool operator==(const FileStamp&) const = default;

  static std::optional<FileStamp> of(const std::filesystem::path& path);
};

class StatCache {
 public:
  StatCache() = default;
  // Reads the cache file; a missing or unreadable one gives an empty cache.
  explicit StatCache(std::filesystem::path file);

  // True when `path`'s current stamp equals the one recorded under `key`.
  bool fresh(const std::string& key, const std::filesystem::path& path) const;
  void record(const std::string& key, const FileStamp& stamp);
  void forget(const std::string& key);
  std::size_t size() const { return m_entries.size(); }

  std::string serialize() const;
  static std::map<std::string, FileStamp> parse(std::string_view text);
  // Writes the file atomically when something changed.
  void save();

 private:
  std::filesystem::path m_file;
  std::map<std::string, FileStamp> m_entries;
  bool m_dirty = false;
};

}  // namespace osbuild::store
