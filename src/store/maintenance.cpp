// The whole-store operations: stats, verify and gc. Verify and gc hold <root>/lock so that two of
// them never interleave; puts and gets never take it (see docs/cache.md, "Concurrency").
#include <time.h>

#include <algorithm>

#include "osbuild/store/layout.h"
#include "osbuild/store/store.h"

namespace osbuild::store {

namespace {

constexpr std::int64_t k_stale_temp_ns = 3600LL * 1'000'000'000;

std::int64_t now_ns() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

FileLock Store::lock() {
  auto held = FileLock::acquire(
      m_root / "lock", FileLock::Wait::yes,
      [this](const std::string& holder) { warn("waiting for the cache lock held by " + holder); });
  if (!held) {
    throw Error("cannot lock " + (m_root / "lock").string(),
                "put cache.dir (--cache-dir, OSBUILD_CACHE_DIR) on a file system with flock(2)");
  }
  return std::move(*held);
}

StoreStats Store::stats() const {
  StoreStats stats;
  for (const auto& entry : scan(m_root).entries) {
    if (entry.area == Area::cas) {
      ++stats.cas_entries;
      stats.cas_bytes += entry.file.disk_bytes;
    } else {
      ++stats.ac_entries;
      stats.ac_bytes += entry.file.disk_bytes;
    }
  }
  return stats;
}

VerifyReport Store::verify() {
  VerifyReport report;
  std::error_code ec;
  if (!fs::is_directory(m_root, ec)) {
    return report;
  }
  FileLock held = lock();
  for (const auto& entry : scan(m_root).entries) {
    Checked checked = entry.area == Area::cas ? check_blob(entry.file.path, entry.name)
                                              : check_action(entry.file.path);
    if (checked.verdict == Verdict::missing) {
      continue;
    }
    ++report.checked;
    if (checked.verdict == Verdict::corrupt) {
      report.removed.push_back(discard(m_root, entry.area, entry.name, checked));
    } else {
      restore_last_use(entry.file);
    }
  }
  return report;
}

GcReport Store::gc(std::uint64_t max_bytes) {
  GcReport report;
  std::error_code ec;
  if (!fs::is_directory(m_root, ec)) {
    return report;
  }
  FileLock held = lock();
  Scan found = scan(m_root);
  std::int64_t stale_before = now_ns() - k_stale_temp_ns;
  for (const auto& temp : found.temp_files) {
    if (temp.mtime_ns < stale_before && remove_if_unchanged(temp).value_or_throw("cache gc")) {
      ++report.removed_temp_files;
    }
  }
  auto& entries = found.entries;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.file.atime_ns != b.file.atime_ns ? a.file.atime_ns < b.file.atime_ns
                                              : a.file.path < b.file.path;
  });
  std::uint64_t total = 0;
  for (const auto& entry : entries) {
    total += entry.file.disk_bytes;
  }
  bool removing = total > max_bytes;
  if (removing) {
    note_removals(m_root);  // a no-op stamp taken from here on is stale (docs/cache.md)
  }
  for (const auto& entry : entries) {
    if (total <= max_bytes) {
      break;
    }
    // An entry used since the scan is kept: some build is reading it right now.
    if (remove_if_unchanged(entry.file).value_or_throw("cache gc")) {
      ++report.removed_entries;
      report.removed_bytes += entry.file.disk_bytes;
      total -= entry.file.disk_bytes;
    }
  }
  if (removing) {
    note_removals(m_root);
  }
  report.remaining_bytes = total;
  return report;
}

}  // namespace osbuild::store
