// osbuild fetch, for kits: every locked kit pulled by digest, verified, into the store.
#include <fmt/format.h>

#include <cstdio>
#include <set>

#include "osbuild/kit/kit.h"
#include "osbuild/store/store.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/text.h"
#include "osbuild/workspace/records.h"

namespace osbuild::kit {

namespace fs = std::filesystem;

namespace {

std::string hex_of(const std::string& digest) {
  return digest.starts_with("sha256:") ? digest.substr(7) : digest;
}

// A fetched record that still matches the lock, every layer present: nothing to do.
bool up_to_date(const Context& ctx, Arch arch, const config::LockedKit& locked,
                store::Store& store) {
  auto found = workspace::read_fetched_kit(ctx.build_dir(), arch, locked.name);
  if (!found) return false;
  const Json& doc = *found;
  if (!doc.is_object() || doc.value("index", "") != locked.digest || !doc.contains("packages") ||
      !doc["packages"].is_array()) {
    return false;
  }
  for (const auto& p : doc["packages"]) {
    if (!p.is_object() || !store.has_blob(hex_of(p.value("digest", "")))) return false;
  }
  return true;
}

Json parse_document(const std::string& body, const std::string& what, const std::string& source) {
  Json doc = Json::parse(body, nullptr, false);
  if (!doc.is_object()) {
    throw Error(fmt::format("{} of {} is not a JSON object", what, source),
                "republish the kit with `osbuild publish kit`", ExitCode::verification);
  }
  return doc;
}

// The manifest of `arch` in the index.
std::string manifest_for(const Json& index, Arch arch, const config::LockedKit& locked) {
  if (auto digest = manifest_of(index, arch)) return *digest;
  std::vector<std::string> arches = index_arches(index);
  throw Error(fmt::format("kit {} {} ({}) has no manifest for {} ({}); it has: {}", locked.name,
                          locked.version, locked.source, arch_name(arch), oci_arch(arch),
                          arches.empty() ? std::string("none") : join(arches, ", ")),
              fmt::format("publish it for that arch in the kit's project: `osbuild publish kit {} "
                          "--arch {}`",
                          locked.name, arch_name(arch)));
}

struct KitFetch {
  std::size_t layers = 0;
  std::size_t downloaded = 0;
  std::uint64_t bytes = 0;
};

KitFetch fetch_one(const Context& ctx, const config::LockedKit& locked, Arch arch,
                   store::Store& store, net::HttpClient* http) {
  KitLocation where =
      locate(ctx, locked.name, locked.vendor, fmt::format("osbuild.lock ({})", locked.where.str()));
  oci::RegistryClient client({.host = where.host, .insecure = where.insecure, .http = http});
  ping(client, where, locked.name);
  const std::string& repo = where.repository;
  std::string source = where.source();
  auto index = client.get_manifest(repo, locked.digest);  // by digest, never by tag
  if (!index) {
    throw Error(fmt::format("kit {} {}: index {} is no longer in {}", locked.name, locked.version,
                            locked.digest, source),
                "the kit was deleted or republished; run `osbuild update`");
  }
  Json index_doc = parse_document(index->body, "index " + locked.digest, source);
  std::string manifest_digest = manifest_for(index_doc, arch, locked);
  auto manifest = client.get_manifest(repo, manifest_digest);
  if (!manifest) {
    throw Error(fmt::format("kit {} {}: manifest {} ({}) is missing from {}", locked.name,
                            locked.version, manifest_digest, arch_name(arch), source),
                "republish the kit with `osbuild publish kit`");
  }
  Json m = parse_document(manifest->body, "manifest " + manifest_digest, source);
  std::string config_digest = config_digest_of(m);
  std::string config_what = "config " + config_digest;
  KitConfig config = parse_config(
      parse_document(client.get_blob(repo, config_digest), config_what, source),
      config_what + " of " + source);
  if (config.name != locked.name || config.arch != arch) {
    throw Error(fmt::format("kit {} {}: config {} describes {} for {}, not {} for {}", locked.name,
                            locked.version, config_digest, config.name, arch_name(config.arch),
                            locked.name, arch_name(arch)),
                "republish the kit with `osbuild publish kit`", ExitCode::verification);
  }
  std::set<std::string> layers;
  KitFetch out;
  for (const auto& digest : layer_digests(m)) {
    layers.insert(digest);
    ++out.layers;
    if (store.get_blob(hex_of(digest))) continue;      // verified in the store already
    std::string data = client.get_blob(repo, digest);  // verified against `digest`
    std::string stored = store.put_bytes(data);
    if (stored != hex_of(digest)) {
      throw Error(fmt::format("blob {} of {} was stored as sha256:{}", digest, source, stored),
                  "run `osbuild cache verify` and fetch again", ExitCode::verification);
    }
    ++out.downloaded;
    out.bytes += data.size();
  }
  for (const auto& p : config.packages) {
    if (layers.count(p.digest) == 0) {
      throw Error(fmt::format("kit {} {}: config names package {} at {}, which is not a layer of "
                              "manifest {}",
                              locked.name, locked.version, p.name, p.digest, manifest_digest),
                  "republish the kit with `osbuild publish kit`", ExitCode::verification);
    }
  }
  Json doc = {{"schema-version", 1},
              {"name", locked.name},
              {"version", locked.version},
              {"vendor", locked.vendor},
              {"source", source},
              {"arch", std::string(arch_name(arch))},
              {"index", locked.digest},
              {"manifest", manifest_digest},
              {"config", config_digest},
              {"packages", packages_json(config.packages)},
              {"kits", kits_json(config.kits)}};
  workspace::write_fetched_kit(ctx.build_dir(), arch, locked.name, doc);
  return out;
}

}  // namespace

bool kits_fetched(const Context& ctx) {
  auto lock = config::load_lock(ctx.project, ctx.lock_check());
  if (!lock) return true;  // nothing locked: nothing to fetch (prepare says what is missing)
  store::Store store(ctx.cache_dir());
  for (const auto& locked : lock->kits) {
    if (!up_to_date(ctx, ctx.settings.arch(), locked, store)) return false;
  }
  return true;
}

FetchSummary fetch_kits(const Context& ctx, net::HttpClient* http) {
  const Arch arch = ctx.settings.arch();
  auto check = ctx.lock_check();
  auto lock = config::load_lock(ctx.project, check);
  FetchSummary summary;
  if (!lock) {
    if (!ctx.project.file.kits.empty()) {
      throw Error(fmt::format("osbuild.toml requires {} kit(s) but there is no osbuild.lock in {}",
                              ctx.project.file.kits.size(), ctx.root().string()),
                  "run `osbuild update` first");
    }
    return summary;
  }
  FileLock workspace = lock_workspace(ctx.build_dir());
  store::Store store(ctx.cache_dir());
  fs::path dir = workspace::fetched_kits_dir(ctx.build_dir(), arch);
  std::set<std::string> records;
  for (const auto& locked : lock->kits) {
    fs::path record = workspace::fetched_kit_path(ctx.build_dir(), arch, locked.name);
    records.insert(record.filename().string());
    ++summary.kits;
    if (up_to_date(ctx, arch, locked, store)) {
      if (ctx.json()) {
        json_event("fetch", "kit",
                   {{"name", locked.name},
                    {"version", locked.version},
                    {"arch", arch_name(arch)},
                    {"up_to_date", true}});
      } else if (ctx.options.verbosity != Verbosity::quiet) {
        std::printf("kit %s %s for %s: up to date\n", locked.name.c_str(), locked.version.c_str(),
                    std::string(arch_name(arch)).c_str());
      }
      continue;
    }
    if (ctx.settings.boolean("offline")) {
      throw Error(fmt::format("kit {} {} is not fetched for {} and --offline forbids the "
                              "registry",
                              locked.name, locked.version, arch_name(arch)),
                  "run `osbuild fetch` without --offline");
    }
    KitFetch f = fetch_one(ctx, locked, arch, store, http);
    summary.layers += f.layers;
    summary.downloaded += f.downloaded;
    summary.bytes += f.bytes;
    if (ctx.json()) {
      json_event("fetch", "kit",
                 {{"name", locked.name},
                  {"version", locked.version},
                  {"arch", arch_name(arch)},
                  {"up_to_date", false},
                  {"layers", f.layers},
                  {"downloaded", f.downloaded},
                  {"bytes", f.bytes}});
    } else if (ctx.options.verbosity != Verbosity::quiet) {
      std::printf("kit %s %s for %s: %zu layer(s), %zu downloaded (%llu bytes), verified\n",
                  locked.name.c_str(), locked.version.c_str(), std::string(arch_name(arch)).c_str(),
                  f.layers, f.downloaded, static_cast<unsigned long long>(f.bytes));
    }
  }
  // Kits no longer locked leave no packages behind.
  std::error_code ec;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".json" &&
          records.count(entry.path().filename().string()) == 0) {
        fs::remove(entry.path(), ec);
      }
    }
  }
  return summary;
}

}  // namespace osbuild::kit
