// The TUF 1.0 client workflow, as tuf-js and tough run it, with messages that say which file
// failed which check.
#include "osbuild/repo/client.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>

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

// The listed algorithms osbuild computes. Others (md5, ...) are skipped beside them; an entry that
// lists only others cannot be checked, and is refused rather than trusted unchecked.
bool known_algorithm(const std::string& algorithm) {
  return algorithm == "sha256" || algorithm == "sha512";
}

void require_known_hash(const std::map<std::string, std::string>& hashes, const std::string& name,
                        const std::string& listed_in) {
  if (hashes.empty()) {
    return;
  }
  std::string listed;
  for (const auto& [algorithm, digest] : hashes) {
    if (known_algorithm(algorithm)) {
      return;
    }
    listed += (listed.empty() ? "" : ", ") + algorithm;
  }
  refuse(listed_in + " records only " + listed + " for " + name +
             ", which osbuild cannot check: it checks sha256 and sha512",
         "list a sha256 or sha512 hash for " + name + " (re-sign " + listed_in + ")");
}

void check_digest(const std::string& algorithm, const std::string& actual,
                  const std::string& expected, const std::string& name,
                  const std::string& listed_in) {
  if (actual != expected) {
    refuse(name + " has " + algorithm + " " + actual + ", but " + listed_in + " records " +
               expected,
           k_republish_hint);
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
  require_known_hash(expected.hashes, name, listed_in);
  for (const auto& [algorithm, digest] : expected.hashes) {
    if (algorithm == "sha256") {
      check_digest(algorithm, sha256_hex(bytes), digest, name, listed_in);
    } else if (algorithm == "sha512") {
      check_digest(algorithm, sha512_hex(bytes), digest, name, listed_in);
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

// One delegated role's metadata (spec §5.6 for a delegated role): listed in snapshot, its length,
// hashes and version as snapshot records them, signed to threshold by the keys its delegator
// names, and not expired.
DelegatedTargets load_delegated(Transport& transport, const RepoLocation& where,
                                const LoadOptions& options, const std::string& sname,
                                const LoadedRepo& repo, const DelegatedRole& role,
                                const std::string& delegator, const Delegations& delegations) {
  DelegatedTargets d;
  d.name = role.name;
  d.delegator = delegator;
  auto meta = repo.snapshot.meta.find(role.name + ".json");
  if (meta == repo.snapshot.meta.end()) {
    refuse(sname + " does not list " + role.name + ".json, the metadata of the role " + delegator +
               " delegates to",
           "publish " + role.name + ".json and list it in the snapshot (re-sign " + sname + ")");
  }
  std::uint64_t version = meta->second.version;
  if (auto trusted = options.trusted.delegated.find(role.name);
      trusted != options.trusted.delegated.end()) {
    check_rollback(version, trusted->second, sname + "'s " + role.name + ".json");
  }
  d.file = metadata_file_name(layout_of(repo.root), version, role.name);
  std::string text = fetch_metadata(transport, where, d.file, k_max_metadata_bytes);
  check_meta(meta->second, text, d.file, sname);
  d.md = Metadata::parse(text, d.file);
  if (auto problem = threshold_problem(d.md, delegations.keys, role.keys, role.name)) {
    refuse(d.file + ": signature threshold not met: " + *problem + " (as " + delegator +
               " delegates it)",
           "sign " + d.file + " with enough of the keys " + delegator + " lists for " + role.name);
  }
  d.targets = parse_targets(d.md.body, d.file);
  if (d.targets.version != version) {
    refuse(d.file + " holds version " + std::to_string(d.targets.version) + ", but " + sname +
               " names version " + std::to_string(version),
           k_republish_hint);
  }
  if (options.expiry == Expiry::enforce && d.targets.expires <= options.now) {
    refuse(d.file + ": the delegated targets role " + role.name + " expired on " +
               format_rfc3339(d.targets.expires),
           "whoever holds " + role.name + "'s keys must sign it again with a later expiry");
  }
  d.delegations = parse_delegations(d.targets.delegations, d.file);
  return d;
}

// Every delegated role reachable from targets.json, depth first in the order listed (each once,
// verified with the keys of the first role that delegates to it).
void load_delegated_roles(Transport& transport, const RepoLocation& where,
                          const LoadOptions& options, const std::string& sname, LoadedRepo& repo) {
  struct Pending {
    DelegatedRole role;
    std::string delegator;
    Delegations delegations;
  };
  std::vector<Pending> stack;
  auto push_children = [&stack](const Delegations& delegations, const std::string& delegator) {
    for (auto it = delegations.roles.rbegin(); it != delegations.roles.rend(); ++it) {
      stack.push_back({*it, delegator, delegations});
    }
  };
  push_children(repo.delegations, "targets");
  std::set<std::string> seen;
  while (!stack.empty()) {
    Pending next = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(next.role.name).second) {
      continue;
    }
    if (seen.size() > k_max_delegated_roles) {
      refuse("the repository delegates to more than " + std::to_string(k_max_delegated_roles) +
                 " roles",
             "osbuild reads at most that many delegated roles");
    }
    repo.delegated.push_back(load_delegated(transport, where, options, sname, repo, next.role,
                                            next.delegator, next.delegations));
    push_children(repo.delegated.back().delegations, next.role.name);
  }
}

}  // namespace

TrustedVersions LoadedRepo::versions() const {
  TrustedVersions v{root.version, timestamp.version, snapshot.version, targets.version, {}};
  for (const auto& d : delegated) v.delegated[d.name] = d.targets.version;
  return v;
}

TrustedVersions TrustedVersions::newest(const TrustedVersions& other) const {
  TrustedVersions v{std::max(root, other.root), std::max(timestamp, other.timestamp),
                    std::max(snapshot, other.snapshot), std::max(targets, other.targets),
                    delegated};
  for (const auto& [name, version] : other.delegated) {
    v.delegated[name] = std::max(v.delegated[name], version);
  }
  return v;
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
  repo.delegations = parse_delegations(repo.targets.delegations, tname);
  load_delegated_roles(transport, where, options, sname, repo);
  return repo;
}

const TargetsRole* LoadedRepo::targets_of(const std::string& role) const {
  if (role == "targets") {
    return &targets;
  }
  for (const auto& d : delegated) {
    if (d.name == role) {
      return &d.targets;
    }
  }
  return nullptr;
}

const Delegations* LoadedRepo::delegations_of(const std::string& role) const {
  if (role == "targets") {
    return &delegations;
  }
  for (const auto& d : delegated) {
    if (d.name == role) {
      return &d.delegations;
    }
  }
  return nullptr;
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

// Streams a target through a hasher per listed algorithm it knows.
class TargetDigests {
 public:
  explicit TargetDigests(const TargetFile& t) {
    for (const auto& [algorithm, digest] : t.hashes) {
      if (algorithm == "sha256") {
        m_hashers.emplace(algorithm, Hasher(HashAlgorithm::sha256));
      } else if (algorithm == "sha512") {
        m_hashers.emplace(algorithm, Hasher(HashAlgorithm::sha512));
      }
    }
  }
  void update(std::string_view part) {
    m_length += part.size();
    for (auto& [algorithm, hasher] : m_hashers) {
      hasher.update(part);
    }
  }
  std::uint64_t length() const { return m_length; }
  // Checks the length and every known hash against `t`, listed in `listed_in`.
  void check(const std::string& name, const TargetFile& t, const std::string& listed_in) {
    if (m_length != t.length) {
      refuse("target " + name + " is " + std::to_string(m_length) + " bytes, but " + listed_in +
                 " records " + std::to_string(t.length),
             k_republish_hint);
    }
    for (auto& [algorithm, hasher] : m_hashers) {
      std::string actual = hasher.hex_digest();
      const std::string& expected = t.hashes.at(algorithm);
      if (actual != expected) {
        refuse("target " + name + " has " + algorithm + " " + actual + ", but " + listed_in +
                   " records " + expected + " (a tampered or corrupt target)",
               k_republish_hint);
      }
    }
  }

 private:
  std::map<std::string, Hasher> m_hashers;
  std::uint64_t m_length = 0;
};

// The names a target may be stored under: its plain name, or with consistent snapshots
// "<hash>.<name>" for each hash listed (spec §5.7.3: "one of the hashes").
std::vector<std::string> target_urls(const RepoLocation& where, const std::string& name,
                                     const TargetFile& t, Layout layout) {
  if (layout == Layout::plain) {
    return {join_url(where.targets_url, name)};
  }
  std::vector<std::string> urls;
  for (const auto& [algorithm, digest] : t.hashes) {
    urls.push_back(join_url(where.targets_url, consistent_target_path(name, digest)));
  }
  return urls;
}

// Downloads one target, checking its length and hashes; `sink` sees the bytes as they come.
std::uint64_t fetch_target(Transport& transport, const RepoLocation& where,
                           const std::string& name, const TargetFile& t, Layout layout,
                           const std::string& listed_in,
                           const std::function<void(std::string_view)>& sink) {
  require_known_hash(t.hashes, "target " + name, listed_in);
  std::vector<std::string> urls = target_urls(where, name, t, layout);
  for (const auto& url : urls) {
    TargetDigests digests(t);
    // One byte over the recorded length is enough to know it is wrong.
    auto status = transport.fetch(url, t.length + 1, [&](std::string_view part) {
      digests.update(part);
      if (sink) {
        sink(part);
      }
    });
    if (status == FetchStatus::ok) {
      digests.check(name, t, listed_in);
      return digests.length();
    }
  }
  refuse("target " + name + " is missing: " + urls.front() + " does not exist" +
             (urls.size() > 1 ? " (nor under its other hashes)" : ""),
         k_republish_hint);
}

// A role's metadata as the snapshot names it ("targets.json", "apps.json").
std::string role_file_name(const std::string& role) {
  return role + ".json";
}

}  // namespace

std::optional<FoundTarget> find_target(const LoadedRepo& repo, const std::string& name) {
  std::vector<std::string> to_visit{"targets"};
  std::set<std::string> visited;
  while (!to_visit.empty() && visited.size() <= k_max_lookup_roles) {
    std::string role = to_visit.back();
    to_visit.pop_back();
    if (visited.count(role)) {
      continue;
    }
    const TargetsRole* targets = repo.targets_of(role);
    if (targets == nullptr) {
      continue;
    }
    auto it = targets->targets.find(name);
    if (it != targets->targets.end()) {
      return FoundTarget{role, &it->second};
    }
    visited.insert(role);
    std::vector<std::string> children;
    for (const auto& child : repo.delegations_of(role)->roles) {
      if (!child.matches(name)) {
        continue;
      }
      children.push_back(child.name);
      if (child.terminating) {
        to_visit.clear();
        break;
      }
    }
    to_visit.insert(to_visit.end(), children.rbegin(), children.rend());
  }
  return std::nullopt;
}

TargetCheck verify_targets(Transport& transport, const RepoLocation& where, const LoadedRepo& repo,
                           const std::function<void(const std::string&)>& progress) {
  // Every name any role lists, with the first role listing it (top-level first, then preorder).
  std::vector<std::pair<std::string, std::string>> listed;
  std::set<std::string> names;
  auto collect = [&](const TargetsRole& role, const std::string& role_name) {
    for (const auto& [name, t] : role.targets) {
      if (names.insert(name).second) {
        listed.emplace_back(name, role_name);
      }
    }
  };
  collect(repo.targets, "targets");
  for (const auto& d : repo.delegated) {
    collect(d.targets, d.name);
  }
  TargetCheck check;
  Layout layout = layout_of(repo.root);
  for (const auto& [name, lister] : listed) {
    if (progress) {
      progress(name);
    }
    auto found = find_target(repo, name);
    if (!found) {
      refuse("target " + name + ", listed in " + role_file_name(lister) +
                 ", is not found by a client's lookup: no role a lookup visits lists it",
             "a lookup walks the delegations depth first in the order listed, into roles whose "
             "paths or path_hash_prefixes match the name, and stops at a terminating role; move " +
                 name + " to a role that lookup reaches, or fix the delegation");
    }
    check.bytes += fetch_target(transport, where, name, *found->file, layout,
                                role_file_name(found->role), {});
    ++check.count;
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
  std::string body;
  fetch_target(transport, where, name, it->second, layout, "targets.json",
               [&body](std::string_view part) { body.append(part); });
  return body;
}

void download_target(Transport& transport, const RepoLocation& where, const LoadedRepo& repo,
                     const std::string& name, const std::filesystem::path& dest) {
  auto found = find_target(repo, name);
  if (!found) {
    refuse("the repository lists no target " + name + " that a client's lookup finds",
           k_republish_hint);
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(dest.c_str(), "wb"), std::fclose);
  if (!out) {
    throw Error("cannot write " + dest.string() + ": " + std::strerror(errno));
  }
  try {
    fetch_target(transport, where, name, *found->file, layout_of(repo.root),
                 role_file_name(found->role), [&](std::string_view part) {
                   if (std::fwrite(part.data(), 1, part.size(), out.get()) != part.size()) {
                     throw Error("cannot write " + dest.string() + ": " + std::strerror(errno));
                   }
                 });
    if (std::fflush(out.get()) != 0) {
      throw Error("cannot write " + dest.string() + ": " + std::strerror(errno));
    }
  } catch (...) {
    out.reset();
    std::error_code ec;
    std::filesystem::remove(dest, ec);
    throw;
  }
}

}  // namespace osbuild::repo
