// osbuild publish kit K: build the kit's packages, push them to the vendor's OCI registry as one
// layer per package, a config blob, one manifest per arch and an image index tagged v<version>.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>

#include "cli.h"
#include "osbuild/pipeline/pipeline.h"
#include "osbuild/kit/kit.h"
#include "osbuild/oci/registry.h"
#include "osbuild/store/store.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/json.h"
#include "osbuild/util/text.h"

namespace osbuild::cli {

namespace {

struct PublishOptions {
  std::string kit;
  std::string vendor;
};

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
  const config::Kit& kit_def = ctx.project.kit(opts.kit);
  std::string vendor_name = opts.vendor.empty() ? kit_def.vendor : opts.vendor;
  auto vendor_where = kit_def.where.find("vendor");
  kit::KitLocation location = kit::locate(ctx, kit_def.name, vendor_name,
                                          opts.vendor.empty() && vendor_where != kit_def.where.end()
                                              ? vendor_where->second.str()
                                              : std::string("--vendor"));
  const std::string& repository = location.repository;
  const Arch arch = ctx.settings.arch();
  const std::string version = ctx.project.file.release_version.str();
  const std::string tag = "v" + version;

  // The registry is asked first, so that one that is down fails before any build.
  oci::RegistryClient client({location.host, location.insecure});
  kit::ping(client, location, kit_def.name);
  kit::BuiltKit built = pipeline::build_kit(ctx, kit_def.name);

  std::vector<std::string> other_repositories;
  for (const auto& [name, other] : ctx.project.kits) {
    if (name != kit_def.name && other.vendor == vendor_name) {
      other_repositories.push_back(
          kit::locate(ctx, name, vendor_name, other.manifest.string()).repository);
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
    fmt::print("publishing kit {} {} for {} to {}/{}\n", kit_def.name, tag, arch_name(arch),
               location.host, repository);
  }
  for (const auto& pkg : built.packages) {
    auto path = store.get_blob(pkg.artifact);
    if (!path) {
      throw Error(
          fmt::format("the artifact of package {} ({}) is not in the store at {}", pkg.name,
                      pkg.artifact, store.root().string()),
          fmt::format("run `osbuild build package {} --force-package {}`", pkg.name, pkg.name));
    }
    std::string digest = "sha256:" + pkg.artifact;
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
    note(pkg.name, digest, pkg.size, r);
    layers.push_back({{"mediaType", kit::k_layer_media_type},
                      {"digest", digest},
                      {"size", pkg.size},
                      {"annotations", {{"org.opencontainers.image.title", pkg.name}}}});
    config_packages.push_back({{"name", pkg.name},
                               {"version", pkg.version},
                               {"license", pkg.license},
                               {"digest", digest},
                               {"size", pkg.size},
                               {"requires", pkg.requires_}});
  }

  Json config = {{"schema-version", 1},
                 {"name", kit_def.name},
                 {"version", version},
                 {"vendor", vendor_name},
                 {"arch", std::string(arch_name(arch))},
                 {"packages", config_packages},
                 {"kits", kit::kits_json(built.kits)}};
  std::string config_body = canonical_json(config);
  std::string config_digest = oci::sha256_digest(config_body);
  note("(kit config)", config_digest, config_body.size(),
       client.push_blob_bytes(repository, config_digest, config_body));

  Json manifest = {{"schemaVersion", 2},
                   {"mediaType", oci::k_manifest_media_type},
                   {"config",
                    {{"mediaType", kit::k_config_media_type},
                     {"digest", config_digest},
                     {"size", config_body.size()}}},
                   {"layers", layers},
                   {"annotations",
                    {{"org.osbuild.kit.name", kit_def.name},
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
                         m["platform"].value("architecture", std::string()) == kit::oci_arch(arch);
        if (!same_arch) entries.push_back(m);
      }
    }
  }
  entries.push_back({{"mediaType", oci::k_manifest_media_type},
                     {"digest", manifest_digest},
                     {"size", manifest_body.size()},
                     {"platform", {{"architecture", kit::oci_arch(arch)}, {"os", "linux"}}}});
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
      {"annotations",
       {{"org.osbuild.kit.name", kit_def.name}, {"org.osbuild.kit.version", version}}}};
  std::string index_body = canonical_json(index);
  std::string index_digest =
      client.put_manifest(repository, tag, std::string(oci::k_index_media_type), index_body);

  if (ctx.json()) {
    Json out = {{"kit", kit_def.name},
                {"version", version},
                {"arch", std::string(arch_name(arch))},
                {"registry", location.host},
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
               location.host, repository, tag, pushed, skipped,
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
