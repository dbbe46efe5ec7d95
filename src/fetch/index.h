#pragma once
// The fetch index: an AC entry per source (keyed by external_file_key / git_source_key) whose JSON
// names the CAS blob holding the source's bytes.
#include <optional>
#include <string>

#include "osbuild/fetch/fetch.h"
#include "osbuild/fetch/stat_cache.h"
#include "osbuild/store/store.h"

namespace osbuild::fetch {

// The CAS digest an index entry points to, or nullopt when there is no usable entry.
std::optional<std::string> indexed_digest(store::Store& store, const std::string& key);

// Is the indexed blob there and sound? With VerifyMode::stat an unchanged stat record is trusted;
// otherwise the store re-hashes the blob (and, given `sha512`, so do we). `rehashed` tells whether
// bytes were read.
bool indexed_and_sound(store::Store& store, StatCache& stats, const std::string& key,
                       VerifyMode mode, const std::string& sha512, bool& rehashed);

// Puts a verified file into the CAS and indexes it; returns the blob's sha256.
std::string store_and_index(store::Store& store, StatCache& stats, const fs::path& file,
                            const std::string& key, Json description);

}  // namespace osbuild::fetch
