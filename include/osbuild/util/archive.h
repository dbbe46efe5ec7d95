#pragma once
// Unpacking source archives (tar with gz/bz2/xz/zstd, zip) into a work dir with libarchive, and
// the package artifact: a deterministic tar of an output tree with a manifest of every file.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "osbuild/util/json.h"

namespace osbuild::archives {

namespace fs = std::filesystem;

enum class StripTop { no, yes };
// confine: symlinks must point inside the tree (sources); keep: any target (our own artifacts).
enum class Links { confine, keep };

// Whether a file name looks like an archive the unpacker reads: .tar, .tar.gz, .tgz, .tar.bz2,
// .tar.xz, .tar.zst, .zip.
bool is_archive_name(std::string_view name);

// Unpacks `archive` into `dest`. With StripTop::yes a single top-level folder shared by every entry
// is stripped (rpm's %autosetup). Refuses, naming the archive and the entry, any entry that would
// escape `dest`: a `..` component, an absolute path, a symlink or hard link pointing outside, a
// device node or fifo. Throws osbuild::Error.
// `name` is how messages call the archive (its file name in package.toml); default: its path.
void unpack_archive(const fs::path& archive, const fs::path& dest, StripTop strip,
                    Links links = Links::confine, std::string_view name = {});

// Writes `tree` as an uncompressed tar to `tar_path`: entries sorted by path, owner 0:0, mtimes
// clamped to `epoch`, modes and symlinks kept, hard links stored as files. Returns the manifest:
// [{"path", "type": "file"|"dir"|"symlink", "mode", "size", "sha256" | "target"}].
Json write_tree_tar(const fs::path& tree, const fs::path& tar_path, std::int64_t epoch);

// Decompresses `file` as one stream (lz4, gzip, xz, zstd or bzip2: libarchive's read filters),
// handing each piece and its offset in the output to `sink`, in order. Throws naming the file
// when it is damaged or not compressed at all (`what` names it in messages; default: its path).
void decompress_stream(const fs::path& file,
                       const std::function<void(std::uint64_t offset, std::string_view data)>& sink,
                       std::string_view what = {});

}  // namespace osbuild::archives
