#pragma once
// `osbuild publish kit K`: push a built kit for the context's arch to the
// vendor's OCI registry as one layer per package, the kit config blob, the arch's manifest and
// the image index tagged v<version> (the other arches of an existing index are kept).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "osbuild/oci/registry.h"
#include "osbuild/kit/kit.h"
#include "osbuild/workspace/context.h"

namespace osbuild::kit {

struct PublishOptions {
  std::string kit;
  std::string vendor;  // empty: the kit's own vendor
};

struct PublishedBlob {
  std::string what;  // the package name, or "(kit config)"
  std::string digest;
  std::uint64_t size = 0;
  oci::BlobPush::Outcome outcome = oci::BlobPush::Outcome::uploaded;
};

struct PublishSummary {
  std::string kit;
  std::string version;
  std::string tag;  // "v<version>"
  Arch arch = Arch::x86_64;
  std::string registry;    // host[:port]
  std::string repository;  // "osbuild/core-kit"
  std::string manifest;    // digests
  std::string index;
  std::vector<PublishedBlob> blobs;
  std::uint64_t bytes_sent = 0;
  std::size_t count(oci::BlobPush::Outcome outcome) const;
};

// What run_publish says as it goes, for a caller that prints progress.
struct PublishObserver {
  // The kit is built and the pushes are about to start; blobs, manifest and index still empty.
  std::function<void(const PublishSummary&)> started;
  std::function<void(const PublishedBlob&)> pushed;
};

// Where the kit goes: its vendor's registry, asked (GET /v2/) so that one that is down fails
// before any build.
struct PublishTarget {
  std::string kit;
  std::string vendor;
  KitLocation location;
};
// `http`: the HTTP client of the registry clients (not owned; none: libcurl), for tests.
PublishTarget publish_target(const Context& ctx, const PublishOptions& options,
                             net::HttpClient* http = nullptr);

// Pushes a built kit (pipeline::build_kit). A package whose layer another kit of this project
// already published to the same registry is mounted from there.
PublishSummary run_publish(const Context& ctx, const PublishTarget& target, const BuiltKit& built,
                           const PublishObserver& observer = {},
                           net::HttpClient* http = nullptr);

}  // namespace osbuild::kit
