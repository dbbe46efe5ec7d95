#pragma once
// Target files into the repository's targets/ folder under their content address.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/process/process.h"
#include "osbuild/repo/client.h"
#include "osbuild/repo/metadata.h"

namespace osbuild::repo::detail {

// How a target got into targets/: a version writes only the bytes the repository lacks.
enum class Placed {
  present,     // the same bytes were already there under their content address: nothing written
  cloned,      // a reflink (FICLONE) of the source: shares its blocks, no bytes written
  copied,      // the source's bytes, written
  compressed,  // lz4 of the source, written
};

struct StoredTarget {
  TargetFile file;
  Placed placed = Placed::present;
  bool added() const { return placed != Placed::present; }
};

// Puts `source` at targets/<sha256>.<name> (targets/<name> in a plain layout): a reflink where the
// file system allows, else a copy (hashed first, so a target already there costs no write),
// fsynced and renamed into place; nothing when the same bytes are already there. Never a hard
// link, which would share the image folder's inode with a published target. The caller fsyncs the
// folder once after the last target.
StoredTarget store_target(const std::filesystem::path& targets_dir, const std::string& name,
                          const std::filesystem::path& source, Layout layout);
StoredTarget store_target_bytes(const std::filesystem::path& targets_dir, const std::string& name,
                                std::string_view bytes, Layout layout);
// Compresses `source` with the lz4 program into a temporary file beside the target (an lz4 frame,
// what `lz4 -d` reads; a sparse source is read, never copied dense), then places it as above.
StoredTarget store_target_lz4(const std::filesystem::path& targets_dir, const std::string& name,
                              const std::filesystem::path& source, Layout layout,
                              process::Runner& runner);

}  // namespace osbuild::repo::detail
