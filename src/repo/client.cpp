// The TUF 1.0 client workflow, as tuf-js and tough run it, with messages that say which file
// failed which check.
#include "osbuild/repo/client.h"

#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"

namespace osbuild::repo {

namespace {

[[noreturn]] void refuse(const std::string& what, const std::string& hint) {
  throw Error(what, hint, ExitCode::verification);
}

const std::string k_republish_hint =
    "the repository was changed after osbuild signed it, or is torn; republish it with `osbuild "
    "repo` or restore it from a good copy";

std::string fetch_metadata(Transport& transport, const RepoLocation& where, const std::string& name,
                           std::uint64_t max_bytes) {
  auto text = fetch_text(transport, join_url(where.metadata_url, name), max_bytes);
  if (!text) {
    refuse(name + " is missing from " + where.metadata_url,
           "the repository is incomplete; publish it again with `osbuild repo`");
  }
  return *text;
}

void check_signatures(const Metadata& md, const RootRole& root, Role role,
                      const std::string& name) {
  if (auto problem = threshold_problem(md, root, role)) {
    refuse(name + ": signature threshold not met: " + *problem,
           "sign it with enough of the " + std::string(role_name(role)) +
               " role's keys (Infra.toml signing_keys or --key), then `osbuild repo refresh`");
  }
}

void check_expiry(const Common& role, std::string_view kind, const std::string& name,
                  const LoadOptions& options) {
  if (options.expiry == Expiry::enforce && role.expires <= options.now) {
    std::string hint = kind == "root"
                           ? "extend it with `osbuild root expire` and `osbuild root sign`, then "
                             "publish the new root"
                           : "re-sign it with `osbuild repo refresh --unsafe`";
    refuse(name + ": the " + std::string(kind) + " role expired on " + format_rfc3339(role.expires),
           hint);
  }
}

void check_rollback(std::uint64_t found, std::uint64_t trusted, const std::string& what) {
  if (found < trusted) {
    refuse(what + " has version " + std::to_string(found) + ", lower than the trusted version " +
               std::to_string(trusted) + ": a rollback",
           "restore the newer metadata; if the repository was recreated on purpose, remove the "
           "trusted versions under build/.osbuild/repo-trust/");
  }
}

// Length and hashes of a file against what the role above it recorded.
void check_meta(const MetaFile& expected, std::string_view bytes, const std::string& name,
                const std::string& listed_in) {
  if (expected.length && *expected.length != bytes.size()) {
    refuse(name + " is " + std::to_string(bytes.size()) + " bytes, but " + listed_in + " records " +
               std::to_string(*expected.length),
           k_republish_hint);
  }
  for (const auto& [algorithm, digest] : expected.hashes) {
    std::string actual;
    if (algorithm == "sha256") {
      actual = sha256_hex(bytes);
    } else if (algorithm == "sha512") {
      actual = sha512_hex(bytes);
    } else {
      continue;
    }
    if (actual != digest) {
      refuse(
          name + " has " + algorithm + " " + actual + ", but " + listed_in + " records " + digest,
          k_republish_hint);
    }
  }
}

RootRole walk_root_chain(Transport& transport, const RepoLocation& where,
                         const Metadata& trusted_root, const LoadOptions& options,
                         std::vector<Metadata>& chain) {
  RootRole root = verify_self_signed_root(trusted_root, "the trusted root");
  chain.push_back(trusted_root);
  for (int i = 0; i < k_max_root_updates; ++i) {
    std::string name = std::to_string(root.version + 1) + ".root.json";
    auto text = fetch_text(transport, join_url(where.metadata_url, name), k_max_root_bytes);
    if (!text) {
      break;
    }
    Metadata next_md = Metadata::parse(*text, name);
    RootRole next = parse_root(next_md.body, name);
    if (auto problem = threshold_problem(next_md, root, Role::root)) {
      refuse(name + " is not signed by the keys of root version " + std::to_string(root.version) +
                 ": " + *problem,
             "a new root must be signed by a threshold of the old root's keys and of its own: "
             "`osbuild root sign " +
                 name + " -k OLD_KEY -k NEW_KEY`");
    }
    if (auto problem = threshold_problem(next_md, next, Role::root)) {
      refuse(name + " is not signed by its own root keys: " + *problem,
             "sign it with the new root keys: `osbuild root sign`");
    }
    if (next.version != root.version + 1) {
      refuse(name + " holds version " + std::to_string(next.version), k_republish_hint);
    }
    root = std::move(next);
    chain.push_back(std::move(next_md));
  }
  check_rollback(root.version, options.trusted.root, "root");
  check_expiry(root, "root", std::to_string(root.version) + ".root.json", options);
  return root;
}

}  // namespace

TrustedVersions LoadedRepo::versions() const {
  return {root.version, timestamp.version, snapshot.version, targets.version};
}

RootRole verify_self_signed_root(const Metadata& root_md, const std::string& origin) {
  RootRole root = parse_root(root_md.body, origin);
  if (auto problem = threshold_problem(root_md, root, Role::root)) {
    refuse(origin + " is not signed by its own root keys: " + *problem,
           "sign it with `osbuild root sign <root.json> -k <root key>`");
  }
  return root;
}

std::optional<LoadedRepo> load_repository(Transport& transport, const RepoLocation& where,
                                          const Metadata& trusted_root,
                                          const LoadOptions& options) {
  LoadedRepo repo;
  repo.root = walk_root_chain(transport, where, trusted_root, options, repo.root_chain);

  auto ts_text =
      fetch_text(transport, join_url(where.metadata_url, "timestamp.json"), k_max_timestamp_bytes);
  if (!ts_text) {
    return std::nullopt;
  }
  repo.timestamp_md = Metadata::parse(*ts_text, "timestamp.json");
  check_signatures(repo.timestamp_md, repo.root, Role::timestamp, "timestamp.json");
  repo.timestamp = parse_timestamp(repo.timestamp_md.body, "timestamp.json");
  check_rollback(repo.timestamp.version, options.trusted.timestamp, "timestamp.json");
  check_rollback(repo.timestamp.snapshot.version, options.trusted.snapshot,
                 "the snapshot named by timestamp.json");
  check_expiry(repo.timestamp, "timestamp", "timestamp.json", options);

  std::uint64_t sv = repo.timestamp.snapshot.version;
  Layout layout = layout_of(repo.root);
  std::string sname = metadata_file_name(layout, sv, "snapshot");
  std::string s_text = fetch_metadata(transport, where, sname, k_max_metadata_bytes);
  check_meta(repo.timestamp.snapshot, s_text, sname, "timestamp.json");
  repo.snapshot_md = Metadata::parse(s_text, sname);
  check_signatures(repo.snapshot_md, repo.root, Role::snapshot, sname);
  repo.snapshot = parse_snapshot(repo.snapshot_md.body, sname);
  if (repo.snapshot.version != sv) {
    refuse(sname + " holds version " + std::to_string(repo.snapshot.version) +
               ", but timestamp.json names version " + std::to_string(sv),
           k_republish_hint);
  }
  check_expiry(repo.snapshot, "snapshot", sname, options);

  auto tmeta = repo.snapshot.meta.find("targets.json");
  if (tmeta == repo.snapshot.meta.end()) {
    refuse(sname + " does not list targets.json", k_republish_hint);
  }
  std::uint64_t tv = tmeta->second.version;
  check_rollback(tv, options.trusted.targets, "the targets named by " + sname);
  std::string tname = metadata_file_name(layout, tv, "targets");
  std::string t_text = fetch_metadata(transport, where, tname, k_max_metadata_bytes);
  check_meta(tmeta->second, t_text, tname, sname);
  repo.targets_md = Metadata::parse(t_text, tname);
  check_signatures(repo.targets_md, repo.root, Role::targets, tname);
  repo.targets = parse_targets(repo.targets_md.body, tname);
  if (repo.targets.version != tv) {
    refuse(tname + " holds version " + std::to_string(repo.targets.version) + ", but " + sname +
               " names version " + std::to_string(tv),
           k_republish_hint);
  }
  check_expiry(repo.targets, "targets", tname, options);
  return repo;
}

std::string consistent_target_path(const std::string& name, const std::string& sha256) {
  auto slash = name.rfind('/');
  if (slash == std::string::npos) {
    return sha256 + "." + name;
  }
  return name.substr(0, slash + 1) + sha256 + "." + name.substr(slash + 1);
}

Layout layout_of(const RootRole& root) {
  return root.consistent_snapshot ? Layout::consistent : Layout::plain;
}

std::string metadata_file_name(Layout layout, std::uint64_t version, const std::string& role) {
  return layout == Layout::consistent ? std::to_string(version) + "." + role + ".json"
                                      : role + ".json";
}

std::string target_path(Layout layout, const std::string& name, const std::string& sha256) {
  return layout == Layout::consistent ? consistent_target_path(name, sha256) : name;
}

namespace {

std::string target_url(const RepoLocation& where, const std::string& name, const TargetFile& t,
                       Layout layout) {
  return join_url(where.targets_url, target_path(layout, name, t.sha256()));
}

void check_target(const std::string& name, const TargetFile& t, std::uint64_t length,
                  const std::string& sha256) {
  if (length != t.length) {
    refuse("target " + name + " is " + std::to_string(length) +
               " bytes, but targets.json records " + std::to_string(t.length),
           k_republish_hint);
  }
  if (sha256 != t.sha256()) {
    refuse("target " + name + " has sha256 " + sha256 + ", but targets.json records " + t.sha256() +
               " (a tampered or corrupt target)",
           k_republish_hint);
  }
}

}  // namespace

TargetCheck verify_targets(Transport& transport, const RepoLocation& where, const LoadedRepo& repo,
                           const std::function<void(const std::string&)>& progress) {
  TargetCheck check;
  for (const auto& [name, t] : repo.targets.targets) {
    if (progress) {
      progress(name);
    }
    std::string url = target_url(where, name, t, layout_of(repo.root));
    Hasher hasher(HashAlgorithm::sha256);
    std::uint64_t length = 0;
    // One byte over the recorded length is enough to know it is wrong.
    auto status = transport.fetch(url, t.length + 1, [&](std::string_view part) {
      hasher.update(part);
      length += part.size();
    });
    if (status == FetchStatus::missing) {
      refuse("target " + name + " is missing: " + url + " does not exist", k_republish_hint);
    }
    check_target(name, t, length, hasher.hex_digest());
    ++check.count;
    check.bytes += length;
  }
  return check;
}

std::string fetch_target_text(Transport& transport, const RepoLocation& where,
                              const TargetsRole& targets, const std::string& name,
                              Layout layout) {
  auto it = targets.targets.find(name);
  if (it == targets.targets.end()) {
    refuse("the repository has no target " + name, k_republish_hint);
  }
  std::string url = target_url(where, name, it->second, layout);
  auto body = fetch_text(transport, url, it->second.length + 1);
  if (!body) {
    refuse("target " + name + " is missing: " + url + " does not exist", k_republish_hint);
  }
  check_target(name, it->second, body->size(), sha256_hex(*body));
  return *body;
}

}  // namespace osbuild::repo
