// osbuild.lock and osbuild.override.toml (docs/kits.md).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "config/checks.h"
#include "config/loaders.h"
#include "osbuild/config/kits.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"

namespace osbuild::config {

using detail::FileRef;
using detail::TableReader;

namespace {

constexpr std::int64_t k_lock_schema = 1;

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

KitDependency read_dependency(const toml::table& table, const FileRef& file) {
  TableReader t(table, file, "kits",
                {{"name", "\"base-kit\""}, {"version", "\"^1.0\""}, {"vendor", "\"local\""}});
  return {t.require_string("name"), t.require_string("version"), t.require_string("vendor")};
}

// The tag at the end of a source: "host/repo:v1.2.0" → "v1.2.0"; empty when there is none.
std::string source_tag(std::string_view source) {
  auto colon = source.rfind(':');
  auto slash = source.rfind('/');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    return {};
  }
  return std::string(source.substr(colon + 1));
}

LockedKit read_locked_kit(const toml::table& table, const FileRef& file) {
  TableReader t(table, file, "[[kit]]",
                {{"name", "\"core-kit\""},
                 {"version", "\"2.1.0\""},
                 {"vendor", "\"local\""},
                 {"source", "\"127.0.0.1:5000/osbuild/core-kit:v2.1.0\""},
                 {"digest", "\"sha256:…\""},
                 {"kits", "[{ name = \"base-kit\", version = \"^1.0\", vendor = \"local\" }]"}});
  LockedKit kit;
  kit.where = t.where();
  kit.name = t.require_string("name");
  kit.version = t.require_string("version");
  if (!parse_version(kit.version).ok()) {
    t.fail("version", "kit '" + kit.name + "': '" + kit.version + "' is not a semantic version",
           "run `osbuild update` to rewrite osbuild.lock");
  }
  kit.vendor = t.require_string("vendor");
  kit.source = t.require_string("source");
  kit.digest = t.require_string("digest");
  for (const toml::table* dep : t.get_table_array("kits")) {
    kit.kits.push_back(read_dependency(*dep, file));
  }
  // twoliter #450: a lock edited by hand (or merged badly) can name one version and pull another.
  std::string tag = source_tag(kit.source);
  if (tag != "v" + kit.version) {
    throw Error(fmt::format("{}: kit {}: version {} disagrees with its source {} (tag {})",
                            t.where("source").str(), kit.name, kit.version, kit.source,
                            tag.empty() ? "missing" : tag),
                "run `osbuild update` to rewrite osbuild.lock; never edit it by hand",
                ExitCode::verification);
  }
  return kit;
}

void warn_once(const std::string& message) {
  static std::set<std::string> said;
  if (said.insert(message).second) std::fprintf(stderr, "osbuild: warning: %s\n", message.c_str());
}

}  // namespace

const LockedKit* Lock::find(std::string_view name) const {
  for (const auto& k : kits) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string render_lock(const Lock& lock) {
  std::vector<const LockedKit*> kits;
  for (const auto& k : lock.kits) kits.push_back(&k);
  std::sort(kits.begin(), kits.end(),
            [](const LockedKit* a, const LockedKit* b) { return a->name < b->name; });
  std::string out =
      "# Written by `osbuild update`: the exact kits this project builds with. Do not edit.\n"
      "schema-version = 1\n";
  for (const auto* e : kits) {
    out +=
        fmt::format("\n[[kit]]\nname = {}\nversion = {}\nvendor = {}\nsource = {}\ndigest = {}\n",
                    toml_string(e->name), toml_string(e->version), toml_string(e->vendor),
                    toml_string(e->source), toml_string(e->digest));
    if (!e->kits.empty()) {
      std::vector<std::string> deps;
      for (const auto& d : e->kits) {
        deps.push_back(fmt::format("{{ name = {}, version = {}, vendor = {} }}",
                                   toml_string(d.name), toml_string(d.version),
                                   toml_string(d.vendor)));
      }
      out += "kits = [" + join(deps, ", ") + "]\n";
    }
  }
  return out;
}

namespace {

Lock parse_lock_file(std::string_view text, const FileRef& file) {
  const fs::path& path = file.absolute;
  toml::table root = detail::parse_toml(text, file);
  TableReader t(root, file, "",
                {{"schema-version", "1"}, {"kit", "[[kit]] with name, version, vendor, source"}});
  auto schema = t.get_integer("schema-version", INT32_MIN, INT32_MAX);
  if (schema && *schema != k_lock_schema) {
    t.fail("schema-version",
           fmt::format("unsupported schema-version {}: this osbuild reads schema-version {}",
                       *schema, k_lock_schema),
           "run `osbuild update` to rewrite osbuild.lock");
  }
  Lock lock;
  lock.path = path;
  for (const toml::table* table : t.get_table_array("kit")) {
    LockedKit kit = read_locked_kit(*table, file);
    if (lock.find(kit.name) != nullptr) {
      detail::fail_at(kit.where, "kit '" + kit.name + "' is locked twice",
                      "run `osbuild update` to rewrite osbuild.lock");
    }
    lock.kits.push_back(std::move(kit));
  }
  return lock;
}

}  // namespace

Lock parse_lock(std::string_view text, const fs::path& path) {
  return parse_lock_file(text, FileRef::as_given(path));
}

std::optional<Lock> read_lock(const fs::path& root) {
  FileRef file = FileRef::in_project(root, k_lock_file);
  if (!fs::exists(file.absolute)) return std::nullopt;
  return parse_lock_file(read_file_or_throw(file.absolute), file);
}

std::vector<std::string> lock_problems(const ProjectFile& file, const Lock& lock) {
  std::vector<std::string> problems;
  std::set<std::string> wanted;  // kits osbuild.toml reaches, directly or through other kits
  std::vector<std::string> todo;
  for (const auto& req : file.kits) {
    const LockedKit* locked = lock.find(req.name);
    if (locked == nullptr) {
      problems.push_back(
          fmt::format("kit {} ({}) is not in osbuild.lock", req.name, req.where.str()));
      continue;
    }
    if (locked->vendor != req.vendor) {
      problems.push_back(
          fmt::format("kit {}: osbuild.toml ({}) says vendor \"{}\", osbuild.lock "
                      "has \"{}\"",
                      req.name, req.where.str(), req.vendor, locked->vendor));
    }
    auto version = parse_version(locked->version);
    if (version.ok() && !req.version.matches(version.value())) {
      problems.push_back(fmt::format("kit {}: locked version {} does not meet \"{}\" ({})",
                                     req.name, locked->version, req.version.str(),
                                     req.where.str()));
    }
    todo.push_back(req.name);
  }
  while (!todo.empty()) {
    std::string name = todo.back();
    todo.pop_back();
    if (!wanted.insert(name).second) continue;
    const LockedKit* locked = lock.find(name);
    if (locked == nullptr) continue;
    for (const auto& dep : locked->kits) {
      const LockedKit* target = lock.find(dep.name);
      auto req = VersionReq::parse(dep.version);
      if (target == nullptr) {
        problems.push_back(fmt::format("kit {} (required by {} {}) is not in osbuild.lock",
                                       dep.name, name, locked->version));
      } else if (auto v = parse_version(target->version);
                 req.ok() && v.ok() && !req.value().matches(v.value())) {
        problems.push_back(
            fmt::format("kit {}: locked version {} does not meet \"{}\" (required "
                        "by {} {})",
                        dep.name, target->version, dep.version, name, locked->version));
      }
      todo.push_back(dep.name);
    }
  }
  for (const auto& locked : lock.kits) {
    if (wanted.count(locked.name) == 0) {
      problems.push_back(
          fmt::format("kit {} is in osbuild.lock ({}) but osbuild.toml no longer "
                      "requires it",
                      locked.name, locked.where.str()));
    }
  }
  return problems;
}

std::optional<Lock> load_lock(const Project& project, LockCheck check) {
  auto lock = read_lock(project.root);
  if (!lock) {
    if (check == LockCheck::refuse && !project.file.kits.empty()) {
      throw Error(fmt::format("--locked: osbuild.toml requires {} kit(s) but there is no "
                              "osbuild.lock in {}",
                              project.file.kits.size(), project.root.string()),
                  "run `osbuild update` and commit osbuild.lock", ExitCode::verification);
    }
    return lock;
  }
  auto problems = lock_problems(project.file, *lock);
  if (problems.empty()) return lock;
  if (check == LockCheck::refuse) {
    throw Error("--locked: osbuild.lock does not match osbuild.toml:\n  " + join(problems, "\n  "),
                "run `osbuild update` and commit the new osbuild.lock", ExitCode::verification);
  }
  warn_once("osbuild.lock does not match osbuild.toml (" + join(problems, "; ") +
            "); run `osbuild update`");
  return lock;
}

// ---- osbuild.override.toml -----------------------------------------------------------------

std::string Overrides::summary() const {
  std::vector<std::string> parts;
  for (const auto& [name, o] : vendors) {
    parts.push_back(fmt::format("vendor {} → {}", name, o.registry.value_or("?")));
  }
  for (const auto& [name, o] : kits) {
    std::string to;
    if (o.name) to = *o.name;
    if (o.registry) to += (to.empty() ? "" : " at ") + *o.registry;
    parts.push_back(fmt::format("kit {} → {}", name, to));
  }
  return join(parts, ", ");
}

namespace {

Overrides parse_override_file(std::string_view text, const FileRef& file) {
  const fs::path& path = file.absolute;
  toml::table root = detail::parse_toml(text, file);
  TableReader t(root, file, "",
                {{"vendor", "[vendor.local] with registry = \"127.0.0.1:5001/test\""},
                 {"kit", "[kit.greet-kit] with name = \"my-greet-kit\""}});
  Overrides o;
  o.path = path;
  auto check_registry = [](const TableReader& r, const std::optional<std::string>& registry) {
    if (registry && registry->find("://") != std::string::npos) {
      r.fail("registry", "registry '" + *registry + "' must not start with a URL scheme",
             "write host[:port]/path, e.g. registry = \"127.0.0.1:5001/test\"");
    }
  };
  detail::for_each_named_table(
      t, "vendor", file, detail::IdentifierKind::name,
      [&](const std::string& name, const toml::table& v, const SourceLocation& at) {
        TableReader r(v, file, "[vendor." + name + "]", {{"registry", "\"127.0.0.1:5001/test\""}});
        RegistryOverride entry{r.require_string("registry"), std::nullopt, at};
        check_registry(r, entry.registry);
        o.vendors.emplace(name, std::move(entry));
      });
  detail::for_each_named_table(
      t, "kit", file, detail::IdentifierKind::name,
      [&](const std::string& name, const toml::table& k, const SourceLocation& at) {
        TableReader r(k, file, "[kit." + name + "]",
                      {{"name", "\"my-greet-kit\""}, {"registry", "\"127.0.0.1:5001/test\""}});
        RegistryOverride entry{r.get_string("registry"), r.get_string("name"), at};
        if (!entry.registry && !entry.name) {
          r.fail("name", "[kit." + name + "] overrides nothing",
                 "give name = \"other-name\" or registry = \"host:port/path\", or remove it");
        }
        if (entry.name) {
          detail::check_identifier(*entry.name, detail::IdentifierKind::name, "kit name",
                                   r.where("name"));
        }
        check_registry(r, entry.registry);
        o.kits.emplace(name, std::move(entry));
      });
  return o;
}

}  // namespace

Overrides parse_overrides(std::string_view text, const fs::path& path) {
  return parse_override_file(text, FileRef::as_given(path));
}

std::optional<Overrides> read_overrides(const fs::path& root) {
  FileRef file = FileRef::in_project(root, k_override_file);
  if (!fs::exists(file.absolute)) return std::nullopt;
  return parse_override_file(read_file_or_throw(file.absolute), file);
}

}  // namespace osbuild::config
