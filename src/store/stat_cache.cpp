#include "osbuild/store/stat_cache.h"

#include <sys/stat.h>

#include "osbuild/util/fs.h"
#include "osbuild/util/json.h"
#include "osbuild/util/log.h"

namespace osbuild::store {

std::optional<FileStamp> FileStamp::of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  FileStamp stamp;
  stamp.size = static_cast<std::uint64_t>(st.st_size);
  stamp.mtime_ns =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  stamp.inode = static_cast<std::uint64_t>(st.st_ino);
  return stamp;
}

StatCache::StatCache(std::filesystem::path file) : m_file(std::move(file)) {
  auto text = read_file(m_file);
  if (text) {
    m_entries = parse(text.value());
  }
}

bool StatCache::fresh(const std::string& key, const std::filesystem::path& path) const {
  auto it = m_entries.find(key);
  if (it == m_entries.end()) {
    return false;
  }
  auto now = FileStamp::of(path);
  return now && *now == it->second;
}

void StatCache::record(const std::string& key, const FileStamp& stamp) {
  auto [it, inserted] = m_entries.try_emplace(key, stamp);
  if (!inserted && it->second == stamp) {
    return;
  }
  it->second = stamp;
  m_dirty = true;
}

void StatCache::forget(const std::string& key) {
  if (m_entries.erase(key) > 0) {
    m_dirty = true;
  }
}

std::string StatCache::serialize() const {
  Json entries = Json::object();
  for (const auto& [key, s] : m_entries) {
    entries[key] = {s.size, s.mtime_ns, s.inode};
  }
  return Json{{"version", 1}, {"entries", entries}}.dump() + "\n";
}

std::map<std::string, FileStamp> StatCache::parse(std::string_view text) {
  std::map<std::string, FileStamp> out;
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("version", 0) != 1 || !json.contains("entries") ||
      !json["entries"].is_object()) {
    return out;
  }
  for (const auto& [key, value] : json["entries"].items()) {
    if (!value.is_array() || value.size() != 3 || !value[0].is_number_unsigned() ||
        !value[1].is_number_integer() || !value[2].is_number_unsigned()) {
      continue;
    }
    out[key] = FileStamp{value[0].get<std::uint64_t>(), value[1].get<std::int64_t>(),
                         value[2].get<std::uint64_t>()};
  }
  return out;
}

void StatCache::save() {
  if (!m_dirty || m_file.empty()) {
    return;
  }
  try {
    std::filesystem::create_directories(m_file.parent_path());
    write_file_atomic(m_file, serialize(), Durability::cache);
    m_dirty = false;
  } catch (const std::exception& e) {
    // Losing the stat cache only costs a re-hash next time.
    log::warn("cannot save {}: {}", m_file.string(), e.what());
  }
}

}  // namespace osbuild::store
