// osbuild publish kit: the built kit pushed to its vendor's registry (docs/kits.md).
#include "osbuild/kit/publish.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "osbuild/kit/kit.h"
#include "osbuild/store/store.h"
#include "osbuild/util/json.h"

namespace osbuild::kit {

namespace {

// The kit config blob of a built kit.
KitConfig config_of(const BuiltKit& built, const std::string& version, const std::string& vendor) {
  KitConfig config{built.name, version, vendor, built.arch, {}, built.kits};
  for (const auto& pkg : built.packages) {
    config.packages.push_back({pkg.name, pkg.version, pkg.license, "sha256:" + pkg.artifact,
                               pkg.size, pkg.requires_});
  }
  return config;
}

class Publisher {
 public:
  Publisher(const Context& ctx, const PublishTarget& target, const PublishObserver& observer,
            net::HttpClient* http)
      : m_ctx(ctx),
        m_observer(observer),
        m_kit(ctx.project.kit(target.kit)),
        m_vendor(target.vendor),
        m_location(target.location),
        m_client(std::make_unique<oci::RegistryClient>(oci::ClientOptions{
            .host = m_location.host, .insecure = m_location.insecure, .http = http})) {}

  PublishSummary run(const BuiltKit& built) {
    const std::string version = m_ctx.project.file.release_version.str();
    m_summary = {m_kit.name, version, "v" + version, built.arch, m_location.host,
                 m_location.repository, {}, {}, {}, 0};
    if (m_observer.started) m_observer.started(m_summary);
    KitConfig config = config_of(built, version, m_vendor);
    push_layers(built);
    std::string config_body = canonical_json(config_json(config));
    std::string config_digest = oci::sha256_digest(config_body);
    note("(kit config)", config_digest, config_body.size(),
         m_client->push_blob_bytes(repository(), config_digest, config_body));
    std::string manifest_body =
        canonical_json(manifest_json(config, config_digest, config_body.size()));
    m_summary.manifest = oci::sha256_digest(manifest_body);
    m_client->put_manifest(repository(), m_summary.manifest,
                           std::string(oci::k_manifest_media_type), manifest_body);
    push_index(built.arch, manifest_body.size());
    return m_summary;
  }

 private:
  const std::string& repository() const { return m_location.repository; }

  void note(const std::string& what, const std::string& digest, std::uint64_t size,
            const oci::BlobPush& r) {
    m_summary.bytes_sent += r.bytes_sent;
    m_summary.blobs.push_back({what, digest, size, r.outcome});
    if (m_observer.pushed) m_observer.pushed(m_summary.blobs.back());
  }

  // The repositories of the project's other kits of the same vendor, to mount layers from.
  std::vector<std::string> other_repositories() const {
    std::vector<std::string> out;
    for (const auto& [name, other] : m_ctx.project.kits) {
      if (name != m_kit.name && other.vendor == m_vendor) {
        out.push_back(locate(m_ctx, name, m_vendor, other.manifest.string()).repository);
      }
    }
    return out;
  }

  void push_layers(const BuiltKit& built) {
    store::Store store(m_ctx.cache_dir());
    std::vector<std::string> others = other_repositories();
    for (const auto& pkg : built.packages) {
      auto path = store.get_blob(pkg.artifact);
      if (!path) {
        store.note_missing_entry();  // so that the build this error asks for restores it
        throw Error(
            fmt::format("the artifact of package {} ({}) is not in the store at {}", pkg.name,
                        pkg.artifact, store.root().string()),
            fmt::format("run `osbuild build package {} --force-package {}`", pkg.name, pkg.name));
      }
      std::string digest = "sha256:" + pkg.artifact;
      std::optional<std::string> mount_from;
      if (!m_client->has_blob(repository(), digest)) {
        for (const auto& other : others) {
          if (m_client->has_blob(other, digest)) {
            mount_from = other;
            break;
          }
        }
      }
      note(pkg.name, digest, pkg.size,
           m_client->push_blob_file(repository(), digest, *path, mount_from));
    }
  }

  // The index for the tag: the other arches of an existing one are kept.
  void push_index(Arch arch, std::uint64_t manifest_size) {
    Json existing;
    if (auto old = m_client->get_manifest(repository(), m_summary.tag)) {
      if (old->media_type == oci::k_index_media_type) {
        existing = Json::parse(old->body, nullptr, false);
      }
    }
    Json index = index_json(m_kit.name, m_summary.version, existing, arch, m_summary.manifest,
                            manifest_size);
    m_summary.index = m_client->put_manifest(repository(), m_summary.tag,
                                             std::string(oci::k_index_media_type),
                                             canonical_json(index));
  }

  const Context& m_ctx;
  const PublishObserver& m_observer;
  const config::Kit& m_kit;
  std::string m_vendor;
  KitLocation m_location;
  std::unique_ptr<oci::RegistryClient> m_client;
  PublishSummary m_summary;
};

}  // namespace

std::size_t PublishSummary::count(oci::BlobPush::Outcome outcome) const {
  return static_cast<std::size_t>(std::count_if(
      blobs.begin(), blobs.end(), [outcome](const PublishedBlob& b) { return b.outcome == outcome; }));
}

PublishTarget publish_target(const Context& ctx, const PublishOptions& options,
                             net::HttpClient* http) {
  const config::Kit& kit = ctx.project.kit(options.kit);
  PublishTarget target{kit.name, options.vendor.empty() ? kit.vendor : options.vendor, {}};
  auto vendor_where = kit.where.find("vendor");
  target.location = locate(ctx, kit.name, target.vendor,
                           options.vendor.empty() && vendor_where != kit.where.end()
                               ? vendor_where->second.str()
                               : std::string("--vendor"));
  oci::RegistryClient client(
      {.host = target.location.host, .insecure = target.location.insecure, .http = http});
  ping(client, target.location, kit.name);
  return target;
}

PublishSummary run_publish(const Context& ctx, const PublishTarget& target, const BuiltKit& built,
                           const PublishObserver& observer, net::HttpClient* http) {
  return Publisher(ctx, target, observer, http).run(built);
}

}  // namespace osbuild::kit
