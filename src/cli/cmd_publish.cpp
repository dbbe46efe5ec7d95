// osbuild publish kit K: build the kit's packages, push them to the vendor's OCI registry as one
// layer per package, a config blob, one manifest per arch and an image index tagged v<version>.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>

#include "cli.h"
#include "osbuild/build/build.h"
#include "osbuild/oci/registry.h"
#include "osbuild/store/store.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/json.h"
#include "osbuild/util/text.h"

namespace osbuild::cli {

namespace {

constexpr std::string_view k_layer_media_type = "application/vnd.osbuild.package.layer.v1.tar";
constexpr std::string_view k_config_media_type = "application/vnd.osbuild.kit.config.v1+json";

struct PublishOptions {
  std::string kit;
  std::string vendor;
};

std::string oci_arch(Arch arch) {
  return arch == Arch::x86_64 ? "amd64" : "arm64";
}

const config::Vendor& find_vendor(const Context& ctx, const std::string& name,
                                  const std::string& wanted_by) {
  const auto& vendors = ctx.project.file.vendors;
  if (auto it = vendors.find(name); it != vendors.end()) return it->second;
  if (ctx.project.infra) {
    if (auto it = ctx.project.infra->vendors.find(name); it != ctx.project.infra->vendors.end()) {
      return it->second;
    }
  }
  std::vector<std::string> names;
  for (const auto& [n, v] : vendors) names.push_back(n);
  throw Error(
      fmt::format("{}: vendor \"{}\" is not declared{}", wanted_by, name,
                  did_you_mean(name, names)),
      fmt::format("add [vendor.{}] with registry = \"host:port/path\" to osbuild.toml", name));
}

// The kit's packages and everything they require at run time, sorted.
std::vector<std::string> kit_closure(const config::Project& project, const config::Kit& kit) {
  std::set<std::string> seen;
  std::vector<std::pair<std::string, std::string>> todo;  // package, who wants it
  for (std::size_t i = 0; i < kit.included_packages.size(); ++i) {
    auto it = kit.where.find("included-packages[" + std::to_string(i) + "]");
    todo.emplace_back(kit.included_packages[i],
                      it != kit.where.end() ? it->second.str() : kit.manifest.string());
  }
  while (!todo.empty()) {
    auto [name, wanted_by] = todo.back();
    todo.pop_back();
    if (!seen.insert(name).second) continue;
    if (project.packages.find(name) == project.packages.end()) {
      std::vector<std::string> names;
      for (const auto& [n, p] : project.packages) names.push_back(n);
      throw Error(fmt::format("{}: package \"{}\" is not in this project{}", wanted_by, name,
                              did_you_mean(name, names)),
                  "a kit holds packages of the project that publishes it; add "
                  "packages/" +
                      name + "/package.toml or remove the name");
    }
    const auto& pkg = project.packages.at(name);
    for (std::size_t i = 0; i < pkg.runtime_requires.size(); ++i) {
      auto w = pkg.where.find("requires[" + std::to_string(i) + "]");
      todo.emplace_back(pkg.runtime_requires[i],
                        w != pkg.where.end() ? w->second.str() : pkg.manifest.string());
    }
  }
  return {seen.begin(), seen.end()};
}

std::string artifact_of(const Context& ctx, Arch arch, const std::string& package) {
  auto path =
      ctx.build_dir() / ".osbuild" / "state" / std::string(arch_name(arch)) / (package + ".json");
  auto text = read_file(path);
  Json doc = text.ok() ? Json::parse(text.value(), nullptr, false) : Json();
  std::string digest = doc.is_object() ? doc.value("artifact", std::string()) : std::string();
  if (!is_lower_hex(digest, 64)) {
    throw Error(fmt::format("{}: no artifact recorded for package {}", path.string(), package),
                fmt::format("run `osbuild build package {} --arch {}`", package, arch_name(arch)));
  }
  return digest;
}

const char* outcome_word(oci::BlobPush::Outcome o) {
  switch (o) {
    case oci::BlobPush::Outcome::present:
      return "skipped (already in the registry)";
    case oci::BlobPush::Outcome::mounted:
      return "mounted";
    case oci::BlobPush::Outcome::uploaded:
      return "pushed";
  }
  return "";
}

int publish_kit(Context& ctx, const PublishOptions& opts) {
  const config::Kit& kit = ctx.project.kit(opts.kit);
  std::string vendor_name = opts.vendor.empty() ? kit.vendor : opts.vendor;
  auto vendor_where = kit.where.find("vendor");
  const config::Vendor& vendor = find_vendor(ctx, vendor_name,
                                             opts.vendor.empty() && vendor_where != kit.where.end()
                                                 ? vendor_where->second.str()
                                                 : std::string("--vendor"));
  auto location = oci::parse_registry(vendor.registry);
  if (!location.ok()) {
    throw Error(fmt::format("{}: vendor.{}.registry: {}", vendor.where.str(), vendor_name,
                            location.error()),
                "write registry = \"host[:port]/path\", e.g. \"127.0.0.1:5000/osbuild\"");
  }
  const std::string repository = location.value().repository(kit.name);
  const Arch arch = ctx.settings.arch();
  const std::string version = ctx.project.file.release_version.str();
  const std::string tag = "v" + version;
  std::vector<std::string> packages = kit_closure(ctx.project, kit);

  oci::RegistryClient client({location.value().host, vendor.insecure});
  try {
    client.ping();
  } catch (const Error& e) {
    throw Error(fmt::format("vendor \"{}\" ({}): {}", vendor_name, vendor.where.str(), e.what()),
                e.hint(), e.exit_code());
  }

  // Fresh build results for every package of the kit.
  for (const auto& name : packages) {
    build::BuildOptions b;
    b.target = build::BuildTarget::package;
    b.name = name;
    build::run_build(ctx, b);
  }

  std::vector<std::string> other_repositories;
  for (const auto& [name, other] : ctx.project.kits) {
    if (name != kit.name && other.vendor == vendor_name) {
      other_repositories.push_back(location.value().repository(name));
    }
  }

  store::Store store(ctx.cache_dir());
  Json layers = Json::array();
  Json config_packages = Json::array();
  Json report = Json::array();
  std::uint64_t sent = 0;
  std::size_t pushed = 0;
  std::size_t skipped = 0;
  std::size_t mounted = 0;
  auto note = [&](const std::string& what, const std::string& digest, std::uint64_t size,
                  const oci::BlobPush& r) {
    sent += r.bytes_sent;
    (r.outcome == oci::BlobPush::Outcome::present   ? skipped
     : r.outcome == oci::BlobPush::Outcome::mounted ? mounted
                                                    : pushed) += 1;
    report.push_back({{"blob", what},
                      {"digest", digest},
                      {"size", size},
                      {"result", r.outcome == oci::BlobPush::Outcome::present   ? "skipped"
                                 : r.outcome == oci::BlobPush::Outcome::mounted ? "mounted"
                                                                                : "pushed"}});
    if (!ctx.json()) {
      fmt::print("  {:<24} {} {} ({} bytes)\n", what, outcome_word(r.outcome), digest.substr(0, 19),
                 size);
    }
  };
  if (!ctx.json()) {
    fmt::print("publishing kit {} {} for {} to {}/{}\n", kit.name, tag, arch_name(arch),
               location.value().host, repository);
  }
  for (const auto& name : packages) {
    const auto& pkg = ctx.project.package(name);
    std::string artifact = artifact_of(ctx, arch, name);
    auto path = store.get_blob(artifact);
    if (!path) {
      throw Error(fmt::format("the artifact of package {} ({}) is not in the store at {}", name,
                              artifact, store.root().string()),
                  fmt::format("run `osbuild build package {} --force-package {}`", name, name));
    }
    std::string digest = "sha256:" + artifact;
    std::uint64_t size = std::filesystem::file_size(*path);
    // A layer another kit of this project already published to the same registry is mounted
    // from there instead of uploaded.
    std::optional<std::string> mount_from;
    if (!client.has_blob(repository, digest)) {
      for (const auto& other : other_repositories) {
        if (client.has_blob(other, digest)) {
          mount_from = other;
          break;
        }
      }
    }
    auto r = client.push_blob_file(repository, digest, *path, mount_from);
    note(name, digest, size, r);
    layers.push_back({{"mediaType", k_layer_media_type},
                      {"digest", digest},
                      {"size", size},
                      {"annotations", {{"org.opencontainers.image.title", name}}}});
    config_packages.push_back({{"name", name},
                               {"version", pkg.version.str()},
                               {"digest", digest},
                               {"size", size},
                               {"requires", pkg.runtime_requires}});
  }

  Json config = {{"schema-version", 1},
                 {"name", kit.name},
                 {"version", version},
                 {"vendor", vendor_name},
                 {"arch", std::string(arch_name(arch))},
                 {"packages", config_packages}};
  std::string config_body = canonical_json(config);
  std::string config_digest = oci::sha256_digest(config_body);
  note("(kit config)", config_digest, config_body.size(),
       client.push_blob_bytes(repository, config_digest, config_body));

  Json manifest = {{"schemaVersion", 2},
                   {"mediaType", oci::k_manifest_media_type},
                   {"config",
                    {{"mediaType", k_config_media_type},
                     {"digest", config_digest},
                     {"size", config_body.size()}}},
                   {"layers", layers},
                   {"annotations",
                    {{"org.osbuild.kit.name", kit.name},
                     {"org.osbuild.kit.version", version},
                     {"org.osbuild.kit.arch", std::string(arch_name(arch))}}}};
  std::string manifest_body = canonical_json(manifest);
  std::string manifest_digest = oci::sha256_digest(manifest_body);
  client.put_manifest(repository, manifest_digest, std::string(oci::k_manifest_media_type),
                      manifest_body);

  // The index for the tag: the other arches of an existing one are kept.
  Json entries = Json::array();
  if (auto existing = client.get_manifest(repository, tag)) {
    Json old = Json::parse(existing->body, nullptr, false);
    if (existing->media_type == oci::k_index_media_type && old.is_object() &&
        old.contains("manifests") && old["manifests"].is_array()) {
      for (const auto& m : old["manifests"]) {
        bool same_arch = m.contains("platform") && m["platform"].is_object() &&
                         m["platform"].value("architecture", std::string()) == oci_arch(arch);
        if (!same_arch) entries.push_back(m);
      }
    }
  }
  entries.push_back({{"mediaType", oci::k_manifest_media_type},
                     {"digest", manifest_digest},
                     {"size", manifest_body.size()},
                     {"platform", {{"architecture", oci_arch(arch)}, {"os", "linux"}}}});
  std::sort(entries.begin(), entries.end(), [](const Json& a, const Json& b) {
    auto arch_of = [](const Json& m) {
      return m.contains("platform") ? m["platform"].value("architecture", std::string())
                                    : std::string();
    };
    return arch_of(a) < arch_of(b);
  });
  Json index = {
      {"schemaVersion", 2},
      {"mediaType", oci::k_index_media_type},
      {"manifests", entries},
      {"annotations", {{"org.osbuild.kit.name", kit.name}, {"org.osbuild.kit.version", version}}}};
  std::string index_body = canonical_json(index);
  std::string index_digest =
      client.put_manifest(repository, tag, std::string(oci::k_index_media_type), index_body);

  if (ctx.json()) {
    Json out = {{"kit", kit.name},
                {"version", version},
                {"arch", std::string(arch_name(arch))},
                {"registry", location.value().host},
                {"repository", repository},
                {"tag", tag},
                {"manifest", manifest_digest},
                {"index", index_digest},
                {"blobs", report},
                {"bytes_sent", sent}};
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("  manifest {} ({})\n  index    {} tagged {}\n", manifest_digest, arch_name(arch),
               index_digest, tag);
    fmt::print("published {}/{}:{}: {} blob(s) pushed, {} skipped{}, {} bytes sent\n",
               location.value().host, repository, tag, pushed, skipped,
               mounted > 0 ? fmt::format(", {} mounted from another kit", mounted) : "", sent);
  }
  return 0;
}

}  // namespace

void setup_publish(CLI::App& sub, CliState& state) {
  auto options = std::make_shared<PublishOptions>();
  auto* kit = sub.add_subcommand("kit", "build a kit and push it to its vendor's OCI registry");
  kit->add_option("name", options->kit, "the kit to publish (kits/<name>/kit.toml)")->required();
  kit->add_option("--vendor", options->vendor,
                  "publish to this vendor's registry instead of the kit's own vendor");
  auto& flags = state.options.flags;
  kit->add_option_function<std::string>(
      "--arch", [&flags](const std::string& v) { flags["arch"] = v; },
      "target architecture (x86_64, aarch64; aliases amd64, arm64)");
  kit->callback([&state, options] {
    state.action = [&state, options] {
      Context ctx = open_context(state.options);
      return publish_kit(ctx, *options);
    };
  });
  sub.require_subcommand(1);
}

}  // namespace osbuild::cli
