#include <gtest/gtest.h>

#include "osbuild/fetch/fetch.h"

using namespace osbuild;

namespace {
config::Package package(const std::string& name, std::vector<std::string> depends,
                        std::vector<std::string> requires_) {
  config::Package p;
  p.name = name;
  p.depends = std::move(depends);
  p.runtime_requires = std::move(requires_);
  return p;
}
}  // namespace

TEST(FetchSelect, VariantClosureFollowsDependsAndRequires) {
  config::Project project;
  project.packages["libc"] = package("libc", {}, {});
  project.packages["zlib"] = package("zlib", {"libc"}, {});
  project.packages["agent"] = package("agent", {"zlib"}, {"conf"});
  project.packages["conf"] = package("conf", {}, {});
  project.packages["unused"] = package("unused", {}, {});
  config::Variant v;
  v.name = "dev";
  v.included_packages = {"agent"};
  project.variants["dev"] = v;
  std::vector<std::string> names;
  for (const auto* p : fetch::select_packages(project, "dev")) names.push_back(p->name);
  EXPECT_EQ(names, (std::vector<std::string>{"agent", "conf", "libc", "zlib"}));
  EXPECT_EQ(fetch::select_packages(project, "").size(), 5u);
}

TEST(FetchSelect, KeysAreStoreEntryNames) {
  auto key = store::external_file_key(std::string(128, 'a'));
  EXPECT_EQ(key.size(), 64u);
  EXPECT_NE(key, store::git_source_key("https://x/y.git", std::string(40, 'a')));
}
