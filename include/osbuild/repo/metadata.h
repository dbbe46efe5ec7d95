#pragma once
// TUF 1.0 metadata: the four top-level roles, their canonical form, signing and threshold checks.
// Files keep the signed part as JSON so that what was read is what is verified.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/repo/keys.h"
#include "osbuild/util/error.h"
#include "osbuild/util/json.h"

namespace osbuild::repo {

// OLPC canonical JSON as TUF signs it: sorted keys, no white space, strings escaping only `"` and
// `\`, integers only (a float throws). util's canonical_json escapes control characters as JSON
// does, which would change what a signature covers.
std::string tuf_canonical_json(const Json& value);

inline constexpr std::string_view k_spec_version = "1.0.0";

enum class Role { root, targets, snapshot, timestamp };
std::string_view role_name(Role role);
inline constexpr Role k_roles[] = {Role::root, Role::targets, Role::snapshot, Role::timestamp};
Result<Role> parse_role(std::string_view text);

using Time = std::chrono::sys_seconds;

struct Signature {
  std::string keyid;
  std::string sig;  // lowercase hex
};

// One metadata file: {"signatures": [...], "signed": {...}}.
struct Metadata {
  Json body;  // the "signed" object
  std::vector<Signature> signatures;

  // Parses a file; `origin` names it in messages.
  static Metadata parse(std::string_view text, const std::string& origin);
  std::string to_file() const;  // pretty-printed JSON and a newline
  // Adds (or replaces) the signature of `key` over the canonical body.
  void sign(const SigningKey& key);
  std::string canonical_body() const { return tuf_canonical_json(body); }
};

struct RoleKeys {
  std::vector<std::string> keyids;
  std::uint32_t threshold = 1;
};

// The fields every role has.
struct Common {
  std::uint64_t version = 1;
  Time expires{};
};

struct RootRole : Common {
  bool consistent_snapshot = true;
  std::map<std::string, PublicKey> keys;  // by key id
  std::map<Role, RoleKeys> roles;
  Json to_json() const;
};

struct TargetFile {
  std::uint64_t length = 0;
  std::map<std::string, std::string> hashes;  // "sha256" → hex
  Json custom;                                // null when absent
  const std::string& sha256() const;          // throws when absent
};

struct TargetsRole : Common {
  std::map<std::string, TargetFile> targets;
  Json delegations;  // kept as read; osbuild writes none
  Json to_json() const;
};

// One role a targets role delegates to (spec §2.2.2 "delegations").
struct DelegatedRole {
  std::string name;
  RoleKeys keys;
  bool terminating = false;
  // Exactly one of the two is set: shell-style patterns ('*' and '?' within one path part, the
  // parts split on '/'), or hex prefixes of the sha256 of the target path (hash-bin roles).
  std::vector<std::string> paths;
  std::vector<std::string> path_hash_prefixes;
  // Whether a lookup of `target` may descend into this role.
  bool matches(const std::string& target) const;
};

struct Delegations {
  std::map<std::string, PublicKey> keys;  // by key id
  std::vector<DelegatedRole> roles;       // in the order listed, the order of trust
};

// The typed view of a targets role's "delegations" (null: none); `origin` names the file.
Delegations parse_delegations(const Json& delegations, const std::string& origin);

struct MetaFile {
  std::uint64_t version = 1;
  std::optional<std::uint64_t> length;
  std::map<std::string, std::string> hashes;
};

struct SnapshotRole : Common {
  std::map<std::string, MetaFile> meta;  // "targets.json" → …
  Json to_json() const;
};

struct TimestampRole : Common {
  MetaFile snapshot;  // meta["snapshot.json"]
  Json to_json() const;
};

// Typed views of a body; each checks "_type" and the fields TUF requires, naming `origin`.
RootRole parse_root(const Json& body, const std::string& origin);
TargetsRole parse_targets(const Json& body, const std::string& origin);
SnapshotRole parse_snapshot(const Json& body, const std::string& origin);
TimestampRole parse_timestamp(const Json& body, const std::string& origin);

// The distinct keys of `role` in `root` with a valid signature over the body.
std::size_t valid_signatures(const Metadata& metadata, const RootRole& root, Role role);

// Counts the distinct keys of `role` in `root` whose signature over the body verifies, and says
// why the threshold is not met (nullopt when it is).
std::optional<std::string> threshold_problem(const Metadata& metadata, const RootRole& root,
                                             Role role);

// The same for any role given its keys: a delegated role is checked against the keys and threshold
// its delegator lists. `role` names it in the message.
std::optional<std::string> threshold_problem(const Metadata& metadata,
                                             const std::map<std::string, PublicKey>& keys,
                                             const RoleKeys& role_keys, std::string_view role);

// A MetaFile describing the bytes of a metadata file.
MetaFile describe(std::uint64_t version, std::string_view file_bytes);

}  // namespace osbuild::repo
