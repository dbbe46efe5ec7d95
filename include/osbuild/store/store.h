#pragma once
// The content-addressed store: <cache>/cas/<sha256> holds blobs, <cache>/ac/<key> holds action
// results (a JSON document naming the blobs an action produced). Every write goes through
// AtomicFile; every read is verified against its digest and a corrupt entry is dropped, reported,
// and never served. Layout, formats and locking: docs/cache.md and layout.h.
//
// Several processes may use one store at once: puts are atomic (a complete file appears under its
// final name or nothing does), and gc and verify take <cache>/lock so they never run together.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json.h"

namespace osbuild::store {

namespace fs = std::filesystem;

// Sizes are what the files take on disk, in allocated blocks (what `du` counts): a sparse disk
// image of 512 MiB with 2 MiB written counts 2 MiB, in `cache stats` and against `cache gc`'s limit.
struct StoreStats {
  std::uint64_t cas_entries = 0;
  std::uint64_t cas_bytes = 0;
  std::uint64_t ac_entries = 0;
  std::uint64_t ac_bytes = 0;
};

struct VerifyReport {
  std::uint64_t checked = 0;
  std::vector<std::string> removed;  // "cas/<digest>: content hashes to <actual>, removed", …
};

struct GcReport {
  std::uint64_t removed_entries = 0;
  std::uint64_t removed_bytes = 0;
  std::uint64_t remaining_bytes = 0;
  std::uint64_t removed_temp_files = 0;  // left behind by interrupted writes, older than an hour
};

class Store {
 public:
  // Nothing is created until the first put. `durability` applies to every write: durable fsyncs
  // each entry and its folder before the put returns.
  explicit Store(fs::path root, Durability durability = Durability::durable);

  const fs::path& root() const noexcept { return m_root; }

  // Copies a file into the CAS, hashing while copying; returns its sha256. When `expected` is
  // given and differs, nothing is stored and an Error names both digests. A blob already present
  // is never rewritten, only marked as used.
  std::string put_file(const fs::path& source, const std::optional<std::string>& expected = {});
  // Moves a file its owner no longer needs into the CAS: hashed in one read, then linked into
  // place and its own name removed, so nothing is copied (from another file system it is copied).
  // On a mismatch with `expected` the file is left where it is.
  std::string adopt_file(const fs::path& file, const std::optional<std::string>& expected = {});
  std::string put_bytes(std::string_view data);
  // Whether an entry by that name exists; not verified (get_blob verifies).
  bool has_blob(const std::string& digest) const;
  // The path of a verified blob, or nullopt when absent or corrupt (a corrupt one is removed and
  // reported through the warning callback). Marks the blob as used.
  std::optional<fs::path> get_blob(const std::string& digest);
  fs::path blob_path(const std::string& digest) const;
  // The file whose stat a no-op build's stamp watches instead of every blob it names: its mtime
  // moves forward around every removal (gc, verify, a corrupt entry dropped on read).
  fs::path removals_marker() const;
  // Says that an entry some record names is gone although the store did not remove it (deleted
  // by hand): moves the marker, so that the next build takes the full path and restores it.
  void note_missing_entry();

  // Records an action's result under its key (a sha256), replacing an older one.
  void put_action(const std::string& key, const Json& result);
  // The verified result, or nullopt when absent or corrupt (removed and reported, as for blobs).
  // A hit says nothing of the blobs it names: fetch them with get_blob and treat a miss there as
  // a miss of the action.
  std::optional<Json> get_action(const std::string& key);

  StoreStats stats() const;
  // Re-hashes every entry and removes the corrupt ones. Takes the store lock.
  VerifyReport verify();
  // Removes least recently used entries until the store holds at most `max_bytes`, and temporary
  // files older than an hour. Takes the store lock.
  GcReport gc(std::uint64_t max_bytes);

  // Receives corrupt entries found on read and "waiting for the cache lock held by pid N (…)".
  void set_warning_handler(std::function<void(const std::string&)> handler);

 private:
  void install_blob(const fs::path& file, int fd, const std::string& digest, std::uint64_t size);
  bool present_with_size(const fs::path& path, std::uint64_t size) const;
  fs::path make_shard(const fs::path& entry) const;
  fs::path incoming_path() const;
  FileLock lock();
  void warn(const std::string& message) const;

  fs::path m_root;
  Durability m_durability;
  std::function<void(const std::string&)> m_warn;
};

}  // namespace osbuild::store
