// osbuild publish kit against a registry in memory: each package's layer uploaded (or mounted
// from another kit of the same vendor that has it), the config blob, the arch's manifest and the
// index at v<version>, which keeps the other arches of the index already there.
#include <gtest/gtest.h>

#include "kit_fixture.h"
#include "osbuild/kit/publish.h"
#include "osbuild/store/store.h"

namespace osbuild::kit {
namespace {

using namespace testing;

const std::string k_repo = "osbuild/greet-kit";

class KitPublish : public KitTest {
 protected:
  void SetUp() override {
    write_project("[vendor.other]\nregistry = \"127.0.0.1:5000/elsewhere\"\n");
    write_package("greet", "requires = [\"greet-data\"]\n");
    write_package("greet-data");
    write("kits/greet-kit/kit.toml",
          "[kit]\nvendor = \"local\"\nincluded-packages = [\"greet\"]\n");
    write("kits/data-kit/kit.toml",
          "[kit]\nvendor = \"local\"\nincluded-packages = [\"greet-data\"]\n");
    registry_up();
    accept_uploads(k_repo);
    store::Store store(cache());
    built.name = "greet-kit";
    built.arch = Arch::x86_64;
    for (const std::string name : {"greet", "greet-data"}) {
      std::string data = name + " artifact";
      built.packages.push_back({name, "1.0.0", "MIT", store.put_bytes(data), data.size(), {}});
    }
    built.packages[0].requires_ = {"greet-data"};
    built.kits = {{"base-kit", "^2.0", "local"}};
  }
  std::string digest_of(std::size_t package) const {
    return "sha256:" + built.packages[package].artifact;
  }
  std::string upload_url(const std::string& digest) const {
    return k_base + "/v2/" + k_repo + "/blobs/uploads/u1?digest=sha256%3A" + digest.substr(7);
  }
  // The body of the PUT to `to`.
  std::string put_body(const std::string& to) const {
    for (const auto& s : sent_to(to)) {
      if (s.method == net::Method::put) return s.body;
    }
    ADD_FAILURE() << "no PUT to " << to;
    return {};
  }
  PublishSummary run(const PublishObserver& observer = {}) {
    Context ctx = context();
    PublishTarget target = publish_target(ctx, {"greet-kit", ""}, &http);
    return run_publish(ctx, target, built, observer, &http);
  }

  BuiltKit built;
};

TEST_F(KitPublish, PushesLayersConfigManifestAndIndex) {
  PublishSummary s = run();
  EXPECT_EQ(s.kit, "greet-kit");
  EXPECT_EQ(s.version, "1.0.0");
  EXPECT_EQ(s.tag, "v1.0.0");
  EXPECT_EQ(s.registry, k_host);
  EXPECT_EQ(s.repository, k_repo);
  ASSERT_EQ(s.blobs.size(), 3u);
  EXPECT_EQ(s.blobs[0].what, "greet");
  EXPECT_EQ(s.blobs[0].digest, digest_of(0));
  EXPECT_EQ(s.blobs[1].what, "greet-data");
  EXPECT_EQ(s.blobs[2].what, "(kit config)");
  EXPECT_EQ(s.count(oci::BlobPush::Outcome::uploaded), 3u);
  EXPECT_EQ(http.stored.at(upload_url(digest_of(0))), "greet artifact");
  EXPECT_EQ(http.stored.at(upload_url(digest_of(1))), "greet-data artifact");

  // The config blob: every package with its digest, and the kits it needs.
  KitConfig config = parse_config(Json::parse(http.stored.at(upload_url(s.blobs[2].digest))),
                                  "config");
  EXPECT_EQ(config.name, "greet-kit");
  EXPECT_EQ(config.version, "1.0.0");
  EXPECT_EQ(config.vendor, "local");
  ASSERT_EQ(config.packages.size(), 2u);
  EXPECT_EQ(config.packages[0].digest, digest_of(0));
  EXPECT_EQ(config.packages[0].requires_, (std::vector<std::string>{"greet-data"}));
  EXPECT_EQ(config.kits, built.kits);

  // The manifest at its digest names the config and the layers; the index at the tag names it.
  Json manifest = Json::parse(http.stored.at(url(k_repo, "manifests", s.manifest)));
  EXPECT_EQ(config_digest_of(manifest), s.blobs[2].digest);
  EXPECT_EQ(layer_digests(manifest), (std::vector<std::string>{digest_of(0), digest_of(1)}));
  std::string index_body = http.stored.at(url(k_repo, "manifests", "v1.0.0"));
  EXPECT_EQ(s.index, oci::sha256_digest(index_body));
  Json index = Json::parse(index_body);
  EXPECT_EQ(manifest_of(index, Arch::x86_64), s.manifest);
  EXPECT_EQ(index_arches(index), (std::vector<std::string>{"amd64"}));
  EXPECT_EQ(s.bytes_sent, std::string("greet artifact").size() +
                              std::string("greet-data artifact").size() +
                              http.stored.at(upload_url(s.blobs[2].digest)).size());
}

TEST_F(KitPublish, ALayerAnotherKitOfTheVendorHasIsMounted) {
  // data-kit (same vendor) has greet-data; nothing else has greet.
  http.serve(url("osbuild/data-kit", "blobs", digest_of(1)), "");
  std::string mount = k_base + "/v2/" + k_repo + "/blobs/uploads/?mount=sha256%3A" +
                      digest_of(1).substr(7) + "&from=osbuild/data-kit";
  http.serve(mount, "", 201);
  PublishSummary s = run();
  EXPECT_EQ(s.blobs[0].outcome, oci::BlobPush::Outcome::uploaded);
  EXPECT_EQ(s.blobs[1].outcome, oci::BlobPush::Outcome::mounted);
  EXPECT_EQ(s.count(oci::BlobPush::Outcome::mounted), 1u);
  EXPECT_EQ(http.count(net::Method::post, mount), 1u);
  EXPECT_EQ(http.stored.count(upload_url(digest_of(1))), 0u);
  EXPECT_EQ(s.bytes_sent, std::string("greet artifact").size() +
                              http.stored.at(upload_url(s.blobs[2].digest)).size());
}

TEST_F(KitPublish, BlobsTheRepositoryHasAreNotSentAgain) {
  http.serve(url(k_repo, "blobs", digest_of(0)), "");
  PublishSummary s = run();
  EXPECT_EQ(s.blobs[0].outcome, oci::BlobPush::Outcome::present);
  EXPECT_EQ(s.count(oci::BlobPush::Outcome::uploaded), 2u);
  EXPECT_EQ(http.stored.count(upload_url(digest_of(0))), 0u);
  // Present in its own repository: no other repository is asked.
  EXPECT_EQ(http.count(url("osbuild/data-kit", "blobs", digest_of(0))), 0u);
}

TEST_F(KitPublish, TheIndexKeepsTheOtherArchesOfTheOneAtTheTag) {
  std::string arm = oci::sha256_digest("arm manifest");
  Json existing = index_json("greet-kit", "1.0.0", Json(), Arch::aarch64, arm, 12);
  serve_manifest(k_repo, "v1.0.0", oci::k_index_media_type, canonical_json(existing));
  PublishSummary s = run();
  Json index = Json::parse(put_body(url(k_repo, "manifests", "v1.0.0")));
  EXPECT_EQ(index_arches(index), (std::vector<std::string>{"amd64", "arm64"}));
  EXPECT_EQ(manifest_of(index, Arch::aarch64), arm);
  EXPECT_EQ(manifest_of(index, Arch::x86_64), s.manifest);
}

TEST_F(KitPublish, TheObserverSeesTheStartThenEachBlob) {
  std::vector<std::string> events;
  PublishObserver observer;
  observer.started = [&](const PublishSummary& s) {
    events.push_back("started " + s.kit + " " + s.tag + " " + std::to_string(s.blobs.size()));
  };
  observer.pushed = [&](const PublishedBlob& b) { events.push_back("pushed " + b.what); };
  run(observer);
  EXPECT_EQ(events, (std::vector<std::string>{"started greet-kit v1.0.0 0", "pushed greet",
                                              "pushed greet-data", "pushed (kit config)"}));
}

TEST_F(KitPublish, AnArtifactMissingFromTheStoreSaysToRebuild) {
  built.packages[1].artifact = std::string(64, 'e');
  auto e = catch_error([&] { run(); });
  EXPECT_EQ(e.what, "the artifact of package greet-data (" + std::string(64, 'e') +
                        ") is not in the store at " + store::Store(cache()).root().string());
  EXPECT_EQ(e.hint, "run `osbuild build package greet-data --force-package greet-data`");
  EXPECT_EQ(http.count(url(k_repo, "manifests", "v1.0.0")), 0u);
}

TEST_F(KitPublish, TheTargetIsTheKitsVendorOrTheOneAsked) {
  Context ctx = context();
  PublishTarget own = publish_target(ctx, {"greet-kit", ""}, &http);
  EXPECT_EQ(own.vendor, "local");
  EXPECT_EQ(own.location.source(), k_host + "/osbuild/greet-kit");
  PublishTarget other = publish_target(ctx, {"greet-kit", "other"}, &http);
  EXPECT_EQ(other.vendor, "other");
  EXPECT_EQ(other.location.repository, "elsewhere/greet-kit");
  EXPECT_EQ(http.count(k_base + "/v2/"), 2u);  // each asked before any build

  auto e = catch_error([&] { publish_target(ctx, {"greet-kit", "nope"}, &http); });
  EXPECT_EQ(e.what.rfind("--vendor: vendor \"nope\" is not declared", 0), 0u) << e.what;
}

TEST_F(KitPublish, ARegistryThatIsDownFailsTheTarget) {
  http.fail(k_base + "/v2/", net::code::couldnt_connect, "Connection refused");
  auto e = catch_error([&] { publish_target(context(), {"greet-kit", ""}, &http); });
  EXPECT_EQ(e.what, "kit greet-kit: vendor \"local\" (" + k_host +
                        "/osbuild/greet-kit): cannot reach the registry at " + k_base +
                        " (GET /v2/): Connection refused");
  EXPECT_NE(e.hint.find("127.0.0.1:5000"), std::string::npos) << e.hint;
}

}  // namespace
}  // namespace osbuild::kit
