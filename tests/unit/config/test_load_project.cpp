#include <gtest/gtest.h>

#include "config_test_util.h"
#include "test_paths.h"
#include "osbuild/config/load.h"

using namespace osbuild;
using namespace osbuild::config;
using namespace osbuild::config::testing;

namespace {

const std::string k_header = "schema-version = 1\nname = \"test-os\"\nrelease-version = \"1.0.0\"\n";

Caught project_file_error(const std::string& text) {
  return catch_error([&] { parse_project_file(text, "osbuild.toml"); });
}

Caught load_error(const ProjectDir& dir) {
  return catch_error([&] { load_project(dir.root()); });
}

void write_package(const ProjectDir& dir, const std::string& name, const std::string& extra = {}) {
  dir.write("packages/" + name + "/package.toml",
            "[package]\nversion = \"1.0.0\"\n" + extra);
}

}  // namespace

// ---- osbuild.toml --------------------------------------------------------------------------

TEST(LoadProjectFile, ReadsEveryKey) {
  ProjectFile f = parse_project_file(k_header + R"(
[vendor.local]
registry = "127.0.0.1:5000/osbuild"
insecure = true

[[kit]]
name = "core-kit"
version = "^2.1"
vendor = "local"

[sources]
lookaside = ["../lookaside", "https://cache.example.org"]
upstream-fallback = true

[cache]
dir = "~/.cache/osbuild"
max-size = "20 GiB"
remote = "http://127.0.0.1:9090/cache"
remote-upload = false
)",
                                     "osbuild.toml");
  EXPECT_EQ(f.schema_version, 1);
  EXPECT_EQ(f.name, "test-os");
  EXPECT_EQ(f.release_version.str(), "1.0.0");
  EXPECT_EQ(f.release_version_where.str(), "osbuild.toml:3:19");
  EXPECT_EQ(f.vendors.at("local").registry, "127.0.0.1:5000/osbuild");
  EXPECT_TRUE(f.vendors.at("local").insecure);
  ASSERT_EQ(f.kits.size(), 1u);
  EXPECT_EQ(f.kits[0].version.str(), "^2.1");
  EXPECT_EQ(f.sources.lookaside.size(), 2u);
  EXPECT_EQ(f.sources.upstream_fallback, std::optional<bool>(true));
  EXPECT_EQ(f.cache.max_size, std::optional<std::uint64_t>(20ULL << 30));
  EXPECT_EQ(f.cache.max_size_text, std::optional<std::string>("20 GiB"));
  EXPECT_EQ(f.cache.remote_upload, std::optional<bool>(false));
}

TEST(LoadProjectFile, UnsupportedSchemaComesBeforeUnknownKeys) {
  auto e = project_file_error("schema-version = 2\nname = \"x\"\nrelease-version = \"1.0.0\"\n"
                              "project-vendor = \"x\"\n");
  EXPECT_EQ(e.what, "osbuild.toml:1:18: unsupported schema-version 2: this osbuild reads "
                    "schema-version 1");
}

TEST(LoadProjectFile, VersionWithLeadingV) {
  auto e = project_file_error("schema-version = 1\nname = \"x\"\nrelease-version = \"v1.0.0\"\n");
  EXPECT_EQ(e.hint, "drop the leading 'v': release-version = \"1.0.0\"");
}

TEST(LoadProjectFile, MissingName) {
  auto e = project_file_error("schema-version = 1\nrelease-version = \"1.0.0\"\n");
  EXPECT_EQ(e.what, "osbuild.toml:1:1: missing required key 'name' at the top level");
  EXPECT_EQ(e.hint, "add name = \"hello-os\" at the top of osbuild.toml");
}

TEST(LoadProjectFile, UnknownTopLevelKey) {
  auto e = project_file_error(k_header + "release_version = \"1.0.0\"\n");
  EXPECT_EQ(e.what, "osbuild.toml:4:1: unknown key 'release_version' at the top level, did you "
                    "mean 'release-version'?");
}

TEST(LoadProjectFile, KitVendorMustBeDeclared) {
  auto e = project_file_error(k_header + "[vendor.local]\nregistry = \"r/x\"\n[[kit]]\n"
                                         "name = \"core-kit\"\nversion = \"^1\"\nvendor = \"lcoal\"\n");
  EXPECT_EQ(e.what, "osbuild.toml:9:10: unknown vendor 'lcoal' for kit 'core-kit', did you mean "
                    "'local'?");
  EXPECT_EQ(e.hint, "declare it in osbuild.toml: [vendor.lcoal] registry = \"host[:port]/path\"");
}

TEST(LoadProjectFile, KitVersionRequirement) {
  auto e = project_file_error(k_header + "[vendor.local]\nregistry = \"r/x\"\n[[kit]]\n"
                                         "name = \"core-kit\"\nversion = \"two\"\nvendor = \"local\"\n");
  EXPECT_EQ(e.what, "osbuild.toml:8:11: invalid version requirement 'two' for kit 'core-kit': "
                    "expected e.g. '^2.1', '~2.1.3', '=2.1.3', '>=1.0, <2' or '*'");
}

TEST(LoadProjectFile, BadVendorName) {
  auto e = project_file_error(k_header + "[vendor.\"my vendor\"]\nregistry = \"r/x\"\n");
  EXPECT_EQ(e.what, "osbuild.toml:4:9: invalid vendor name 'my vendor': only letters, digits, '_' "
                    "and '-' are allowed, found ' '");
}

TEST(LoadProjectFile, BadSize) {
  auto e = project_file_error(k_header + "[cache]\nmax-size = \"20 gigs\"\n");
  EXPECT_EQ(e.what, "osbuild.toml:5:12: invalid size '20 gigs' for 'max-size': expected a whole "
                    "number and a unit: B, KiB, MiB, GiB, TiB, kB, MB, GB or TB");
  EXPECT_EQ(e.hint, "write it as max-size = \"20 GiB\"");
}

TEST(LoadProjectFile, LookasideUrlScheme) {
  auto e = project_file_error(k_header + "[sources]\nlookaside = [\"ftp://mirror/x\"]\n");
  EXPECT_EQ(e.what, "osbuild.toml:5:14: unsupported URL scheme 'ftp' for 'lookaside': expected "
                    "http, https or file");
}

TEST(LoadProjectFile, DuplicateKit) {
  std::string kit = "[[kit]]\nname = \"k\"\nversion = \"^1\"\nvendor = \"v\"\n";
  auto e = project_file_error(k_header + "[vendor.v]\nregistry = \"r/x\"\n" + kit + kit);
  EXPECT_EQ(e.what, "osbuild.toml:10:1: kit 'k' is required twice");
}

// ---- find_project_root ---------------------------------------------------------------------

TEST(FindProjectRoot, SearchesUpward) {
  ProjectDir dir;
  dir.mkdir("packages/zlib/src");
  EXPECT_EQ(find_project_root(dir.root() / "packages/zlib/src"), dir.root());
  EXPECT_EQ(find_project_root(dir.root()), dir.root());
}

TEST(FindProjectRoot, NamesTheStartFolder) {
  TempDir dir;
  auto e = catch_error([&] { find_project_root(dir.path()); });
  EXPECT_EQ(e.what, "no osbuild.toml in " + dir.path().string() + " or any folder above it");
  EXPECT_EQ(e.hint, "run osbuild inside a project, or point at one with -C <project folder>");
}

// ---- load_project --------------------------------------------------------------------------

TEST(LoadProject, LoadsEverything) {
  ProjectDir dir;
  dir.write("osbuild.toml", k_header + "[vendor.local]\nregistry = \"r/x\"\n");
  dir.write("Release.toml", "version = \"1.0.0\"\n[migrations]\n\"(0.9.0, 1.0.0)\" = []\n");
  dir.write("Infra.toml", "[repo.default]\n");
  dir.write("repo-expirations.toml", std::string(default_expiration_policy_text()));
  dir.write("waves.toml", std::string(default_wave_policy_text()));
  write_package(dir, "libc");
  write_package(dir, "zlib", "depends = [\"libc\"]\nsource-groups = [\"zlib\"]\n"
                             "[build]\nsystem = \"script\"\nscript = \"build.sh\"\n");
  dir.write("packages/zlib/build.sh", "true\n");
  dir.mkdir("sources/zlib");
  dir.write("kits/core-kit/kit.toml",
            "[kit]\nvendor = \"local\"\nincluded-packages = [\"zlib\"]\n");
  dir.write("variants/dev/variant.toml", "[variant]\nincluded-packages = [\"zlib\"]\n");
  dir.mkdir("packages/.hidden");
  Project p = load_project(dir.root());
  EXPECT_EQ(p.root, dir.root());
  EXPECT_EQ(p.packages.size(), 2u);
  EXPECT_EQ(p.package("zlib").depends, (std::vector<std::string>{"libc"}));
  EXPECT_EQ(p.package("zlib").where.at("depends[0]").str(), "packages/zlib/package.toml:3:12");
  EXPECT_EQ(p.kit("core-kit").vendor, "local");
  EXPECT_EQ(p.variant("dev").included_packages.size(), 1u);
  ASSERT_TRUE(p.release && p.infra && p.expirations && p.waves);
  EXPECT_EQ(p.release->path, dir.root() / "Release.toml");
  EXPECT_EQ(p.waves->waves.size(), 7u);
}

TEST(LoadProject, OptionalFilesMayBeAbsent) {
  ProjectDir dir;
  Project p = load_project(dir.root());
  EXPECT_FALSE(p.release || p.infra || p.expirations || p.waves);
  EXPECT_TRUE(p.packages.empty());
}

TEST(LoadProject, NoProjectFile) {
  TempDir dir;
  auto e = catch_error([&] { load_project(dir.path()); });
  EXPECT_EQ(e.what, "no osbuild.toml in " + dir.path().string());
}

TEST(LoadProject, ErrorsNameFilesRelativeToTheRoot) {
  ProjectDir dir;
  dir.write("packages/zlib/package.toml", "[package]\nversion = \"1.0\"\n");
  auto e = load_error(dir);
  EXPECT_EQ(e.what, "packages/zlib/package.toml:2:11: invalid version '1.0' for 'version': "
                    "expected a semantic version major.minor.patch such as '1.4.0'");
}

TEST(LoadProject, ReleaseVersionMismatch) {
  ProjectDir dir;
  dir.write("Release.toml", "version = \"1.1.0\"\n");
  auto e = load_error(dir);
  EXPECT_EQ(e.what, "osbuild.toml:3:19: release-version 1.0.0 does not match Release.toml's "
                    "version 1.1.0 (Release.toml:1:11)");
  EXPECT_EQ(e.hint, "set release-version in osbuild.toml and version in Release.toml to the "
                    "version you are releasing");
}

TEST(LoadProject, ChecksMigrations) {
  ProjectDir dir;
  dir.write("Release.toml", "version = \"1.0.0\"\n[migrations]\n\"(0.8.0, 0.9.0)\" = []\n");
  EXPECT_EQ(load_error(dir).what, "Release.toml:1:11: missing version transition: (0.9.0, 1.0.0)");
}

TEST(LoadProject, FolderMustMatchDeclaredName) {
  ProjectDir dir;
  dir.write("packages/zlib/package.toml", "[package]\nname = \"zlib-ng\"\nversion = \"1.0.0\"\n");
  auto e = load_error(dir);
  EXPECT_EQ(e.what, "packages/zlib/package.toml:2:8: package name 'zlib-ng' does not match its "
                    "folder packages/zlib/");
  EXPECT_EQ(e.hint, "rename the folder to packages/zlib-ng, or write name = \"zlib\"");
}

TEST(LoadProject, FolderWithoutManifest) {
  ProjectDir dir;
  dir.mkdir("variants/dev");
  auto e = load_error(dir);
  EXPECT_EQ(e.what, "variants/dev/: folder has no variant.toml");
}

TEST(LoadProject, BadFolderName) {
  ProjectDir dir;
  dir.write("variants/dev+x/variant.toml", "[variant]\nincluded-packages = []\n");
  auto e = load_error(dir);
  EXPECT_EQ(e.what, "variants/dev+x/variant.toml:1:1: invalid variant name 'dev+x': only letters, "
                    "digits, '_', '.' and '-' are allowed, found '+'");
  EXPECT_EQ(e.hint, "rename it, e.g. 'dev-x'");
  dir.write("variants/aws-k8s-1.31/variant.toml", "[variant]\nincluded-packages = []\n");
  std::filesystem::remove_all(dir.root() / "variants/dev+x");
  EXPECT_EQ(load_project(dir.root()).variants.count("aws-k8s-1.31"), 1u);
}

TEST(LoadProject, MissingDependencySuggestsNearest) {
  ProjectDir dir;
  write_package(dir, "zlib");
  write_package(dir, "app", "depends = [\"zlib\", \"zlbi\"]\n");
  auto e = load_error(dir);
  EXPECT_EQ(e.what, "packages/app/package.toml:3:20: unknown package 'zlbi' in 'depends', did you "
                    "mean 'zlib'?");
  EXPECT_EQ(e.hint, "packages are the folders under packages/ that hold a package.toml; fix the "
                    "name or add packages/zlbi/package.toml");
}

TEST(LoadProject, MissingRuntimeRequirement) {
  ProjectDir dir;
  write_package(dir, "app", "requires = [\"ca-certificates\"]\n");
  EXPECT_EQ(load_error(dir).what,
            "packages/app/package.toml:3:13: unknown package 'ca-certificates' in 'requires'");
}

TEST(LoadProject, KitIncludesMissingPackage) {
  ProjectDir dir;
  dir.write("osbuild.toml", k_header + "[vendor.local]\nregistry = \"r/x\"\n");
  write_package(dir, "zlib");
  dir.write("kits/core-kit/kit.toml",
            "[kit]\nvendor = \"local\"\nincluded-packages = [\"zlib\", \"lua\"]\n");
  EXPECT_EQ(load_error(dir).what,
            "kits/core-kit/kit.toml:3:30: unknown package 'lua' in 'included-packages'");
}

TEST(LoadProject, KitVendorMustBeDeclared) {
  ProjectDir dir;
  dir.write("osbuild.toml", k_header + "[vendor.local]\nregistry = \"r/x\"\n");
  dir.write("kits/core-kit/kit.toml", "[kit]\nvendor = \"locl\"\nincluded-packages = []\n");
  auto e = load_error(dir);
  EXPECT_EQ(e.what, "kits/core-kit/kit.toml:2:10: unknown vendor 'locl' for kit 'core-kit', did "
                    "you mean 'local'?");
}

TEST(LoadProject, KitVendorMayComeFromInfra) {
  ProjectDir dir;
  dir.write("Infra.toml", "[vendor.bottlerocket]\nregistry = \"public.ecr.aws/bottlerocket\"\n");
  dir.write("kits/core-kit/kit.toml", "[kit]\nvendor = \"bottlerocket\"\nincluded-packages = []\n");
  EXPECT_EQ(load_project(dir.root()).kit("core-kit").vendor, "bottlerocket");
}

TEST(LoadProject, VariantIncludesMissingPackage) {
  ProjectDir dir;
  write_package(dir, "init");
  dir.write("variants/dev/variant.toml", "[variant]\nincluded-packages = [\"inti\"]\n");
  EXPECT_EQ(load_error(dir).what, "variants/dev/variant.toml:2:22: unknown package 'inti' in "
                                  "'included-packages', did you mean 'init'?");
}

TEST(LoadProject, NamesFromExternalKitsAreLeftToTheGraph) {
  ProjectDir dir;
  dir.write("osbuild.toml", k_header + "[vendor.v]\nregistry = \"r/x\"\n[[kit]]\nname = \"core\"\n"
                                       "version = \"^1\"\nvendor = \"v\"\n");
  write_package(dir, "app", "depends = [\"glibc\"]\n");
  dir.write("variants/dev/variant.toml", "[variant]\nincluded-packages = [\"kernel\", \"app\"]\n");
  EXPECT_EQ(load_project(dir.root()).variants.size(), 1u);
}

TEST(LoadProject, SourceGroupScriptAndPatchesMustExist) {
  ProjectDir dir;
  write_package(dir, "app", "source-groups = [\"app-src\"]\n");
  EXPECT_EQ(load_error(dir).what, "packages/app/package.toml:3:18: source group 'app-src' does not "
                                  "exist: there is no folder sources/app-src");
  dir.mkdir("sources/app-src");
  write_package(dir, "app", "[build]\nsystem = \"script\"\nscript = \"build.sh\"\n");
  EXPECT_EQ(load_error(dir).what,
            "packages/app/package.toml:5:10: build script 'build.sh' does not exist in packages/app/");
  write_package(dir, "app", "[build]\npatches = [\"0001-a.patch\"]\n");
  EXPECT_EQ(load_error(dir).what,
            "packages/app/package.toml:4:12: patch '0001-a.patch' does not exist in packages/app/");
  dir.write("packages/app/0001-a.patch", "");
  EXPECT_EQ(load_project(dir.root()).package("app").build.patches.size(), 1u);
}

TEST(LoadProject, LoadsTheHelloOsExample) {
  Project p = load_project(fs::path(OSBUILD_SOURCE_DIR) / "examples/hello-os");
  EXPECT_EQ(p.file.name, "hello-os");
  EXPECT_TRUE(p.package("os-release").uses_release_version);
  EXPECT_EQ(p.kit("core-kit").included_packages.size(), 2u);
  ASSERT_TRUE(p.release.has_value());
  check_migrations(*p.release, p.root / "migrations");
}

// ---- Project lookups -----------------------------------------------------------------------

TEST(ProjectLookup, SuggestsTheNearestName) {
  ProjectDir dir;
  write_package(dir, "zlib");
  write_package(dir, "lua");
  Project p = load_project(dir.root());
  auto e = catch_error([&] { p.package("zlb"); });
  EXPECT_EQ(e.what, "no package named 'zlb', did you mean 'zlib'?");
  EXPECT_EQ(e.hint, "packages are the folders under packages/: lua, zlib");
  auto v = catch_error([&] { p.variant("dev"); });
  EXPECT_EQ(v.what, "no variant named 'dev'");
  EXPECT_EQ(v.hint, "this project has no variants: add variants/<name>/variant.toml");
}

TEST(ProjectLookup, LongListsAreCut) {
  Project p;
  for (int i = 0; i < 20; ++i) {
    p.packages["pkg" + std::to_string(100 + i)].name = "pkg" + std::to_string(100 + i);
  }
  auto e = catch_error([&] { p.package("zzz"); });
  EXPECT_EQ(e.hint, "packages are the folders under packages/: pkg100, pkg101, pkg102, pkg103, "
                    "pkg104, pkg105, pkg106, pkg107, pkg108, pkg109, pkg110, pkg111, … (20 in all)");
}
