// Editing a root.json file, as tuftool's `root` subcommands do.
#include "osbuild/repo/root_role.h"

#include <algorithm>

#include "osbuild/util/fs.h"

namespace osbuild::repo {

namespace {

struct RootFile {
  Metadata md;
  RootRole root;
};

RootFile read_root(const fs::path& path) {
  if (!fs::exists(path)) {
    throw Error(path.string() + " does not exist",
                "create it with `osbuild root init " + path.string() + "`");
  }
  RootFile f;
  f.md = Metadata::parse(read_file_or_throw(path), path.string());
  f.root = parse_root(f.md.body, path.string());
  return f;
}

// Writes the edited root; signatures over a different body no longer hold and are dropped.
void write_root(const fs::path& path, RootFile& f) {
  Json body = f.root.to_json();
  if (body != f.md.body) {
    f.md.body = std::move(body);
    f.md.signatures.clear();
  }
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path());
  }
  write_file_atomic(path, f.md.to_file());
}

std::string find_key(const RootRole& root, const std::string& prefix, const fs::path& path) {
  std::vector<std::string> matches;
  for (const auto& [id, key] : root.keys) {
    if (id.starts_with(prefix)) {
      matches.push_back(id);
    }
  }
  if (matches.size() != 1 || prefix.empty()) {
    throw Error(
        matches.empty() ? "no key " + prefix + " in " + path.string()
                        : "key id prefix " + prefix + " matches " + std::to_string(matches.size()) +
                              " keys in " + path.string(),
        "list the key ids with `grep -A1 keyids " + path.string() + "` and give more of it");
  }
  return matches.front();
}

}  // namespace

void root_init(const fs::path& path, const std::optional<fs::path>& from, Time expires) {
  if (fs::exists(path)) {
    throw Error(path.string() + " already exists",
                "edit it with `osbuild root add-key | set-threshold | expire`, or choose a new "
                "path");
  }
  RootFile f;
  if (from) {
    f.root = read_root(*from).root;
    f.root.version += 1;
  } else {
    for (Role role : k_roles) {
      f.root.roles[role] = RoleKeys{{}, 1};
    }
  }
  f.root.expires = expires;
  f.root.consistent_snapshot = true;
  write_root(path, f);
}

std::string root_add_key(const fs::path& path, const fs::path& key_file,
                         const std::vector<Role>& roles) {
  if (roles.empty()) {
    throw UsageError("name at least one role for the key",
                     "add --role root (or targets, "
                     "snapshot, timestamp), once per role");
  }
  RootFile f = read_root(path);
  PublicKey key = public_key_from_pem(read_file_or_throw(key_file), key_file.string());
  std::string id = key.key_id();
  f.root.keys[id] = key;
  for (Role role : roles) {
    auto& ids = f.root.roles[role].keyids;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.push_back(id);
    }
  }
  write_root(path, f);
  return id;
}

std::string root_remove_key(const fs::path& path, const std::string& key_id,
                            const std::vector<Role>& roles) {
  RootFile f = read_root(path);
  std::string id = find_key(f.root, key_id, path);
  bool in_any_role = false;
  for (auto& [role, rk] : f.root.roles) {
    if (roles.empty() || std::find(roles.begin(), roles.end(), role) != roles.end()) {
      std::erase(rk.keyids, id);
    }
    in_any_role =
        in_any_role || std::find(rk.keyids.begin(), rk.keyids.end(), id) != rk.keyids.end();
  }
  if (!in_any_role) {
    f.root.keys.erase(id);
  }
  write_root(path, f);
  return id;
}

void root_set_threshold(const fs::path& path, Role role, std::uint32_t threshold) {
  if (threshold == 0) {
    throw UsageError("a threshold must be at least 1");
  }
  RootFile f = read_root(path);
  f.root.roles[role].threshold = threshold;
  write_root(path, f);
}

void root_expire(const fs::path& path, Time expires) {
  RootFile f = read_root(path);
  f.root.expires = expires;
  write_root(path, f);
}

SignStatus root_sign(const fs::path& path, const std::vector<fs::path>& keys) {
  if (keys.empty()) {
    throw UsageError("no key to sign with", "give -k KEY, once per key");
  }
  RootFile f = read_root(path);
  SignStatus status;
  const auto& root_ids = f.root.roles.at(Role::root).keyids;
  for (const auto& key_path : keys) {
    SigningKey key = SigningKey::load(key_path);
    f.md.sign(key);
    if (std::find(root_ids.begin(), root_ids.end(), key.key_id()) == root_ids.end()) {
      status.not_root_keys.push_back(key.key_id());
    }
  }
  write_file_atomic(path, f.md.to_file());
  status.version = f.root.version;
  status.threshold = f.root.roles.at(Role::root).threshold;
  status.valid = valid_signatures(f.md, f.root, Role::root);
  return status;
}

}  // namespace osbuild::repo
