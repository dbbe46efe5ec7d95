// Writing a repository so that a crash cannot tear it: targets first (content-addressed names, so
// a new file never replaces one in use), then N.targets.json and N.snapshot.json (new names, not
// yet referenced), and last timestamp.json, whose atomic rename is the moment the new state
// becomes visible. Every file is fsynced before its rename and its folder after.
#include "repo/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"
#include "repo/stage.h"

namespace osbuild::repo::detail {

namespace {

void write_metadata_file(const fs::path& path, const std::string& text, std::string_view step) {
  AtomicFile file(path);
  file.write(text);
  pause_point(std::string("before-") + std::string(step));
  file.commit();
  pause_point(step);
}

// Signs `md` with every key the role lists and checks the threshold before anything is written.
void sign_role(Metadata& md, const RootRole& root, Role role, const std::vector<SigningKey>& keys) {
  const auto& allowed = root.roles.at(role).keyids;
  for (const auto& key : keys) {
    if (std::find(allowed.begin(), allowed.end(), key.key_id()) != allowed.end()) {
      md.sign(key);
    }
  }
  if (auto problem = threshold_problem(md, root, role)) {
    std::vector<std::string> ids;
    for (const auto& key : keys) {
      ids.push_back(key.key_id().substr(0, 12));
    }
    throw Error("cannot sign " + std::string(role_name(role)) + ": " + *problem +
                    "; the signing keys given are " + (ids.empty() ? "none" : join(ids, ", ")),
                "sign with keys that root version " + std::to_string(root.version) + " lists for " +
                    std::string(role_name(role)) +
                    " (Infra.toml signing_keys or --key KEY, once "
                    "per key)",
                ExitCode::verification);
  }
}

// The file text of `body` signed for `role`.
std::string signed_file(const Json& body, const RootRole& root, Role role,
                        const std::vector<SigningKey>& keys) {
  Metadata md{body, {}};
  sign_role(md, root, role, keys);
  return md.to_file();
}

}  // namespace

TrustedVersions commit_metadata(Setup& setup, const std::vector<Metadata>& root_chain,
                                const RootRole& root, TargetsRole targets,
                                const TrustedVersions& previous) {
  const auto& policy = setup.expirations;
  targets.version = previous.targets + 1;
  targets.expires = policy.targets.resolve(setup.start);
  std::string targets_text = signed_file(targets.to_json(), root, Role::targets, setup.keys);

  SnapshotRole snapshot;
  snapshot.version = previous.snapshot + 1;
  snapshot.expires = policy.snapshot.resolve(setup.start);
  snapshot.meta["targets.json"] = describe(targets.version, targets_text);
  std::string snapshot_text = signed_file(snapshot.to_json(), root, Role::snapshot, setup.keys);

  TimestampRole timestamp;
  timestamp.version = previous.timestamp + 1;
  timestamp.expires = policy.timestamp.resolve(setup.start);
  timestamp.snapshot = describe(snapshot.version, snapshot_text);
  std::string timestamp_text = signed_file(timestamp.to_json(), root, Role::timestamp, setup.keys);

  for (const auto& md : root_chain) {
    std::string text = md.to_file();
    auto version = parse_root(md.body, "root").version;
    fs::path path = setup.metadata_dir / (std::to_string(version) + ".root.json");
    auto existing = read_file(path);
    if (!existing || existing.value() != text) {
      write_metadata_file(path, text, "root");
    }
  }
  write_metadata_file(setup.metadata_dir / (std::to_string(targets.version) + ".targets.json"),
                      targets_text, "targets");
  write_metadata_file(setup.metadata_dir / (std::to_string(snapshot.version) + ".snapshot.json"),
                      snapshot_text, "snapshot");
  write_metadata_file(setup.metadata_dir / "timestamp.json", timestamp_text, "timestamp");
  TrustedVersions now{root.version, timestamp.version, snapshot.version, targets.version};
  write_trust(setup.trust_file, now);
  return now;
}

namespace {

// A temporary file in the targets folder, removed unless it was renamed into place.
class IncomingFile {
 public:
  IncomingFile(const fs::path& dir, const std::string& name) {
    std::string pattern = (dir / (name + ".tmp.XXXXXX")).string();
    m_fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (m_fd < 0) {
      throw Error("cannot create a file in " + dir.string() + ": " + std::strerror(errno));
    }
    m_path = pattern;
    ::fchmod(m_fd, 0644);
  }
  ~IncomingFile() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    if (!m_path.empty()) {
      ::unlink(m_path.c_str());
    }
  }
  IncomingFile(const IncomingFile&) = delete;
  IncomingFile& operator=(const IncomingFile&) = delete;

  void write(const char* data, std::size_t size) {
    while (size > 0) {
      ssize_t n = ::write(m_fd, data, size);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        throw Error("cannot write " + m_path.string() + ": " + std::strerror(errno),
                    errno == ENOSPC ? "free some space on that file system and run again" : "");
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  void commit(const fs::path& target) {
    if (::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
      m_fd = -1;
      throw Error("cannot sync " + m_path.string() + ": " + std::strerror(errno));
    }
    m_fd = -1;
    if (::rename(m_path.c_str(), target.c_str()) != 0) {
      throw Error("cannot rename " + m_path.string() + " to " + target.string() + ": " +
                  std::strerror(errno));
    }
    m_path.clear();
  }

 private:
  int m_fd = -1;
  fs::path m_path;
};

}  // namespace

TargetFile store_target(const fs::path& targets_dir, const std::string& name,
                        const fs::path& source) {
  // A small file (a migration) is usually already there: hash it in memory and write nothing.
  std::error_code size_error;
  if (fs::file_size(source, size_error) <= (1u << 20) && !size_error) {
    return store_target_bytes(targets_dir, name, read_file_or_throw(source));
  }
  int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    throw Error("cannot read " + source.string() + ": " + std::strerror(errno));
  }
  IncomingFile out(targets_dir, name);
  Hasher hasher(HashAlgorithm::sha256);
  std::string buffer(1 << 20, '\0');
  TargetFile t;
  for (;;) {
    ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      int e = errno;
      ::close(in);
      throw Error("cannot read " + source.string() + ": " + std::strerror(e));
    }
    if (n == 0) {
      break;
    }
    hasher.update(buffer.data(), static_cast<std::size_t>(n));
    out.write(buffer.data(), static_cast<std::size_t>(n));
    t.length += static_cast<std::uint64_t>(n);
  }
  ::close(in);
  t.hashes["sha256"] = hasher.hex_digest();
  fs::path final_path = targets_dir / consistent_target_path(name, t.hashes["sha256"]);
  std::error_code ec;
  if (fs::file_size(final_path, ec) == t.length && !ec) {
    return t;  // the same bytes are already there under their content address
  }
  out.commit(final_path);
  pause_point("target");
  return t;
}

TargetFile store_target_bytes(const fs::path& targets_dir, const std::string& name,
                              std::string_view bytes) {
  TargetFile t;
  t.length = bytes.size();
  t.hashes["sha256"] = sha256_hex(bytes);
  fs::path final_path = targets_dir / consistent_target_path(name, t.hashes["sha256"]);
  if (!fs::exists(final_path)) {
    write_file_atomic(final_path, bytes);
    pause_point("target");
  }
  return t;
}

}  // namespace osbuild::repo::detail
