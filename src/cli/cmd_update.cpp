// osbuild update: resolve each [[kit]] requirement to the highest matching v<semver> tag in its
// vendor's registry and write osbuild.lock (docs/kits.md).
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "cli.h"
#include "osbuild/oci/registry.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json.h"
#include "osbuild/util/semver.h"
#include "osbuild/util/text.h"

namespace osbuild::cli {

namespace {

struct LockEntry {
  std::string name;
  std::string version;
  std::string vendor;
  std::string source;
  std::string digest;
};

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string render_lock(std::vector<LockEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const LockEntry& a, const LockEntry& b) { return a.name < b.name; });
  std::string out =
      "# Written by `osbuild update`: the exact kits this project builds with. Do not edit.\n"
      "schema-version = 1\n";
  for (const auto& e : entries) {
    out +=
        fmt::format("\n[[kit]]\nname = {}\nversion = {}\nvendor = {}\nsource = {}\ndigest = {}\n",
                    toml_string(e.name), toml_string(e.version), toml_string(e.vendor),
                    toml_string(e.source), toml_string(e.digest));
  }
  return out;
}

LockEntry resolve(const Context& ctx, const config::KitRequirement& req) {
  const auto& vendors = ctx.project.file.vendors;
  auto vit = vendors.find(req.vendor);
  if (vit == vendors.end()) {
    throw Error(fmt::format("{}: kit {} names vendor \"{}\", which is not declared",
                            req.where.str(), req.name, req.vendor),
                fmt::format("add [vendor.{}] with registry = \"host:port/path\" to osbuild.toml",
                            req.vendor));
  }
  const config::Vendor& vendor = vit->second;
  auto location = oci::parse_registry(vendor.registry);
  if (!location.ok()) {
    throw Error(
        fmt::format("{}: vendor.{}.registry: {}", vendor.where.str(), req.vendor, location.error()),
        "write registry = \"host[:port]/path\", e.g. \"127.0.0.1:5000/osbuild\"");
  }
  std::string repository = location.value().repository(req.name);
  oci::RegistryClient client({location.value().host, vendor.insecure});
  std::vector<std::string> tags;
  try {
    client.ping();
    tags = client.list_tags(repository);
  } catch (const Error& e) {
    throw Error(fmt::format("kit {} ({}): vendor \"{}\" ({}): {}", req.name, req.where.str(),
                            req.vendor, vendor.where.str(), e.what()),
                e.hint(), e.exit_code());
  }
  std::optional<Version> best;
  std::string best_tag;
  std::vector<std::string> versions;
  for (const auto& tag : tags) {
    if (tag.size() < 2 || tag[0] != 'v') continue;
    auto v = parse_version(std::string_view(tag).substr(1));
    if (!v.ok()) continue;
    versions.push_back(tag);
    if (!req.version.matches(v.value())) continue;
    if (!best || v.value() > *best) {
      best = v.value();
      best_tag = tag;
    }
  }
  std::string source = location.value().host + "/" + repository;
  if (!best) {
    throw Error(fmt::format("{}: no version of kit {} in {} matches \"{}\"; available: {}",
                            req.where.str(), req.name, source, req.version.str(),
                            versions.empty() ? std::string("none") : join(versions, ", ")),
                versions.empty()
                    ? fmt::format("publish the kit first: `osbuild publish kit {}` in the "
                                  "project that builds it",
                                  req.name)
                    : "change kit.version in osbuild.toml to a requirement one of them meets");
  }
  auto manifest = client.get_manifest(repository, best_tag);
  if (!manifest) {
    throw Error(fmt::format("{}: tag {} of {} vanished while resolving it", req.where.str(),
                            best_tag, source),
                "run `osbuild update` again");
  }
  if (manifest->media_type != oci::k_index_media_type &&
      manifest->media_type != oci::k_manifest_media_type) {
    throw Error(fmt::format("{}:{} is a {}, not an OCI image index", source, best_tag,
                            manifest->media_type.empty() ? "document without a media type"
                                                         : manifest->media_type),
                "republish the kit with `osbuild publish kit`");
  }
  return {req.name, best->str(), req.vendor, source + ":" + best_tag, manifest->digest};
}

int run_update(Context& ctx) {
  std::vector<LockEntry> entries;
  for (const auto& req : ctx.project.file.kits) {
    entries.push_back(resolve(ctx, req));
  }
  auto path = ctx.root() / "osbuild.lock";
  std::string text = render_lock(entries);
  std::string before;
  if (auto old = read_file(path); old.ok()) before = old.value();
  write_file_atomic(path, text);
  if (ctx.json()) {
    Json kits = Json::array();
    for (const auto& e : entries) {
      kits.push_back({{"name", e.name},
                      {"version", e.version},
                      {"vendor", e.vendor},
                      {"source", e.source},
                      {"digest", e.digest}});
    }
    fmt::print("{}\n",
               Json{{"lock", path.string()}, {"changed", before != text}, {"kits", kits}}.dump(2));
    return 0;
  }
  for (const auto& e : entries) {
    fmt::print("  {} {} from {} ({})\n", e.name, e.version, e.source, e.digest.substr(0, 19));
  }
  fmt::print("{} osbuild.lock: {} kit(s)\n", before == text ? "unchanged" : "wrote",
             entries.size());
  return 0;
}

}  // namespace

void setup_update(CLI::App& sub, CliState& state) {
  sub.callback([&state] {
    state.action = [&state] {
      Context ctx = open_context(state.options);
      return run_update(ctx);
    };
  });
}

}  // namespace osbuild::cli
