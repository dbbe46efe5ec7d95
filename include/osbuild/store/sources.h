#pragma once
// The source index: an AC entry per fetched source (keyed by external_file_key / git_source_key)
// whose JSON names the CAS blob holding the source's bytes. The fetch stage writes it; the build
// stage reads it through locate() and locate_git(), so neither stage reaches into the other.
#include <optional>
#include <string>

#include "osbuild/config/model.h"
#include "osbuild/store/stat_cache.h"
#include "osbuild/store/store.h"
#include "osbuild/util/json.h"

namespace osbuild::store {

namespace fs = std::filesystem;

enum class VerifyMode { stat, rehash };  // rehash: `--verify`, hash every present source again

// The store keys under which a source is indexed.
std::string external_file_key(const std::string& sha512);
std::string git_source_key(const std::string& url, const std::string& rev);

// The CAS digest an index entry points to, or nullopt when there is no usable entry.
std::optional<std::string> indexed_digest(Store& store, const std::string& key);

// Is the indexed blob there and sound? With VerifyMode::stat an unchanged stat record is trusted;
// otherwise the store re-hashes the blob (and, given `sha512`, so do we). `rehashed` tells whether
// bytes were read.
bool indexed_and_sound(Store& store, StatCache& stats, const std::string& key, VerifyMode mode,
                       const std::string& sha512, bool& rehashed);

// Puts a verified file into the CAS and indexes it; returns the blob's sha256.
std::string store_and_index(Store& store, StatCache& stats, const fs::path& file,
                            const std::string& key, Json description);

// The verified local path of a fetched source, or nullopt when `osbuild fetch` has not brought it
// in (or its store entry was corrupt and has been dropped). Never touches the network.
std::optional<fs::path> locate(Store& store, const config::ExternalFile& file);
// The deterministic tar of a git source's tree at `rev` (sorted entries, mtime
// SOURCE_DATE_EPOCH or 0, owner root).
std::optional<fs::path> locate_git(Store& store, const config::GitSource& source);

}  // namespace osbuild::store
