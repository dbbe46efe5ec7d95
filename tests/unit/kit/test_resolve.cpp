// osbuild update against a registry in memory: tags listed, the highest matching one picked (by
// version, not by text), the kits a kit's config requires resolved too, a conflict naming the
// chain of who wants which, and --locked refusing a change.
#include <gtest/gtest.h>

#include "kit_fixture.h"
#include "osbuild/kit/kit.h"

namespace osbuild::kit {
namespace {

using namespace testing;

const std::string k_app_req =
    "[[kit]]\nname = \"app-kit\"\nversion = \"^1.0\"\nvendor = \"local\"\n";  // osbuild.toml:6:1

class KitResolve : public KitTest {
 protected:
  void SetUp() override {
    registry_up();
    serve_tags("osbuild/app-kit", {"v1.0.0", "v1.2.0", "v1.10.0", "v2.0.0", "latest", "vx"});
    publish("app-kit", "1.0.0", {"app"});
    publish("app-kit", "1.2.0", {"app"});
    app = publish("app-kit", "1.10.0", {"app"}, {{"base-kit", "^2.0", "local"}});
    publish("app-kit", "2.0.0", {"app"});
    serve_tags("osbuild/base-kit", {"v2.0.0", "v2.1.0", "v3.0.0"});
    publish("base-kit", "2.0.0", {"base"});
    base = publish("base-kit", "2.1.0", {"base"});
    base3 = publish("base-kit", "3.0.0", {"base"});
  }
  PublishedKit app, base, base3;
};

TEST_F(KitResolve, PicksTheHighestMatchingTagAndTheKitsItRequires) {
  write_project(k_app_req);
  config::Lock lock = resolve_lock(context(), &http);
  EXPECT_EQ(lock.path, root() / "osbuild.lock");
  ASSERT_EQ(lock.kits.size(), 2u);
  const config::LockedKit& a = lock.kits[0];
  EXPECT_EQ(a.name, "app-kit");
  EXPECT_EQ(a.version, "1.10.0");  // 1.10.0 > 1.2.0; v2.0.0 does not match; "latest" is no version
  EXPECT_EQ(a.vendor, "local");
  EXPECT_EQ(a.source, k_host + "/osbuild/app-kit:v1.10.0");
  EXPECT_EQ(a.digest, app.index_digest);
  EXPECT_EQ(a.kits, (std::vector<config::KitDependency>{{"base-kit", "^2.0", "local"}}));
  const config::LockedKit& b = lock.kits[1];
  EXPECT_EQ(b.name, "base-kit");
  EXPECT_EQ(b.version, "2.1.0");
  EXPECT_EQ(b.source, k_host + "/osbuild/base-kit:v2.1.0");
  EXPECT_EQ(b.digest, base.index_digest);
  EXPECT_TRUE(b.kits.empty());
  EXPECT_EQ(http.count(url("osbuild/app-kit", "tags", "list")), 1u);
  // Only the chosen versions are read.
  EXPECT_EQ(http.count(url("osbuild/app-kit", "manifests", "v1.2.0")), 0u);
  EXPECT_EQ(http.count(url("osbuild/base-kit", "manifests", "v3.0.0")), 0u);
}

TEST_F(KitResolve, AConflictNamesTheChainOfWhoWantsWhich) {
  write_project(k_app_req +
                "[[kit]]\nname = \"base-kit\"\nversion = \"^3.0\"\nvendor = \"local\"\n");
  auto e = catch_error([&] { resolve_lock(context(), &http); });
  EXPECT_EQ(e.what, "kit base-kit is wanted at versions no single tag of " + k_host +
                        "/osbuild/base-kit meets:\n"
                        "  osbuild.toml:10:1 → base-kit ^3.0\n"
                        "  osbuild.toml:6:1 → app-kit 1.10.0 → base-kit ^2.0\n"
                        "available: v2.0.0, v2.1.0, v3.0.0");
  EXPECT_NE(e.hint.find("make the requirements agree"), std::string::npos) << e.hint;
  EXPECT_NE(e.hint.find("compatible versions of base-kit"), std::string::npos) << e.hint;
}

TEST_F(KitResolve, NoMatchingTagListsWhatThereIs) {
  write_project("[[kit]]\nname = \"app-kit\"\nversion = \"^5\"\nvendor = \"local\"\n");
  auto e = catch_error([&] { resolve_lock(context(), &http); });
  EXPECT_EQ(e.what, "osbuild.toml:6:1: no version of kit app-kit in " + k_host +
                        "/osbuild/app-kit matches \"^5\"; available: v1.0.0, v1.2.0, v1.10.0, "
                        "v2.0.0");
  EXPECT_EQ(e.hint, "change kit.version in osbuild.toml to a requirement one of them meets");
}

TEST_F(KitResolve, AKitNeverPublishedSaysToPublishIt) {
  write_project("[[kit]]\nname = \"new-kit\"\nversion = \"^1\"\nvendor = \"local\"\n");
  auto e = catch_error([&] { resolve_lock(context(), &http); });
  EXPECT_EQ(e.what, "osbuild.toml:6:1: no version of kit new-kit in " + k_host +
                        "/osbuild/new-kit matches \"^1\"; available: none");
  EXPECT_EQ(e.hint, "publish the kit first: `osbuild publish kit new-kit` in the project that "
                    "builds it");
}

TEST_F(KitResolve, ATransitiveMissNamesTheKitThatWantsIt) {
  write_project(k_app_req);
  serve_tags("osbuild/base-kit", {"v3.0.0"});
  auto e = catch_error([&] { resolve_lock(context(), &http); });
  EXPECT_EQ(e.what, "osbuild.toml:6:1 → app-kit 1.10.0 → base-kit ^2.0: no version of kit "
                    "base-kit in " +
                        k_host + "/osbuild/base-kit matches \"^2.0\"; available: v3.0.0");
}

TEST_F(KitResolve, ATagThatIsNotAnIndexIsRefused) {
  write_project(k_app_req);
  serve_manifest("osbuild/app-kit", "v1.10.0", oci::k_manifest_media_type, app.manifest_body);
  auto e = catch_error([&] { resolve_lock(context(), &http); });
  EXPECT_EQ(e.what, k_host + "/osbuild/app-kit:v1.10.0 is a " +
                        std::string(oci::k_manifest_media_type) + ", not an OCI image index");
  EXPECT_EQ(e.hint, "republish the kit with `osbuild publish kit`");
}

TEST_F(KitResolve, AVendorAKitNeedsButTheProjectLacksIsNamedWithTheKit) {
  write_project(k_app_req);
  publish("app-kit", "1.10.0", {"app"}, {{"base-kit", "^2.0", "lcal"}});
  auto e = catch_error([&] { resolve_lock(context(), &http); });
  EXPECT_EQ(e.what.rfind("kit app-kit 1.10.0: vendor \"lcal\" is not declared", 0), 0u) << e.what;
  EXPECT_NE(e.what.find("local"), std::string::npos) << e.what;  // the suggestion
  EXPECT_EQ(e.hint, "add [vendor.lcal] with registry = \"host:port/path\" to osbuild.toml");
  EXPECT_EQ(http.count(url("osbuild/base-kit", "tags", "list")), 0u);
}

TEST_F(KitResolve, UpdateWritesTheLockOnceAndLockedRefusesAChange) {
  write_project(k_app_req);
  UpdateSummary first = run_update(context(), &http);
  EXPECT_TRUE(first.changed);
  EXPECT_EQ(first.path, root() / "osbuild.lock");
  std::string text = read_file(first.path).value();
  EXPECT_EQ(text, config::render_lock(first.lock));
  EXPECT_FALSE(run_update(context(), &http).changed);
  EXPECT_FALSE(run_update(context({{"locked", "true"}}), &http).changed);

  PublishedKit newer = publish("app-kit", "1.11.0", {"app"}, {{"base-kit", "^2.0", "local"}});
  serve_tags("osbuild/app-kit", {"v1.10.0", "v1.11.0"});
  auto e = catch_error([&] { run_update(context({{"locked", "true"}}), &http); });
  EXPECT_EQ(e.what, "--locked: osbuild.lock is not up to date:\n  app-kit 1.10.0 (" +
                        app.index_digest.substr(0, 19) + ") would become 1.11.0 (" +
                        newer.index_digest.substr(0, 19) + ")");
  EXPECT_EQ(e.code, ExitCode::verification);
  EXPECT_EQ(read_file(root() / "osbuild.lock").value(), text);

  UpdateSummary second = run_update(context(), &http);
  EXPECT_TRUE(second.changed);
  EXPECT_EQ(config::read_lock(root())->find("app-kit")->digest, newer.index_digest);
}

}  // namespace
}  // namespace osbuild::kit
