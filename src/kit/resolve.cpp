// osbuild update: [[kit]] requirements resolved to tags, transitively through each kit's config.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <optional>

#include "osbuild/kit/kit.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"

namespace osbuild::kit {

namespace {

// Bounds the walk: each step either adds a requirement or settles a kit.
constexpr std::size_t k_max_steps = 10000;

// One requirement of one kit, and who made it: osbuild.toml (from_kit empty) or a kit at a
// version. A requirement from a kit version no longer chosen no longer counts.
struct Want {
  std::string kit;
  std::string vendor;
  VersionReq req;
  std::string where;  // "osbuild.toml:12:1" or "kit app-kit 2.0.0"
  std::string from_kit;
  std::string from_version;
};

struct Repo {
  KitLocation location;
  std::unique_ptr<oci::RegistryClient> client;
  std::vector<std::pair<Version, std::string>> tags;  // v<semver> tags only
};

struct Chosen {
  std::string version;
  config::LockedKit locked;
};

class Resolver {
 public:
  Resolver(const Context& ctx, net::HttpClient* http) : m_ctx(ctx), m_http(http) {}
  config::Lock run();

 private:
  Repo& repo(const Want& w);
  void settle(const std::string& kit);
  std::vector<const Want*> active(const std::string& kit) const;
  std::string chain(const Want& w) const;
  config::LockedKit load(const Want& first, Repo& r, const std::string& tag, const Version& v);
  [[noreturn]] void fail(const std::string& kit, const Repo& r) const;

  const Context& m_ctx;
  net::HttpClient* m_http;
  std::map<std::string, Repo> m_repos;
  std::map<std::string, std::vector<Want>> m_wants;
  std::map<std::string, Chosen> m_chosen;
  std::vector<Want> m_todo;
};

Repo& Resolver::repo(const Want& w) {
  auto it = m_repos.find(w.kit);
  if (it != m_repos.end()) return it->second;
  Repo r;
  r.location = locate(m_ctx, w.kit, w.vendor, w.where);
  r.client = std::make_unique<oci::RegistryClient>(oci::ClientOptions{
      .host = r.location.host, .insecure = r.location.insecure, .http = m_http});
  ping(*r.client, r.location, w.kit);
  std::vector<std::string> tags;
  try {
    tags = r.client->list_tags(r.location.repository);
  } catch (const Error& e) {
    throw Error(fmt::format("kit {} ({}): {}", w.kit, w.where, e.what()), e.hint(), e.exit_code());
  }
  for (const auto& tag : tags) {
    if (tag.size() < 2 || tag[0] != 'v') continue;
    auto v = parse_version(std::string_view(tag).substr(1));
    if (v.ok()) r.tags.emplace_back(v.value(), tag);
  }
  std::sort(r.tags.begin(), r.tags.end());
  return m_repos.emplace(w.kit, std::move(r)).first->second;
}

std::vector<const Want*> Resolver::active(const std::string& kit) const {
  std::vector<const Want*> out;
  auto it = m_wants.find(kit);
  if (it == m_wants.end()) return out;
  for (const auto& w : it->second) {
    if (w.from_kit.empty()) {
      out.push_back(&w);
      continue;
    }
    auto c = m_chosen.find(w.from_kit);
    if (c != m_chosen.end() && c->second.version == w.from_version) out.push_back(&w);
  }
  return out;
}

// "osbuild.toml:8:1 → app-kit 2.0.0 → base-kit ^2.0"
std::string Resolver::chain(const Want& w) const {
  std::vector<std::string> links = {w.kit + " " + w.req.str()};
  const Want* at = &w;
  for (std::size_t depth = 0; depth < 64 && !at->from_kit.empty(); ++depth) {
    links.insert(links.begin(), at->from_kit + " " + at->from_version);
    auto parents = active(at->from_kit);
    if (parents.empty()) break;
    at = parents.front();
  }
  links.insert(links.begin(), at->from_kit.empty() ? at->where : "…");
  return join(links, " → ");
}

void Resolver::fail(const std::string& kit, const Repo& r) const {
  auto wants = active(kit);
  std::vector<std::string> available;
  for (const auto& [v, tag] : r.tags) available.push_back(tag);
  std::string list = available.empty() ? std::string("none") : join(available, ", ");
  if (wants.size() == 1) {
    const Want& w = *wants.front();
    std::string who = w.from_kit.empty() ? w.where : chain(w);
    throw Error(fmt::format("{}: no version of kit {} in {} matches \"{}\"; available: {}", who,
                            kit, r.location.source(), w.req.str(), list),
                available.empty()
                    ? fmt::format("publish the kit first: `osbuild publish kit {}` in the "
                                  "project that builds it",
                                  kit)
                    : "change kit.version in osbuild.toml to a requirement one of them meets");
  }
  std::string lines;
  for (const Want* w : wants) lines += "\n  " + chain(*w);
  throw Error(fmt::format("kit {} is wanted at versions no single tag of {} meets:{}\n"
                          "available: {}",
                          kit, r.location.source(), lines, list),
              "make the requirements agree: change the [[kit]] in osbuild.toml, or require "
              "versions of the kits above that want compatible versions of " +
                  kit);
}

// The index at `tag`, and the kits its config says this kit needs.
config::LockedKit Resolver::load(const Want& first, Repo& r, const std::string& tag,
                                 const Version& v) {
  const std::string& repository = r.location.repository;
  std::string source = r.location.source();
  auto index = r.client->get_manifest(repository, tag);
  if (!index) {
    throw Error(
        fmt::format("{}: tag {} of {} vanished while resolving it", first.where, tag, source),
        "run `osbuild update` again");
  }
  if (index->media_type != oci::k_index_media_type) {
    throw Error(fmt::format("{}:{} is a {}, not an OCI image index", source, tag,
                            index->media_type.empty() ? "document without a media type"
                                                      : index->media_type),
                "republish the kit with `osbuild publish kit`");
  }
  config::LockedKit locked{first.kit, v.str(), first.vendor, source + ":" + tag, index->digest,
                           {},        {}};
  Json doc = Json::parse(index->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array() ||
      doc["manifests"].empty()) {
    throw Error(fmt::format("{}:{}: the index lists no manifest", source, tag),
                "republish the kit with `osbuild publish kit`");
  }
  // Every arch of a kit is published from one project, so any manifest's config names its kits.
  std::string manifest_digest = doc["manifests"][0].value("digest", "");
  auto manifest = r.client->get_manifest(repository, manifest_digest);
  Json m = manifest ? Json::parse(manifest->body, nullptr, false) : Json();
  if (!m.is_object() || !m.contains("config") || !m["config"].is_object()) {
    throw Error(
        fmt::format("{}:{}: manifest {} is missing or has no config", source, tag, manifest_digest),
        "republish the kit with `osbuild publish kit`");
  }
  Json config =
      Json::parse(r.client->get_blob(repository, m["config"].value("digest", "")), nullptr, false);
  if (config.is_object()) locked.kits = kits_from_json(config.value("kits", Json::array()));
  return locked;
}

void Resolver::settle(const std::string& kit) {
  auto wants = active(kit);
  if (wants.empty()) return;
  Repo& r = repo(*wants.front());
  for (const Want* w : wants) {
    if (w->vendor != wants.front()->vendor) {
      throw Error(
          fmt::format("kit {} is wanted from vendor \"{}\" ({}) and from vendor \"{}\" "
                      "({})",
                      kit, wants.front()->vendor, chain(*wants.front()), w->vendor, chain(*w)),
          "make the [[kit]] vendors agree");
    }
  }
  const std::pair<Version, std::string>* best = nullptr;
  for (const auto& t : r.tags) {
    bool ok = true;
    for (const Want* w : wants) ok = ok && w->req.matches(t.first);
    if (ok) best = &t;  // sorted ascending: the last match is the highest
  }
  if (best == nullptr) fail(kit, r);
  std::string version = best->first.str();
  auto c = m_chosen.find(kit);
  if (c != m_chosen.end() && c->second.version == version) return;
  config::LockedKit locked = load(*wants.front(), r, best->second, best->first);
  for (const auto& dep : locked.kits) {
    auto req = VersionReq::parse(dep.version);
    if (!req.ok()) {
      throw Error(fmt::format("kit {} {} requires kit {} at \"{}\", which is not a version "
                              "requirement",
                              kit, version, dep.name, dep.version),
                  "republish the kit with a valid [[kit]] version");
    }
    m_todo.push_back(
        {dep.name, dep.vendor, req.value(), "kit " + kit + " " + version, kit, version});
  }
  m_chosen[kit] = Chosen{version, std::move(locked)};
}

config::Lock Resolver::run() {
  for (const auto& req : m_ctx.project.file.kits) {
    m_todo.push_back({req.name, req.vendor, req.version, req.where.str(), "", ""});
  }
  for (std::size_t step = 0; !m_todo.empty(); ++step) {
    if (step == k_max_steps) {
      throw Error("kit resolution did not settle after " + std::to_string(k_max_steps) + " steps",
                  "simplify the kits' requirements; this is a loop between kit versions");
    }
    Want w = m_todo.front();
    m_todo.erase(m_todo.begin());
    std::string kit = w.kit;
    m_wants[kit].push_back(std::move(w));
    settle(kit);
  }
  config::Lock lock;
  lock.path = m_ctx.root() / config::k_lock_file;
  for (auto& [name, chosen] : m_chosen) {
    if (!active(name).empty()) lock.kits.push_back(chosen.locked);
  }
  return lock;
}

}  // namespace

config::Lock resolve_lock(const Context& ctx, net::HttpClient* http) {
  return Resolver(ctx, http).run();
}

std::vector<std::string> lock_changes(const std::optional<config::Lock>& old,
                                      const config::Lock& lock) {
  std::vector<std::string> changes;
  for (const auto& k : lock.kits) {
    const config::LockedKit* was = old ? old->find(k.name) : nullptr;
    if (was == nullptr) {
      changes.push_back(fmt::format("{} {} would be added", k.name, k.version));
    } else if (was->version != k.version || was->digest != k.digest || was->vendor != k.vendor) {
      changes.push_back(fmt::format("{} {} ({}) would become {} ({})", k.name, was->version,
                                    was->digest.substr(0, 19), k.version, k.digest.substr(0, 19)));
    }
  }
  if (old) {
    for (const auto& k : old->kits) {
      if (lock.find(k.name) == nullptr) {
        changes.push_back(fmt::format("{} {} would be removed", k.name, k.version));
      }
    }
  }
  return changes;
}

UpdateSummary run_update(const Context& ctx, net::HttpClient* http) {
  UpdateSummary out{resolve_lock(ctx, http), ctx.root() / config::k_lock_file, false};
  std::string text = config::render_lock(out.lock);
  std::string before;
  if (auto old = read_file(out.path); old.ok()) before = old.value();
  if (before == text) return out;
  if (ctx.settings.boolean("locked")) {
    // Like cargo's --locked: the lock may be checked, never changed.
    auto old = before.empty() ? std::optional<config::Lock>() : config::read_lock(ctx.root());
    std::vector<std::string> changes = lock_changes(old, out.lock);
    if (changes.empty()) changes.push_back("the file's text would change");
    throw Error("--locked: osbuild.lock is not up to date:\n  " + join(changes, "\n  "),
                "run `osbuild update` without --locked and commit osbuild.lock",
                ExitCode::verification);
  }
  write_file_atomic(out.path, text);
  out.changed = true;
  return out;
}

}  // namespace osbuild::kit
