#pragma once
// Where the store keeps things and how an entry on disk is checked (docs/cache.md):
//   <root>/cas/<d[0:2]>/<d>   a blob, named by the sha256 of its bytes
//   <root>/ac/<k[0:2]>/<k>    an action result, named by its action key (a sha256)
//   <root>/lock               taken by `cache gc` and `cache verify`
//   <root>/removed            its mtime moves forward before and after any entry is removed
// Temporary files (`*.tmp.XXXXXX`) sit in cas/, ac/ and their shard folders while being written.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/util/error.h"
#include "osbuild/util/json.h"

namespace osbuild::store {

namespace fs = std::filesystem;

enum class Area { cas, ac };
std::string_view area_name(Area area);

// A sha256 digest or action key as the store names entries: 64 lowercase hex digits.
bool is_entry_name(std::string_view name);
// Throws an Error naming `what` ("digest", "action key") when `name` is not an entry name.
void require_entry_name(std::string_view name, std::string_view what);
fs::path entry_path(const fs::path& root, Area area, std::string_view name);

// The file whose stat tells that entries may have been removed (docs/cache.md, "Removals"): a
// no-op build's stamp watches it instead of every blob it names.
fs::path removals_marker(const fs::path& root);
// Moves the marker's mtime forward, strictly past what it was, creating it when missing, so that
// any stat signature taken before differs. Failure is harmless for the store itself and is
// ignored: a read-only cache removes nothing.
void note_removals(const fs::path& root);

// One file as a scan saw it; `dev` and `ino` tell whether the name still holds the same file.
// An entry's last use is its atime, which the store sets on every read; its mtime stays the time
// it was written, so stat caches keyed on (size, mtime, inode) stay valid across reads.
struct FileInfo {
  fs::path path;
  std::uint64_t size = 0;        // the file's length
  std::uint64_t disk_bytes = 0;  // what it takes on disk: allocated blocks (a sparse image's holes take none)
  std::int64_t mtime_ns = 0;
  std::int64_t atime_ns = 0;
  dev_t dev = 0;
  ino_t ino = 0;
};

struct Entry {
  Area area = Area::cas;
  std::string name;
  FileInfo file;
};

struct Scan {
  std::vector<Entry> entries;
  std::vector<FileInfo> temp_files;
};

// Lists every entry and temporary file. Anything else in the folders is ignored; files that
// vanish while the scan runs (another process removed them) are skipped.
Scan scan(const fs::path& root);

// The state of one entry after re-hashing it.
enum class Verdict { valid, corrupt, missing };
struct Checked {
  Verdict verdict = Verdict::missing;
  std::string problem;  // for corrupt: "content hashes to <actual>"
  FileInfo file;        // the file that was checked
  Json body;            // for a valid action result: the result
};

Checked check_blob(const fs::path& path, std::string_view digest);
Checked check_action(const fs::path& path);

// An action result on disk: `{"body":<result>,"sha256":"<sha256 of canonical_json(result)>"}`.
std::string encode_action(const Json& result);

// Removes `file.path` if it still names the file described, unmodified and unused since: a
// concurrent put may have replaced a corrupt entry with a good one, a concurrent build may have
// just used an entry that gc picked. True when removed, false when it changed or vanished.
Result<bool> remove_if_unchanged(const FileInfo& file);
// Removes a corrupt entry of the store at `root` as above, with note_removals before and after,
// and says what happened, in the words the store reports:
// "cas/<digest>: content hashes to <actual>, removed".
std::string discard(const fs::path& root, Area area, std::string_view name,
                    const Checked& checked);
// Marks an entry as just used (its atime), for least-recently-used eviction; a read-only store is
// left as is.
void touch(const fs::path& path);
// Puts back the last use a scan saw: reading an entry to check it is not a use, yet relatime
// mounts may count it as one.
void restore_last_use(const FileInfo& file);

}  // namespace osbuild::store
