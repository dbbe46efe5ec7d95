// Writing a repository so that a crash cannot tear it: targets first (content-addressed names, so
// a new file never replaces one in use), then N.targets.json and N.snapshot.json (new names, not
// yet referenced), and last timestamp.json, whose atomic rename is the moment the new state
// becomes visible. Every file is fsynced before its rename and its folder after.
#include "repo/writer.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <regex>
#include <set>

#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"
#include "repo/stage.h"

namespace osbuild::repo::detail {

namespace {

// The step a metadata file is written at, for the test hook: "root", "targets", "snapshot",
// "timestamp".
std::string step_of(const std::string& name) {
  std::string stem = name.substr(0, name.size() - std::string_view(".json").size());
  auto dot = stem.rfind('.');
  return dot == std::string::npos ? stem : stem.substr(dot + 1);
}

void write_metadata_file(const fs::path& path, const std::string& text, std::string_view step) {
  AtomicFile file(path);
  file.write(text);
  pause_point(std::string("before-") + std::string(step));
  file.commit();
  pause_point(step);
}

std::string short_ids(const std::vector<SigningKey>& keys) {
  std::vector<std::string> ids;
  for (const auto& key : keys) {
    ids.push_back(key.key_id().substr(0, 12));
  }
  return ids.empty() ? "none" : join(ids, ", ");
}

[[noreturn]] void cannot_sign(Role role, const RootRole& root, const std::string& problem,
                              const std::vector<SigningKey>& keys) {
  throw Error("cannot sign " + std::string(role_name(role)) + ": " + problem +
                  "; the signing keys given are " + short_ids(keys),
              "sign with keys that root version " + std::to_string(root.version) + " lists for " +
                  std::string(role_name(role)) +
                  " (Infra.toml signing_keys or --key KEY, once "
                  "per key)",
              ExitCode::verification);
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
    cannot_sign(role, root, *problem, keys);
  }
}

// The file text of `body` signed for `role`.
std::string signed_file(const Json& body, const RootRole& root, Role role,
                        const std::vector<SigningKey>& keys) {
  Metadata md{body, {}};
  sign_role(md, root, role, keys);
  return md.to_file();
}

// What one commit writes, in order, and the versions it leaves.
struct Journal {
  std::vector<std::pair<std::string, std::string>> files;  // file name → text
  TrustedVersions versions;
};

Json journal_json(const Journal& j) {
  Json files = Json::array();
  for (const auto& [name, text] : j.files) {
    files.push_back({{"name", name}, {"text", text}});
  }
  return Json{{"files", files},
              {"versions",
               {{"root", j.versions.root},
                {"timestamp", j.versions.timestamp},
                {"snapshot", j.versions.snapshot},
                {"targets", j.versions.targets}}}};
}

bool journal_file_name(const std::string& name) {
  static const std::regex allowed(R"(([0-9]+\.)?(root|targets|snapshot|timestamp)\.json)");
  return std::regex_match(name, allowed);
}

Journal parse_journal(const std::string& text, const fs::path& path) {
  Json j = Json::parse(text, nullptr, false);
  auto broken = [&](const std::string& why) {
    return Error(path.string() + ": " + why + " (a journal of an unfinished publish)",
                 "restore the repository from a good copy, then remove " + path.string(),
                 ExitCode::verification);
  };
  if (j.is_discarded() || !j.is_object() || !j.contains("files") || !j["files"].is_array() ||
      !j.contains("versions") || !j["versions"].is_object()) {
    throw broken("not a journal");
  }
  Journal journal;
  for (const auto& f : j["files"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("text") ||
        !f["text"].is_string() || !journal_file_name(f["name"].get<std::string>())) {
      throw broken("a file entry is not a metadata file name and text");
    }
    journal.files.emplace_back(f["name"].get<std::string>(), f["text"].get<std::string>());
  }
  const Json& v = j["versions"];
  journal.versions = {v.value("root", std::uint64_t{0}), v.value("timestamp", std::uint64_t{0}),
                      v.value("snapshot", std::uint64_t{0}), v.value("targets", std::uint64_t{0}),
                      {}};
  return journal;
}

// Writes every file of the journal that does not already hold its text, in order, records the
// versions as trusted, and removes the journal. Running it twice writes nothing the second time.
void apply_journal(const Setup& setup, const Journal& journal) {
  for (const auto& [name, text] : journal.files) {
    fs::path path = setup.metadata_dir / name;
    auto existing = read_file(path);
    if (!existing || existing.value() != text) {
      write_metadata_file(path, text, step_of(name));
    }
  }
  write_trust(setup.trust_file, journal.versions);
  fs::path path = journal_path(setup);
  fs::remove(path);
  fsync_directory(path.parent_path());
}

}  // namespace

void check_signing_keys(const std::vector<SigningKey>& keys, const RootRole& root) {
  for (Role role : {Role::targets, Role::snapshot, Role::timestamp}) {
    const RoleKeys& rk = root.roles.at(role);
    std::set<std::string> usable;
    for (const auto& key : keys) {
      bool listed = std::find(rk.keyids.begin(), rk.keyids.end(), key.key_id()) != rk.keyids.end();
      auto known = root.keys.find(key.key_id());
      if (listed && known != root.keys.end() && known->second == key.public_key()) {
        usable.insert(key.key_id());
      }
    }
    if (usable.size() < rk.threshold) {
      cannot_sign(role, root,
                  std::to_string(usable.size()) + " valid signature" +
                      (usable.size() == 1 ? "" : "s") + " from the " +
                      std::string(role_name(role)) + " role's keys, threshold " +
                      std::to_string(rk.threshold),
                  keys);
    }
  }
}

fs::path journal_path(const Setup& setup) {
  return setup.output / ".journal" / setup.variant / (setup.arch + ".json");
}

bool complete_unfinished(const Setup& setup) {
  fs::path path = journal_path(setup);
  auto text = read_file(path);
  if (!text) {
    return false;
  }
  Journal journal = parse_journal(text.value(), path);
  std::fprintf(stderr,
               "osbuild: completing an interrupted publish of %s for %s (timestamp version %llu, "
               "root version %llu)\n",
               setup.variant.c_str(), setup.arch.c_str(),
               static_cast<unsigned long long>(journal.versions.timestamp),
               static_cast<unsigned long long>(journal.versions.root));
  apply_journal(setup, journal);
  return true;
}

TrustedVersions commit_metadata(Setup& setup, const std::vector<Metadata>& root_chain,
                                const RootRole& root, TargetsRole targets,
                                const TrustedVersions& previous,
                                const SnapshotRole* previous_snapshot) {
  const auto& policy = setup.expirations;
  Layout layout = layout_of(root);
  targets.version = previous.targets + 1;
  targets.expires = policy.targets.resolve(setup.start);
  std::string targets_text = signed_file(targets.to_json(), root, Role::targets, setup.keys);

  SnapshotRole snapshot;
  snapshot.version = previous.snapshot + 1;
  snapshot.expires = policy.snapshot.resolve(setup.start);
  if (previous_snapshot != nullptr) {
    snapshot.meta = previous_snapshot->meta;  // delegated roles stay listed at their versions
  }
  snapshot.meta["targets.json"] = describe(targets.version, targets_text);
  std::string snapshot_text = signed_file(snapshot.to_json(), root, Role::snapshot, setup.keys);

  TimestampRole timestamp;
  timestamp.version = previous.timestamp + 1;
  timestamp.expires = policy.timestamp.resolve(setup.start);
  timestamp.snapshot = describe(snapshot.version, snapshot_text);
  std::string timestamp_text = signed_file(timestamp.to_json(), root, Role::timestamp, setup.keys);

  // New names first (nothing references them yet), then the root versions clients walk to, then
  // timestamp.json, whose rename makes the new state visible.
  Journal journal;
  journal.files.emplace_back(metadata_file_name(layout, targets.version, "targets"), targets_text);
  journal.files.emplace_back(metadata_file_name(layout, snapshot.version, "snapshot"),
                             snapshot_text);
  for (const auto& md : root_chain) {
    auto version = parse_root(md.body, "root").version;
    journal.files.emplace_back(std::to_string(version) + ".root.json", md.to_file());
  }
  journal.files.emplace_back("timestamp.json", timestamp_text);
  journal.versions = {root.version, timestamp.version, snapshot.version, targets.version, {}};

  fs::path path = journal_path(setup);
  fs::create_directories(path.parent_path());
  write_metadata_file(path, journal_json(journal).dump() + "\n", "journal");
  apply_journal(setup, journal);
  return journal.versions;
}

namespace {

[[noreturn]] void io_error(const std::string& what, const fs::path& path, int error) {
  throw Error("cannot " + what + " " + path.string() + ": " + std::strerror(error),
              error == ENOSPC ? "free some space on that file system and run again" : "");
}

// A temporary file in the targets folder, removed unless it was renamed into place.
class IncomingFile {
 public:
  IncomingFile(const fs::path& dir, const std::string& name) {
    std::string pattern = (dir / (name + ".tmp.XXXXXX")).string();
    m_fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (m_fd < 0) {
      io_error("create a file in", dir, errno);
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

  const fs::path& path() const { return m_path; }

  // Makes this file a reflink of `source` where the file system shares blocks (btrfs, xfs):
  // no bytes written, and a later write to either file leaves the other as it was. Never a hard
  // link: one inode shared with the image folder would let a rewrite of an image in place (a
  // script, `cp` over it) change a published target under its content address.
  bool clone(const fs::path& source) {
    Fd in{::open(source.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) {
      io_error("read", source, errno);
    }
    return ::ioctl(m_fd, FICLONE, in.fd) == 0;
  }

  // After another program wrote the file by its name: read what is there now.
  void reopen() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
      io_error("read", m_path, errno);
    }
  }

  void write(const char* data, std::size_t size) {
    while (size > 0) {
      ssize_t n = ::write(m_fd, data, size);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        io_error("write", m_path, errno);
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  // The length and sha256 of what the file holds.
  TargetFile describe() const { return describe_fd(m_fd, m_path, nullptr); }

  void commit(const fs::path& target) {
    if (::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
      m_fd = -1;
      io_error("sync", m_path, errno);
    }
    m_fd = -1;
    if (::rename(m_path.c_str(), target.c_str()) != 0) {
      throw Error("cannot rename " + m_path.string() + " to " + target.string() + ": " +
                  std::strerror(errno));
    }
    m_path.clear();
  }

  // Reads `fd` from its start, hashing, and hands each piece to `sink` when there is one.
  static TargetFile describe_fd(int fd, const fs::path& path, IncomingFile* sink) {
    Hasher hasher(HashAlgorithm::sha256);
    std::string buffer(1 << 20, '\0');
    TargetFile t;
    for (;;) {
      ssize_t n = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(t.length));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        io_error("read", path, errno);
      }
      if (n == 0) {
        break;
      }
      hasher.update(buffer.data(), static_cast<std::size_t>(n));
      if (sink != nullptr) {
        sink->write(buffer.data(), static_cast<std::size_t>(n));
      }
      t.length += static_cast<std::uint64_t>(n);
    }
    t.hashes["sha256"] = hasher.hex_digest();
    return t;
  }

 private:
  int m_fd = -1;
  fs::path m_path;
};

// Hashes `source`, copying it into `out` when given.
TargetFile describe_file(const fs::path& source, IncomingFile* out) {
  Fd in{::open(source.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) {
    io_error("read", source, errno);
  }
  return IncomingFile::describe_fd(in.fd, source, out);
}

fs::path final_path(const fs::path& targets_dir, const std::string& name, const TargetFile& t,
                    Layout layout) {
  return targets_dir / target_path(layout, name, t.hashes.at("sha256"));
}

// Content-addressed names never change their bytes: a file of the right length is the target.
bool already_there(const fs::path& path, const TargetFile& t, Layout layout) {
  std::error_code ec;
  return layout == Layout::consistent && fs::file_size(path, ec) == t.length && !ec;
}

// Renames the finished file into place, or drops it when the same bytes are already there.
StoredTarget place(IncomingFile& file, const fs::path& targets_dir, const std::string& name,
                   const TargetFile& t, Layout layout, Placed how) {
  fs::path path = final_path(targets_dir, name, t, layout);
  if (already_there(path, t, layout)) {
    return {t, Placed::present};
  }
  file.commit(path);
  pause_point("target");
  return {t, how};
}

}  // namespace

StoredTarget store_target(const fs::path& targets_dir, const std::string& name,
                          const fs::path& source, Layout layout) {
  // A small file (a migration) is usually already there: hash it in memory and write nothing.
  std::error_code size_error;
  if (fs::file_size(source, size_error) <= (1u << 20) && !size_error) {
    return store_target_bytes(targets_dir, name, read_file_or_throw(source), layout);
  }
  IncomingFile out(targets_dir, name);
  if (out.clone(source)) {
    return place(out, targets_dir, name, out.describe(), layout, Placed::cloned);
  }
  // A copy: hash first, so that a target already there costs a read and no write.
  TargetFile t = describe_file(source, nullptr);
  if (already_there(final_path(targets_dir, name, t, layout), t, layout)) {
    return {t, Placed::present};
  }
  TargetFile copied = describe_file(source, &out);
  if (copied.hashes != t.hashes) {
    throw Error(source.string() + " changed while it was being published",
                "run `osbuild repo` again once nothing writes the image");
  }
  return place(out, targets_dir, name, t, layout, Placed::copied);
}

StoredTarget store_target_lz4(const fs::path& targets_dir, const std::string& name,
                              const fs::path& source, Layout layout, process::Runner& runner) {
  IncomingFile out(targets_dir, name);
  process::Command lz4;
  lz4.argv = {"lz4", "-q", "-f", source.string(), out.path().string()};
  lz4.out = process::Sink::capture;
  lz4.err = process::Sink::same_as_stdout;
  process::Result r = runner.run(lz4);
  if (!r.ok()) {
    throw Error("lz4 of " + source.string() + " failed (exit " + std::to_string(r.exit_code) +
                    "): " + std::string(trim(r.out)),
                r.exit_code == 127 ? "install lz4 (apt-get install lz4), or publish without "
                                     "--disk-image"
                                   : "");
  }
  out.reopen();
  return place(out, targets_dir, name, out.describe(), layout, Placed::compressed);
}

StoredTarget store_target_bytes(const fs::path& targets_dir, const std::string& name,
                                std::string_view bytes, Layout layout) {
  TargetFile t;
  t.length = bytes.size();
  t.hashes["sha256"] = sha256_hex(bytes);
  fs::path path = final_path(targets_dir, name, t, layout);
  bool present = fs::exists(path);
  if (present && layout == Layout::plain) {
    auto existing = read_file(path);  // a plain name is replaced when its bytes change
    present = existing && existing.value() == bytes;
  }
  if (present) {
    return {t, Placed::present};
  }
  write_file_atomic(path, bytes);
  pause_point("target");
  return {t, Placed::copied};
}

}  // namespace osbuild::repo::detail
