// osbuild fetch for kits, against a registry in memory: a locked kit pulled by digest (index →
// manifest → config → layers) into the store and recorded; what is wrong with what the registry
// holds named with the fix; a kit already fetched touches no network; --offline refused.
#include <gtest/gtest.h>

#include "kit_fixture.h"
#include "osbuild/kit/kit.h"
#include "osbuild/store/store.h"
#include "osbuild/workspace/records.h"

namespace osbuild::kit {
namespace {

using namespace testing;

class KitFetch : public KitTest {
 protected:
  void SetUp() override {
    write_project("[[kit]]\nname = \"greet-kit\"\nversion = \"^1.0\"\nvendor = \"local\"\n");
    registry_up();
    kit = publish("greet-kit", "1.2.0", {"greet", "greet-data"});
    lock_to(kit);
  }
  void lock_to(const PublishedKit& k) const {
    config::Lock lock;
    lock.kits.push_back({"greet-kit", k.config.version, "local",
                         k_host + "/osbuild/greet-kit:v" + k.config.version, k.index_digest,
                         k.config.kits, {}});
    write("osbuild.lock", config::render_lock(lock));
  }
  std::string blob_url(const std::string& data) const {
    return url("osbuild/greet-kit", "blobs", oci::sha256_digest(data));
  }
  std::string hex(const std::string& data) const { return oci::sha256_digest(data).substr(7); }

  PublishedKit kit;
};

TEST_F(KitFetch, PullsALockedKitByDigestIntoTheStoreAndRecordsIt) {
  Context ctx = context();
  FetchSummary summary = fetch_kits(ctx, &http);
  EXPECT_EQ(summary.kits, 1u);
  EXPECT_EQ(summary.layers, 2u);
  EXPECT_EQ(summary.downloaded, 2u);
  EXPECT_EQ(summary.bytes, kit.layers[0].size() + kit.layers[1].size());

  store::Store store(cache());
  for (const auto& layer : kit.layers) {
    auto path = store.get_blob(hex(layer));
    ASSERT_TRUE(path) << layer;
    EXPECT_EQ(read_file(*path).value(), layer);
  }
  auto record = workspace::read_fetched_kit(ctx.build_dir(), Arch::x86_64, "greet-kit");
  ASSERT_TRUE(record);
  EXPECT_EQ((*record)["name"], "greet-kit");
  EXPECT_EQ((*record)["version"], "1.2.0");
  EXPECT_EQ((*record)["vendor"], "local");
  EXPECT_EQ((*record)["source"], k_host + "/osbuild/greet-kit");
  EXPECT_EQ((*record)["arch"], "x86_64");
  EXPECT_EQ((*record)["index"], kit.index_digest);
  EXPECT_EQ((*record)["manifest"], kit.manifest_digest);
  EXPECT_EQ((*record)["config"], kit.config_digest);
  EXPECT_EQ((*record)["packages"], packages_json(kit.config.packages));

  // Index, manifest and config by digest, never by tag; each fetched once.
  EXPECT_EQ(http.count(url("osbuild/greet-kit", "manifests", "v1.2.0")), 0u);
  EXPECT_EQ(http.count(url("osbuild/greet-kit", "manifests", kit.index_digest)), 1u);
  EXPECT_EQ(http.count(url("osbuild/greet-kit", "manifests", kit.manifest_digest)), 1u);
  EXPECT_EQ(http.count(blob_url(kit.config_body)), 1u);
  EXPECT_EQ(http.count(blob_url(kit.layers[1])), 1u);
}

TEST_F(KitFetch, AKitAlreadyFetchedTouchesNoNetwork) {
  Context ctx = context();
  fetch_kits(ctx, &http);
  http.sent.clear();
  FetchSummary again = fetch_kits(ctx, &http);
  EXPECT_TRUE(http.sent.empty()) << http.sent.front().url;
  EXPECT_EQ(again.kits, 1u);
  EXPECT_EQ(again.downloaded, 0u);
  // Even offline: nothing is missing.
  EXPECT_NO_THROW(fetch_kits(context({{"offline", "true"}}), &http));
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(KitFetch, ALayerMissingFromTheStoreIsFetchedAgainAndOnlyIt) {
  Context ctx = context();
  fetch_kits(ctx, &http);
  {
    store::Store store(cache());
    fs::remove(*store.get_blob(hex(kit.layers[0])));
  }
  http.sent.clear();
  FetchSummary summary = fetch_kits(ctx, &http);
  EXPECT_EQ(summary.layers, 2u);
  EXPECT_EQ(summary.downloaded, 1u);
  EXPECT_EQ(http.count(blob_url(kit.layers[0])), 1u);
  EXPECT_EQ(http.count(blob_url(kit.layers[1])), 0u);
}

TEST_F(KitFetch, OfflineIsRefusedWhenSomethingIsMissing) {
  auto e = catch_error([&] { fetch_kits(context({{"offline", "true"}}), &http); });
  EXPECT_EQ(e.what, "kit greet-kit 1.2.0 is not fetched for x86_64 and --offline forbids the "
                    "registry");
  EXPECT_EQ(e.hint, "run `osbuild fetch` without --offline");
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(KitFetch, AnIndexWithoutTheArchNamesTheArchesItHas) {
  auto e = catch_error([&] { fetch_kits(context({{"arch", "aarch64"}}), &http); });
  EXPECT_EQ(e.what, "kit greet-kit 1.2.0 (" + k_host +
                        "/osbuild/greet-kit:v1.2.0) has no manifest for aarch64 (arm64); it "
                        "has: amd64");
  EXPECT_EQ(e.hint, "publish it for that arch in the kit's project: `osbuild publish kit "
                    "greet-kit --arch aarch64`");
  EXPECT_FALSE(workspace::read_fetched_kit(root() / "build", Arch::aarch64, "greet-kit"));
}

TEST_F(KitFetch, AConfigPackageThatIsNotALayerIsRefused) {
  kit.manifest["layers"].erase(1);  // greet-data's layer
  serve("greet-kit", kit);
  lock_to(kit);
  auto e = catch_error([&] { fetch_kits(context(), &http); });
  EXPECT_EQ(e.what, "kit greet-kit 1.2.0: config names package greet-data at " +
                        oci::sha256_digest(kit.layers[1]) + ", which is not a layer of manifest " +
                        kit.manifest_digest);
  EXPECT_EQ(e.hint, "republish the kit with `osbuild publish kit`");
  EXPECT_EQ(e.code, ExitCode::verification);
  EXPECT_FALSE(workspace::read_fetched_kit(root() / "build", Arch::x86_64, "greet-kit"));
}

TEST_F(KitFetch, ABlobWhoseDigestDoesNotMatchIsRefused) {
  http.serve(blob_url(kit.layers[1]), "something else");
  auto e = catch_error([&] { fetch_kits(context(), &http); });
  std::string start =
      "blob " + oci::sha256_digest(kit.layers[1]) + " of osbuild/greet-kit from " + k_base + ": ";
  EXPECT_EQ(e.what.rfind(start, 0), 0u)
      << e.what;
  EXPECT_NE(e.what.find(oci::sha256_digest("something else")), std::string::npos) << e.what;
  EXPECT_EQ(e.code, ExitCode::verification);
  EXPECT_NE(e.hint.find("republish the kit"), std::string::npos);
  store::Store store(cache());
  EXPECT_FALSE(store.has_blob(hex("something else")));
  EXPECT_FALSE(workspace::read_fetched_kit(root() / "build", Arch::x86_64, "greet-kit"));
}

TEST_F(KitFetch, AConfigOfAnotherKitOrArchIsRefused) {
  KitConfig other = kit.config;
  other.name = "other-kit";
  kit.config_body = canonical_json(config_json(other));
  kit.config_digest = oci::sha256_digest(kit.config_body);
  kit.manifest = manifest_json(other, kit.config_digest, kit.config_body.size());
  serve("greet-kit", kit);
  lock_to(kit);
  auto e = catch_error([&] { fetch_kits(context(), &http); });
  EXPECT_EQ(e.what, "kit greet-kit 1.2.0: config " + kit.config_digest +
                        " describes other-kit for x86_64, not greet-kit for x86_64");
  EXPECT_EQ(e.code, ExitCode::verification);
}

TEST_F(KitFetch, AnIndexNoLongerInTheRegistrySaysToUpdate) {
  http.remove(url("osbuild/greet-kit", "manifests", kit.index_digest));
  auto e = catch_error([&] { fetch_kits(context(), &http); });
  EXPECT_EQ(e.what, "kit greet-kit 1.2.0: index " + kit.index_digest + " is no longer in " +
                        k_host + "/osbuild/greet-kit");
  EXPECT_EQ(e.hint, "the kit was deleted or republished; run `osbuild update`");
}

TEST_F(KitFetch, ARegistryThatIsDownIsNamedWithTheKitAndVendor) {
  http.fail(k_base + "/v2/", net::code::couldnt_connect, "Connection refused");
  auto e = catch_error([&] { fetch_kits(context(), &http); });
  EXPECT_EQ(e.what, "kit greet-kit: vendor \"local\" (" + k_host +
                        "/osbuild/greet-kit): cannot reach the registry at " + k_base +
                        " (GET /v2/): Connection refused");
}

TEST_F(KitFetch, KitsNoLongerLockedLoseTheirRecords) {
  Context ctx = context();
  workspace::write_fetched_kit(ctx.build_dir(), Arch::x86_64, "old-kit", Json::object());
  fetch_kits(ctx, &http);
  EXPECT_FALSE(fs::exists(workspace::fetched_kit_path(ctx.build_dir(), Arch::x86_64, "old-kit")));
  EXPECT_TRUE(fs::exists(workspace::fetched_kit_path(ctx.build_dir(), Arch::x86_64, "greet-kit")));
}

TEST_F(KitFetch, RequiredKitsWithoutALockSayToUpdateFirst) {
  fs::remove(root() / "osbuild.lock");
  auto e = catch_error([&] { fetch_kits(context(), &http); });
  EXPECT_EQ(e.what, "osbuild.toml requires 1 kit(s) but there is no osbuild.lock in " +
                        root().string());
  EXPECT_EQ(e.hint, "run `osbuild update` first");
  EXPECT_TRUE(http.sent.empty());
}

}  // namespace
}  // namespace osbuild::kit
