// TUF metadata: canonical form, files, typed views of the four roles, signature thresholds.
#include "osbuild/repo/metadata.h"

#include <fnmatch.h>

#include <cstdio>
#include <set>

#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"

namespace osbuild::repo {

namespace {

void canonical_string(const std::string& text, std::string& out) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
}

void canonical(const Json& value, std::string& out) {
  switch (value.type()) {
    case Json::value_t::null:
      out += "null";
      break;
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      break;
    case Json::value_t::number_integer:
      out += std::to_string(value.get<std::int64_t>());
      break;
    case Json::value_t::number_unsigned:
      out += std::to_string(value.get<std::uint64_t>());
      break;
    case Json::value_t::string:
      canonical_string(value.get_ref<const std::string&>(), out);
      break;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        out += first ? "" : ",";
        first = false;
        canonical(item, out);
      }
      out += ']';
      break;
    }
    case Json::value_t::object: {
      // nlohmann keeps objects in a std::map: keys come out in byte order.
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        out += first ? "" : ",";
        first = false;
        canonical_string(key, out);
        out += ':';
        canonical(item, out);
      }
      out += '}';
      break;
    }
    default:
      throw Error("canonical JSON has no floating-point numbers or binary values",
                  "write metadata with integers only");
  }
}

[[noreturn]] void bad(const std::string& origin, const std::string& what) {
  throw Error(origin + ": " + what,
              "the file is not valid TUF metadata; republish it with osbuild repo",
              ExitCode::verification);
}

const Json& field(const Json& body, const char* name, const std::string& origin) {
  if (!body.is_object() || !body.contains(name)) {
    bad(origin, std::string("missing field '") + name + "'");
  }
  return body[name];
}

std::uint64_t uint_field(const Json& body, const char* name, const std::string& origin) {
  const Json& v = field(body, name, origin);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    bad(origin, std::string("'") + name + "' must be a whole number");
  }
  return v.get<std::uint64_t>();
}

std::string string_field(const Json& body, const char* name, const std::string& origin) {
  const Json& v = field(body, name, origin);
  if (!v.is_string()) {
    bad(origin, std::string("'") + name + "' must be a string");
  }
  return v.get<std::string>();
}

Common parse_common(const Json& body, std::string_view type, const std::string& origin) {
  std::string actual = string_field(body, "_type", origin);
  if (actual != type) {
    bad(origin, "expected _type '" + std::string(type) + "', found '" + actual + "'");
  }
  std::string spec = string_field(body, "spec_version", origin);
  if (!spec.starts_with("1.")) {
    bad(origin, "spec_version '" + spec + "' is not TUF 1.x");
  }
  Common c;
  c.version = uint_field(body, "version", origin);
  if (c.version == 0) {
    bad(origin, "'version' must be at least 1");
  }
  auto expires = parse_rfc3339(string_field(body, "expires", origin));
  if (!expires) {
    bad(origin, "'expires': " + expires.error());
  }
  c.expires = expires.value();
  return c;
}

Json common_json(const Common& c, std::string_view type) {
  return Json{{"_type", type},
              {"spec_version", k_spec_version},
              {"version", c.version},
              {"expires", format_rfc3339(c.expires)}};
}

std::map<std::string, std::string> parse_hashes(const Json& v, const std::string& origin) {
  std::map<std::string, std::string> hashes;
  if (!v.is_object() || v.empty()) {
    bad(origin, "'hashes' must be an object of algorithm → hex digest");
  }
  for (const auto& [algorithm, digest] : v.items()) {
    if (!digest.is_string()) {
      bad(origin, "hash '" + algorithm + "' must be a string");
    }
    hashes[algorithm] = digest.get<std::string>();
  }
  return hashes;
}

MetaFile parse_meta_file(const Json& v, const std::string& origin) {
  MetaFile m;
  m.version = uint_field(v, "version", origin);
  if (v.contains("length")) {
    m.length = uint_field(v, "length", origin);
  }
  if (v.contains("hashes")) {
    m.hashes = parse_hashes(v["hashes"], origin);
  }
  return m;
}

Json meta_file_json(const MetaFile& m) {
  Json j{{"version", m.version}};
  if (m.length) {
    j["length"] = *m.length;
  }
  if (!m.hashes.empty()) {
    j["hashes"] = m.hashes;
  }
  return j;
}

}  // namespace

std::string tuf_canonical_json(const Json& value) {
  std::string out;
  canonical(value, out);
  return out;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::root:
      return "root";
    case Role::targets:
      return "targets";
    case Role::snapshot:
      return "snapshot";
    case Role::timestamp:
      return "timestamp";
  }
  return "root";
}

Result<Role> parse_role(std::string_view text) {
  for (Role r : k_roles) {
    if (role_name(r) == text) {
      return r;
    }
  }
  return Failure{"unknown role '" + std::string(text) +
                 "': expected root, targets, snapshot or timestamp"};
}

Metadata Metadata::parse(std::string_view text, const std::string& origin) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    bad(origin, "not a JSON object");
  }
  Metadata m;
  m.body = field(doc, "signed", origin);
  if (!m.body.is_object()) {
    bad(origin, "'signed' must be an object");
  }
  const Json& sigs = field(doc, "signatures", origin);
  if (!sigs.is_array()) {
    bad(origin, "'signatures' must be a list");
  }
  for (const auto& s : sigs) {
    m.signatures.push_back({string_field(s, "keyid", origin), string_field(s, "sig", origin)});
  }
  return m;
}

std::string Metadata::to_file() const {
  Json sigs = Json::array();
  for (const auto& s : signatures) {
    sigs.push_back({{"keyid", s.keyid}, {"sig", s.sig}});
  }
  Json doc{{"signed", body}, {"signatures", sigs}};
  return doc.dump(2, ' ', false, Json::error_handler_t::strict) + "\n";
}

void Metadata::sign(const SigningKey& key) {
  std::string raw = key.sign(canonical_body());
  std::string hex = to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  for (auto& s : signatures) {
    if (s.keyid == key.key_id()) {
      s.sig = hex;
      return;
    }
  }
  signatures.push_back({key.key_id(), hex});
}

const std::string& TargetFile::sha256() const {
  auto it = hashes.find("sha256");
  if (it == hashes.end()) {
    throw Error("target has no sha256 hash", "", ExitCode::verification);
  }
  return it->second;
}

Json RootRole::to_json() const {
  Json j = common_json(*this, "root");
  j["consistent_snapshot"] = consistent_snapshot;
  j["keys"] = Json::object();
  for (const auto& [id, key] : keys) {
    j["keys"][id] = key.to_json();
  }
  j["roles"] = Json::object();
  for (const auto& [role, rk] : roles) {
    j["roles"][std::string(role_name(role))] = {{"keyids", rk.keyids}, {"threshold", rk.threshold}};
  }
  return j;
}

RootRole parse_root(const Json& body, const std::string& origin) {
  RootRole r;
  static_cast<Common&>(r) = parse_common(body, "root", origin);
  const Json& cs = field(body, "consistent_snapshot", origin);
  if (!cs.is_boolean()) {
    bad(origin, "'consistent_snapshot' must be true or false");
  }
  r.consistent_snapshot = cs.get<bool>();
  for (const auto& [id, key] : field(body, "keys", origin).items()) {
    auto parsed = PublicKey::from_json(key);
    if (!parsed) {
      bad(origin, "key " + id + ": " + parsed.error());
    }
    r.keys[id] = parsed.value();
  }
  const Json& roles = field(body, "roles", origin);
  for (Role role : k_roles) {
    std::string name(role_name(role));
    const Json& entry = field(roles, name.c_str(), origin + " roles");
    RoleKeys rk;
    rk.threshold = static_cast<std::uint32_t>(uint_field(entry, "threshold", origin));
    if (rk.threshold == 0) {
      bad(origin, "role " + name + " has threshold 0");
    }
    for (const auto& id : field(entry, "keyids", origin)) {
      rk.keyids.push_back(id.get<std::string>());
    }
    r.roles[role] = rk;
  }
  return r;
}

Json TargetsRole::to_json() const {
  Json j = common_json(*this, "targets");
  j["targets"] = Json::object();
  for (const auto& [name, t] : targets) {
    Json entry{{"length", t.length}, {"hashes", t.hashes}};
    if (!t.custom.is_null()) {
      entry["custom"] = t.custom;
    }
    j["targets"][name] = entry;
  }
  if (!delegations.is_null()) {
    j["delegations"] = delegations;
  }
  return j;
}

TargetsRole parse_targets(const Json& body, const std::string& origin) {
  TargetsRole t;
  static_cast<Common&>(t) = parse_common(body, "targets", origin);
  for (const auto& [name, entry] : field(body, "targets", origin).items()) {
    TargetFile f;
    f.length = uint_field(entry, "length", origin + " target " + name);
    f.hashes = parse_hashes(field(entry, "hashes", origin), origin + " target " + name);
    if (entry.contains("custom")) {
      f.custom = entry["custom"];
    }
    t.targets[name] = std::move(f);
  }
  if (body.contains("delegations")) {
    t.delegations = body["delegations"];
  }
  return t;
}

namespace {

std::vector<std::string> string_list(const Json& v, const char* name, const std::string& origin) {
  std::vector<std::string> out;
  if (!v.is_array()) {
    bad(origin, std::string("'") + name + "' must be a list of strings");
  }
  for (const auto& item : v) {
    if (!item.is_string()) {
      bad(origin, std::string("'") + name + "' must be a list of strings");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

DelegatedRole parse_delegated_role(const Json& entry, const std::string& origin) {
  DelegatedRole d;
  d.name = string_field(entry, "name", origin);
  std::string where = origin + " delegated role " + d.name;
  for (Role top : k_roles) {
    if (d.name == role_name(top)) {
      bad(where, "a delegated role may not take a top-level role's name");
    }
  }
  if (d.name.empty() || d.name.find('/') != std::string::npos || d.name.starts_with(".")) {
    bad(where, "a delegated role's name must be a plain file name");
  }
  d.keys.threshold = static_cast<std::uint32_t>(uint_field(entry, "threshold", where));
  if (d.keys.threshold == 0) {
    bad(where, "threshold must be at least 1");
  }
  d.keys.keyids = string_list(field(entry, "keyids", where), "keyids", where);
  const Json& terminating = field(entry, "terminating", where);
  if (!terminating.is_boolean()) {
    bad(where, "'terminating' must be true or false");
  }
  d.terminating = terminating.get<bool>();
  bool has_paths = entry.contains("paths");
  bool has_prefixes = entry.contains("path_hash_prefixes");
  if (has_paths == has_prefixes) {
    bad(where, "exactly one of 'paths' and 'path_hash_prefixes' must be given");
  }
  if (has_paths) {
    d.paths = string_list(entry["paths"], "paths", where);
  } else {
    d.path_hash_prefixes = string_list(entry["path_hash_prefixes"], "path_hash_prefixes", where);
  }
  return d;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash - start));
    if (slash == std::string::npos) {
      return parts;
    }
    start = slash + 1;
  }
}

// One path part against one pattern part with fnmatch(3): '*' any run of characters within the
// part, '?' one character, '[...]' a set. Parts are split on '/' first, so '*' never crosses one.
bool part_matches(const std::string& part, const std::string& pattern) {
  return fnmatch(pattern.c_str(), part.c_str(), 0) == 0;
}

bool pattern_matches(const std::string& target, const std::string& pattern) {
  auto target_parts = split_path(target);
  auto pattern_parts = split_path(pattern);
  if (target_parts.size() != pattern_parts.size()) {
    return false;
  }
  for (std::size_t i = 0; i < target_parts.size(); ++i) {
    if (!part_matches(target_parts[i], pattern_parts[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool DelegatedRole::matches(const std::string& target) const {
  for (const auto& pattern : paths) {
    if (pattern_matches(target, pattern)) {
      return true;
    }
  }
  if (path_hash_prefixes.empty()) {
    return false;
  }
  std::string hash = sha256_hex(target);
  for (const auto& prefix : path_hash_prefixes) {
    if (hash.starts_with(prefix)) {
      return true;
    }
  }
  return false;
}

Delegations parse_delegations(const Json& delegations, const std::string& origin) {
  Delegations d;
  if (delegations.is_null()) {
    return d;
  }
  std::string where = origin + " delegations";
  if (!delegations.is_object()) {
    bad(where, "must be an object");
  }
  if (delegations.contains("succinct_roles")) {
    throw Error(where + ": succinct_roles (TAP 15 hash bins) are not supported",
                "list the hash-bin roles with path_hash_prefixes instead", ExitCode::verification);
  }
  for (const auto& [id, key] : field(delegations, "keys", where).items()) {
    auto parsed = PublicKey::from_json(key);
    if (!parsed) {
      bad(where, "key " + id + ": " + parsed.error());
    }
    d.keys[id] = parsed.value();
  }
  const Json& roles = field(delegations, "roles", where);
  if (!roles.is_array()) {
    bad(where, "'roles' must be a list");
  }
  std::set<std::string> names;
  for (const auto& entry : roles) {
    DelegatedRole role = parse_delegated_role(entry, where);
    if (!names.insert(role.name).second) {
      bad(where, "role " + role.name + " is listed twice");
    }
    d.roles.push_back(std::move(role));
  }
  return d;
}

Json SnapshotRole::to_json() const {
  Json j = common_json(*this, "snapshot");
  j["meta"] = Json::object();
  for (const auto& [name, m] : meta) {
    j["meta"][name] = meta_file_json(m);
  }
  return j;
}

SnapshotRole parse_snapshot(const Json& body, const std::string& origin) {
  SnapshotRole s;
  static_cast<Common&>(s) = parse_common(body, "snapshot", origin);
  for (const auto& [name, entry] : field(body, "meta", origin).items()) {
    s.meta[name] = parse_meta_file(entry, origin + " meta " + name);
  }
  return s;
}

Json TimestampRole::to_json() const {
  Json j = common_json(*this, "timestamp");
  j["meta"] = {{"snapshot.json", meta_file_json(snapshot)}};
  return j;
}

TimestampRole parse_timestamp(const Json& body, const std::string& origin) {
  TimestampRole t;
  static_cast<Common&>(t) = parse_common(body, "timestamp", origin);
  const Json& meta = field(body, "meta", origin);
  t.snapshot = parse_meta_file(field(meta, "snapshot.json", origin + " meta"),
                               origin + " meta snapshot.json");
  return t;
}

namespace {

struct SignatureCount {
  std::size_t valid = 0;
  std::size_t bad = 0;
};

SignatureCount count_signatures(const Metadata& metadata,
                                const std::map<std::string, PublicKey>& keys, const RoleKeys& rk) {
  std::set<std::string> allowed(rk.keyids.begin(), rk.keyids.end());
  std::set<std::string> good;
  std::string message = metadata.canonical_body();
  SignatureCount count;
  for (const auto& s : metadata.signatures) {
    auto key = keys.find(s.keyid);
    if (!allowed.count(s.keyid) || key == keys.end() || good.count(s.keyid)) {
      continue;
    }
    std::string raw;
    bool hex_ok = s.sig.size() % 2 == 0;
    for (std::size_t i = 0; hex_ok && i < s.sig.size(); i += 2) {
      unsigned value = 0;
      hex_ok = std::sscanf(s.sig.c_str() + i, "%2x", &value) == 1;
      raw += static_cast<char>(value);
    }
    if (hex_ok && verify_signature(key->second, message, raw)) {
      good.insert(s.keyid);
    } else {
      ++count.bad;
    }
  }
  count.valid = good.size();
  return count;
}

}  // namespace

std::size_t valid_signatures(const Metadata& metadata, const RootRole& root, Role role) {
  return count_signatures(metadata, root.keys, root.roles.at(role)).valid;
}

std::optional<std::string> threshold_problem(const Metadata& metadata, const RootRole& root,
                                             Role role) {
  return threshold_problem(metadata, root.keys, root.roles.at(role), role_name(role));
}

std::optional<std::string> threshold_problem(const Metadata& metadata,
                                             const std::map<std::string, PublicKey>& keys,
                                             const RoleKeys& role_keys, std::string_view role) {
  SignatureCount count = count_signatures(metadata, keys, role_keys);
  std::uint32_t threshold = role_keys.threshold;
  if (count.valid >= threshold) {
    return std::nullopt;
  }
  std::string why = std::to_string(count.valid) + " valid signature" +
                    (count.valid == 1 ? "" : "s") + " from the " + std::string(role) +
                    " role's keys, threshold " + std::to_string(threshold);
  if (count.bad > 0) {
    why += " (" + std::to_string(count.bad) + " bad signature" + (count.bad == 1 ? "" : "s") + ")";
  }
  return why;
}

MetaFile describe(std::uint64_t version, std::string_view file_bytes) {
  MetaFile m;
  m.version = version;
  m.length = file_bytes.size();
  m.hashes["sha256"] = sha256_hex(file_bytes);
  return m;
}

}  // namespace osbuild::repo
