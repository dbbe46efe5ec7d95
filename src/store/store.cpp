#include "osbuild/store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "osbuild/store/layout.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::store {

namespace {

constexpr std::size_t k_max_buffer = 256 << 10;  // fits in L2: read, hash and write hit the cache
constexpr std::size_t k_min_buffer = 64 << 10;

std::string errno_text() {
  return std::strerror(errno);
}

struct Copied {
  std::string digest;
  std::uint64_t size = 0;
};

// One read pass: every block is hashed and written before the next is read.
Copied copy_and_hash(int in, const fs::path& source, AtomicFile& out, std::size_t buffer_size) {
  std::vector<char> buffer(buffer_size);
  Hasher hasher(HashAlgorithm::sha256);
  Copied copied;
  for (;;) {
    ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n == 0) {
      break;
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Error("cannot read " + source.string() + ": " + errno_text());
    }
    hasher.update(buffer.data(), static_cast<std::size_t>(n));
    out.write(buffer.data(), static_cast<std::size_t>(n));
    copied.size += static_cast<std::uint64_t>(n);
  }
  copied.digest = hasher.hex_digest();
  return copied;
}

[[noreturn]] void throw_mismatch(const fs::path& source, const std::string& actual,
                                 const std::string& expected) {
  throw Error(source.string() + ": content hashes to sha256 " + actual + ", expected " + expected,
              "the file is not the one recorded: fetch it again, or correct the recorded digest",
              ExitCode::verification);
}

}  // namespace

Store::Store(fs::path root, Durability durability)
    : m_root(std::move(root)), m_durability(durability) {}

void Store::set_warning_handler(std::function<void(const std::string&)> handler) {
  m_warn = std::move(handler);
}

void Store::warn(const std::string& message) const {
  if (m_warn) {
    m_warn(message);
  }
}

fs::path Store::blob_path(const std::string& digest) const {
  require_entry_name(digest, "digest");
  return entry_path(m_root, Area::cas, digest);
}

bool Store::has_blob(const std::string& digest) const {
  struct stat st {};
  return ::stat(blob_path(digest).c_str(), &st) == 0;
}

// The folder is made on demand: a store that is only read stays untouched on disk.
fs::path Store::make_shard(const fs::path& entry) const {
  fs::path dir = entry.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw Error("cannot create " + dir.string() + ": " + ec.message(),
                "set cache.dir (--cache-dir, OSBUILD_CACHE_DIR) to a writable folder");
  }
  return dir;
}

// Blobs are written under a temporary name beside the shards and linked into place once their
// digest is known.
fs::path Store::incoming_path() const {
  fs::path path = m_root / "cas" / "incoming";
  make_shard(path);
  return path;
}

bool Store::present_with_size(const fs::path& path, std::uint64_t size) const {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) != size) {
    return false;
  }
  touch(path);
  return true;
}

// Links a finished file (open as `fd`) under its digest instead of renaming it: link never
// replaces an entry, so an existing blob (perhaps being read by another process) is not
// rewritten. The caller then removes the file's own name (an AtomicFile does so for any
// uncommitted write).
void Store::install_blob(const fs::path& file, int fd, const std::string& digest,
                         std::uint64_t size) {
  fs::path target = entry_path(m_root, Area::cas, digest);
  fs::path shard = make_shard(target);
  ::fchmod(fd, 0444);  // blobs are shared by digest: nobody should edit one in place
  if (m_durability == Durability::durable && ::fsync(fd) != 0) {
    throw Error("cannot sync " + file.string() + ": " + errno_text());
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (::link(file.c_str(), target.c_str()) == 0) {
      if (m_durability == Durability::durable) {
        fsync_directory(shard);
      }
      return;
    }
    if (errno != EEXIST) {
      throw Error("cannot add " + target.string() + " to the cache: " + errno_text());
    }
    if (present_with_size(target, size)) {
      return;
    }
    // Same name, wrong size: a damaged entry. Replace it; a concurrent put may win the race,
    // which is as good.
    ::unlink(target.c_str());
  }
  throw Error("cannot add " + target.string() + " to the cache: it keeps changing",
              "another process is writing the same entry; run the command again");
}

std::string Store::put_file(const fs::path& source, const std::optional<std::string>& expected) {
  if (expected) {
    require_entry_name(*expected, "expected digest");
  }
  Fd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (in.fd < 0 || ::fstat(in.fd, &st) != 0) {
    throw Error("cannot read " + source.string() + ": " + errno_text());
  }
  ::posix_fadvise(in.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (expected && present_with_size(blob_path(*expected), size)) {
    // Already stored: only confirm that the source is what the caller says it is.
    auto actual = hash_file(source, HashAlgorithm::sha256).value_or_throw();
    if (actual != *expected) {
      throw_mismatch(source, actual, *expected);
    }
    return actual;
  }
  AtomicFile temp(incoming_path(), Durability::cache);
  std::size_t buffer_size = std::clamp<std::size_t>(size + 1, k_min_buffer, k_max_buffer);
  Copied copied = copy_and_hash(in.fd, source, temp, buffer_size);
  if (expected && copied.digest != *expected) {
    throw_mismatch(source, copied.digest, *expected);
  }
  install_blob(temp.temp_path(), temp.fd(), copied.digest, copied.size);
  return copied.digest;
}

std::string Store::adopt_file(const fs::path& file, const std::optional<std::string>& expected) {
  if (expected) {
    require_entry_name(*expected, "expected digest");
  }
  Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  struct stat cas {};
  if (in.fd < 0 || ::fstat(in.fd, &st) != 0) {
    throw Error("cannot read " + file.string() + ": " + errno_text());
  }
  if (::stat(incoming_path().parent_path().c_str(), &cas) != 0 || cas.st_dev != st.st_dev) {
    std::string digest = put_file(file, expected);  // another file system: copy after all
    ::unlink(file.c_str());
    return digest;
  }
  ::posix_fadvise(in.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::string digest = hash_file(file, HashAlgorithm::sha256).value_or_throw();
  if (expected && digest != *expected) {
    throw_mismatch(file, digest, *expected);
  }
  install_blob(file, in.fd, digest, static_cast<std::uint64_t>(st.st_size));
  ::unlink(file.c_str());
  return digest;
}

std::string Store::put_bytes(std::string_view data) {
  std::string digest = sha256_hex(data);
  if (present_with_size(blob_path(digest), data.size())) {
    return digest;
  }
  AtomicFile temp(incoming_path(), Durability::cache);
  temp.write(data);
  install_blob(temp.temp_path(), temp.fd(), digest, data.size());
  return digest;
}

fs::path Store::removals_marker() const { return store::removals_marker(m_root); }

void Store::note_missing_entry() { note_removals(m_root); }

std::optional<fs::path> Store::get_blob(const std::string& digest) {
  fs::path path = blob_path(digest);
  Checked checked = check_blob(path, digest);
  if (checked.verdict == Verdict::valid) {
    touch(path);
    return path;
  }
  if (checked.verdict == Verdict::corrupt) {
    warn(discard(m_root, Area::cas, digest, checked));
  }
  return std::nullopt;
}

void Store::put_action(const std::string& key, const Json& result) {
  require_entry_name(key, "action key");
  fs::path path = entry_path(m_root, Area::ac, key);
  make_shard(path);
  write_file_atomic(path, encode_action(result), m_durability);
}

std::optional<Json> Store::get_action(const std::string& key) {
  require_entry_name(key, "action key");
  fs::path path = entry_path(m_root, Area::ac, key);
  Checked checked = check_action(path);
  if (checked.verdict == Verdict::valid) {
    touch(path);
    return std::move(checked.body);
  }
  if (checked.verdict == Verdict::corrupt) {
    warn(discard(m_root, Area::ac, key, checked));
  }
  return std::nullopt;
}

}  // namespace osbuild::store
