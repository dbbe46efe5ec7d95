#include "osbuild/store/sources.h"

#include "osbuild/util/hash.h"
#include "osbuild/util/log.h"

namespace osbuild::store {

std::string external_file_key(const std::string& sha512) {
  return sha256_hex("osbuild-fetch-v1\nexternal-file:" + sha512);
}

std::string git_source_key(const std::string& url, const std::string& rev) {
  return sha256_hex("osbuild-fetch-v1\ngit:" + url + "@" + rev);
}

std::optional<std::string> indexed_digest(Store& store, const std::string& key) {
  auto entry = store.get_action(key);
  if (!entry || !entry->is_object() || !entry->contains("digest") ||
      !(*entry)["digest"].is_string()) {
    return std::nullopt;
  }
  auto digest = (*entry)["digest"].get<std::string>();
  if (!is_lower_hex(digest, 64)) {
    return std::nullopt;
  }
  return digest;
}

bool indexed_and_sound(Store& store, StatCache& stats, const std::string& key,
                       VerifyMode mode, const std::string& sha512, bool& rehashed) {
  rehashed = false;
  auto digest = indexed_digest(store, key);
  if (!digest) {
    return false;
  }
  fs::path blob = store.blob_path(*digest);
  if (mode == VerifyMode::stat && stats.fresh(*digest, blob)) {
    return true;
  }
  rehashed = true;
  std::optional<fs::path> path;
  if (mode == VerifyMode::rehash && !sha512.empty()) {
    // The pinned sha512 is the stronger check and one pass is enough: bytes that match it are
    // the bytes stored under their sha256 when they were fetched.
    auto actual = hash_file(blob, HashAlgorithm::sha512);
    if (actual && actual.value() == sha512) {
      path = blob;
    } else if (actual) {
      log::warn("store entry {} does not hash to the pinned sha512; fetching again", *digest);
      path = store.get_blob(*digest);  // drops it when it is corrupt
      path.reset();
    }
  } else {
    path = store.get_blob(*digest);  // verifies sha256; drops a corrupt blob
  }
  if (!path) {
    stats.forget(*digest);
    return false;
  }
  if (auto stamp = FileStamp::of(*path)) {
    stats.record(*digest, *stamp);
  }
  return true;
}

std::string store_and_index(Store& store, StatCache& stats, const fs::path& file,
                            const std::string& key, Json description) {
  // The file is a finished download or export that nothing else needs: link it in, no copy.
  std::string digest = store.adopt_file(file);
  description["digest"] = digest;
  store.put_action(key, description);
  if (auto stamp = FileStamp::of(store.blob_path(digest))) {
    stats.record(digest, *stamp);
  }
  return digest;
}

std::optional<fs::path> locate(Store& store, const config::ExternalFile& file) {
  auto digest = indexed_digest(store, external_file_key(file.sha512));
  if (!digest) {
    return std::nullopt;
  }
  return store.get_blob(*digest);
}

std::optional<fs::path> locate_git(Store& store, const config::GitSource& source) {
  auto digest = indexed_digest(store, git_source_key(source.url, source.rev));
  if (!digest) {
    return std::nullopt;
  }
  return store.get_blob(*digest);
}

}  // namespace osbuild::store
