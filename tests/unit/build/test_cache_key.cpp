// The build key and the cached artifact of a package, as the stage and `osbuild plan` share them.
#include <gtest/gtest.h>

#include <cstdlib>

#include "osbuild/build/cache_key.h"
#include "osbuild/graph/action_key.h"
#include "osbuild/util/fs.h"

namespace osbuild::build {
namespace {

class CacheKeyTest : public ::testing::Test {
 private:
  TempDir m_dir{"osbuild-cache-key-test"};

 protected:
  void SetUp() override {
    store = std::make_unique<store::Store>(m_dir.path() / "cache", Durability::cache);
    project.packages["base"].name = "base";
    project.packages["app"].name = "app";
    app.kind = graph::ActionKind::build;
    app.name = "app";
    app.inputs = {{"package", "app"}, {"depends", {{"base", "plan key of base"}}}};
  }

  // Stores a result for `inputs` whose artifact holds `text`; returns the artifact digest.
  std::string store_result(const Json& inputs, const std::string& text) {
    std::string artifact = store->put_bytes(text);
    std::string manifest = store->put_bytes("{}\n");
    store->put_action(graph::action_key("build", inputs),
                      {{"outputs",
                        {{{"path", "artifact.tar"}, {"digest", artifact}},
                         {{"path", "manifest.json"}, {"digest", manifest}}}}});
    return artifact;
  }

  std::unique_ptr<store::Store> store;
  config::Project project;
  graph::Action app;
};

TEST_F(CacheKeyTest, DependenciesAreKeyedByTheirArtifactsAndTheEpochIsAnInput) {
  auto inputs = build_inputs(
      app, [](const std::string&) { return std::optional<std::string>("artifact of base"); }, 42);
  ASSERT_TRUE(inputs);
  EXPECT_EQ((*inputs)["depends"]["base"], "artifact of base");
  EXPECT_EQ((*inputs)["source-date-epoch"], 42);
  EXPECT_EQ((*inputs)["package"], "app");
}

TEST_F(CacheKeyTest, ADependencyWithoutAnArtifactLeavesNoKey) {
  EXPECT_FALSE(build_inputs(
      app, [](const std::string&) { return std::nullopt; }, 42));
  EXPECT_FALSE(cached_artifact(project, *store, app, {}, 42));
}

TEST_F(CacheKeyTest, TheStoredResultOfTheKeyIsTheCachedArtifact) {
  Json inputs = app.inputs;
  inputs["depends"]["base"] = "artifact of base";
  inputs["source-date-epoch"] = 42;
  std::string artifact = store_result(inputs, "app's tree");
  std::map<std::string, std::string> artifacts{{"base", "artifact of base"}};
  EXPECT_EQ(cached_artifact(project, *store, app, artifacts, 42), artifact);
  auto outputs = stored_outputs(*store, graph::action_key("build", inputs));
  ASSERT_TRUE(outputs);
  EXPECT_EQ(outputs->artifact, artifact);
  EXPECT_FALSE(outputs->manifest.empty());
  // Another epoch or another artifact of the dependency is another key.
  EXPECT_FALSE(cached_artifact(project, *store, app, artifacts, 43));
  EXPECT_FALSE(cached_artifact(project, *store, app, {{"base", "rebuilt base"}}, 42));
}

TEST_F(CacheKeyTest, AResultWhoseArtifactLeftTheStoreIsNotCached) {
  Json inputs = app.inputs;
  inputs["depends"]["base"] = "artifact of base";
  inputs["source-date-epoch"] = 42;
  std::string key = graph::action_key("build", inputs);
  store->put_action(key,
                    {{"outputs", {{{"path", "artifact.tar"}, {"digest", std::string(64, 'e')}}}}});
  EXPECT_FALSE(stored_outputs(*store, key));
  EXPECT_FALSE(cached_artifact(project, *store, app, {{"base", "artifact of base"}}, 42));
}

TEST_F(CacheKeyTest, AKitPackageIsCachedWhenItsLayerIsInTheStore) {
  graph::Action base{graph::ActionKind::build,      "base", "", "", {},
                     {{"depends", Json::object()}}, {}};
  std::string layer = store->put_bytes("the kit's layer");
  project.packages["base"].kit = config::KitOrigin{"core-kit", "1.0.0", "vendor", layer};
  EXPECT_EQ(cached_artifact(project, *store, base, {}, 42), layer);
  project.packages["base"].kit->artifact = std::string(64, 'f');
  EXPECT_FALSE(cached_artifact(project, *store, base, {}, 42));
}

TEST(SourceDateEpoch, TheEnvironmentWinsOverTheDefault) {
  const char* saved = std::getenv("SOURCE_DATE_EPOCH");
  std::string before = saved != nullptr ? saved : "";
  ::unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_EQ(source_date_epoch(), 1700000000);
  ::setenv("SOURCE_DATE_EPOCH", "1234", 1);
  EXPECT_EQ(source_date_epoch(), 1234);
  if (saved != nullptr) {
    ::setenv("SOURCE_DATE_EPOCH", before.c_str(), 1);
  } else {
    ::unsetenv("SOURCE_DATE_EPOCH");
  }
}

}  // namespace
}  // namespace osbuild::build
