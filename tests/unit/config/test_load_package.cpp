#include <gtest/gtest.h>

#include "config_test_util.h"
#include "osbuild/config/load.h"

using namespace osbuild;
using namespace osbuild::config;
using namespace osbuild::config::testing;

namespace {

const std::string k_path = "packages/zlib/package.toml";

Caught package_error(const std::string& text) {
  return catch_error([&] { parse_package(text, k_path); });
}

std::string with_file(const std::string& entry) {
  return "[package]\nversion = \"1.3.1\"\n\n[[external-files]]\n" + entry;
}

std::string sha_line() { return "sha512 = \"" + sha512_of_nothing() + "\"\n"; }

}  // namespace

TEST(LoadPackage, ReadsEveryKey) {
  Package p = parse_package(R"(
[package]
name = "zlib"
version = "1.3.1"
license = "Zlib"
depends = ["libc"]
requires = ["libc", "base"]
source-groups = ["zlib-patches"]
uses-release-version = true

[[external-files]]
url = "https://zlib.net/zlib-1.3.1.tar.gz?download=1"
sha512 = ")" + sha512_of_nothing() + R"("
force-upstream = true

[[external-files]]
url = "file:///srv/extra.tar.xz"
sha512 = ")" + sha512_of_nothing() + R"("
path = "extra-renamed.tar.xz"
unpack = false

[[git-sources]]
url = "https://github.com/example/tool.git"
rev = "0123456789abcdef0123456789abcdef01234567"

[build]
system = "cmake"
target-compatible-with = ["os:linux"]
env = { CRC_FAST_TARGET_CPU = "generic", EMPTY = "" }
patches = ["0001-fix.patch"]

[[build.step]]
name = "deps"
inputs = ["go.mod", "go.sum"]
run = "go mod download"

[[build.step]]
name = "compile"
run = "make"
)",
                            k_path);
  EXPECT_EQ(p.name, "zlib");
  EXPECT_EQ(p.version.str(), "1.3.1");
  EXPECT_EQ(p.license, "Zlib");
  EXPECT_TRUE(p.uses_release_version);
  EXPECT_EQ(p.depends, (std::vector<std::string>{"libc"}));
  EXPECT_EQ(p.runtime_requires, (std::vector<std::string>{"libc", "base"}));
  EXPECT_EQ(p.source_groups, (std::vector<std::string>{"zlib-patches"}));
  ASSERT_EQ(p.external_files.size(), 2u);
  EXPECT_EQ(p.external_files[0].path, "zlib-1.3.1.tar.gz");
  EXPECT_TRUE(p.external_files[0].force_upstream);
  EXPECT_FALSE(p.external_files[0].unpack.has_value());
  EXPECT_EQ(p.external_files[0].where.str(), k_path + ":11:1");
  EXPECT_EQ(p.external_files[1].path, "extra-renamed.tar.xz");
  EXPECT_EQ(p.external_files[1].unpack, std::optional<bool>(false));
  ASSERT_EQ(p.git_sources.size(), 1u);
  EXPECT_EQ(p.git_sources[0].name, "tool");
  EXPECT_EQ(p.build.system, BuildSystem::cmake);
  EXPECT_EQ(p.build.target_compatible_with, (std::vector<std::string>{"os:linux"}));
  EXPECT_EQ(p.build.env.at("CRC_FAST_TARGET_CPU"), "generic");
  EXPECT_EQ(p.build.env.at("EMPTY"), "");
  EXPECT_EQ(p.build.patches, (std::vector<std::string>{"0001-fix.patch"}));
  ASSERT_EQ(p.build.steps.size(), 2u);
  EXPECT_EQ(p.build.steps[0].inputs, (std::vector<std::string>{"go.mod", "go.sum"}));
  EXPECT_EQ(p.build.steps[1].run, "make");
  EXPECT_EQ(p.where.at("depends[0]").str(), k_path + ":6:12");
  EXPECT_EQ(p.where.at("requires[1]").str(), k_path + ":7:21");
  EXPECT_EQ(p.dir, fs::absolute("packages/zlib"));
}

TEST(LoadPackage, DefaultsNameFromFolderAndBuildSystemToMake) {
  Package p = parse_package("[package]\nversion = \"0.1.0\"\n", k_path);
  EXPECT_EQ(p.name, "zlib");
  EXPECT_EQ(p.build.system, BuildSystem::make);
  EXPECT_FALSE(p.uses_release_version);
  EXPECT_TRUE(p.license.empty());
}

TEST(LoadPackage, MalformedToml) {
  auto e = package_error("[package]\nversion = 1.3.1\n");
  EXPECT_EQ(e.what, k_path + ":2:14: invalid TOML in floating-point: expected decimal digit or "
                             "exponent, saw '.'");
  EXPECT_NE(e.hint.find("strings need quotes"), std::string::npos);
}

TEST(LoadPackage, UnknownKeySuggestsNearest) {
  auto e = package_error("[package]\nversoin = \"1.0.0\"\n");
  EXPECT_EQ(e.what,
            k_path + ":2:1: unknown key 'versoin' in [package], did you mean 'version'?");
  EXPECT_EQ(e.hint,
            "rename it to 'version' or remove it; the keys of [package] are: name, version, "
            "license, depends, requires, source-groups, uses-release-version");
}

TEST(LoadPackage, UnknownTableSuggestsNearest) {
  auto e = package_error("[packge]\nversion = \"1.0.0\"\n");
  EXPECT_EQ(e.what, k_path + ":1:2: unknown table [packge], did you mean [package]?");
  EXPECT_EQ(e.hint, "rename it to [package] or remove it; the top-level keys of package.toml are: "
                    "package, external-files, git-sources, build");
  auto nested = package_error("[package]\nversion = \"1.0.0\"\n[build.stp]\n");
  EXPECT_EQ(nested.what, k_path + ":3:8: unknown table [build.stp], did you mean [build.step]?");
}

TEST(LoadPackage, UnknownKeyInBuildStep) {
  auto e = package_error("[package]\nversion = \"1.0.0\"\n[[build.step]]\nname = \"a\"\nrun = \"b\"\ninput = []\n");
  EXPECT_EQ(e.what, k_path + ":6:1: unknown key 'input' in [[build.step]], did you mean 'inputs'?");
}

TEST(LoadPackage, MissingPackageTable) {
  auto e = package_error("[build]\nsystem = \"make\"\n");
  EXPECT_EQ(e.what, k_path + ":1:1: missing required table [package]");
  EXPECT_EQ(e.hint, "add [package] with name = \"zlib\" and version = \"1.3.1\"");
}

TEST(LoadPackage, MissingVersion) {
  auto e = package_error("[package]\nname = \"zlib\"\n");
  EXPECT_EQ(e.what, k_path + ":1:1: missing required key 'version' in [package]");
  EXPECT_EQ(e.hint, "add version = \"1.3.1\" under [package]");
}

TEST(LoadPackage, WrongType) {
  auto e = package_error("[package]\nversion = \"1.0.0\"\nlicense = 3\n");
  EXPECT_EQ(e.what, k_path + ":3:11: expected a string for 'license', found an integer");
  EXPECT_EQ(e.hint, "write it as license = \"Zlib\"");
}

TEST(LoadPackage, WrongTypeInList) {
  auto e = package_error("[package]\nversion = \"1.0.0\"\ndepends = [\"a\", 2]\n");
  EXPECT_EQ(e.what, k_path + ":3:17: expected a string in 'depends', found an integer");
}

TEST(LoadPackage, ListWhereStringExpected) {
  auto e = package_error("[package]\nversion = \"1.0.0\"\ndepends = \"libc\"\n");
  EXPECT_EQ(e.what, k_path + ":3:11: expected a list of strings for 'depends', found a string");
  EXPECT_EQ(e.hint, "write it as depends = [\"libc\"]");
}

TEST(LoadPackage, BadSemver) {
  auto e = package_error("[package]\nversion = \"1.3\"\n");
  EXPECT_EQ(e.what, k_path + ":2:11: invalid version '1.3' for 'version': expected a semantic "
                             "version major.minor.patch such as '1.4.0'");
}

TEST(LoadPackage, BadPackageName) {
  auto e = package_error("[package]\nname = \"zlib ng\"\nversion = \"1.0.0\"\n");
  EXPECT_EQ(e.what, k_path + ":2:8: invalid package name 'zlib ng': only letters, digits, '_', "
                             "'.', '+' and '-' are allowed, found ' '");
  EXPECT_EQ(e.hint, "rename it, e.g. 'zlib-ng'");
}

TEST(LoadPackage, PackageNamesMayHoldDotsAndPluses) {
  EXPECT_EQ(parse_package("[package]\nname = \"kernel-6.1\"\nversion = \"1.0.0\"\n", k_path).name,
            "kernel-6.1");
  EXPECT_EQ(parse_package("[package]\nname = \"libstdc++\"\nversion = \"1.0.0\"\n", k_path).name,
            "libstdc++");
}

TEST(LoadPackage, Sha512Length) {
  auto e = package_error(with_file("url = \"https://e.org/a.tar.gz\"\nsha512 = \"abc123\"\n"));
  EXPECT_EQ(e.what, k_path + ":6:10: expected 128 hex digits for 'sha512' (a SHA-512 digest), "
                             "found 6");
  EXPECT_EQ(e.hint, "compute it with `sha512sum <file>` and copy the whole digest");
}

TEST(LoadPackage, Sha256InsteadOfSha512) {
  auto e = package_error(
      with_file("url = \"https://e.org/a.tar.gz\"\nsha512 = \"" + std::string(64, 'a') + "\"\n"));
  EXPECT_EQ(e.what, k_path + ":6:10: expected 128 hex digits for 'sha512' (a SHA-512 digest), "
                             "found 64 (the length of a SHA-256 digest)");
}

TEST(LoadPackage, Sha512Uppercase) {
  std::string upper = sha512_of_nothing();
  upper[0] = 'C';
  auto e = package_error(with_file("url = \"https://e.org/a.tar.gz\"\nsha512 = \"" + upper + "\"\n"));
  EXPECT_EQ(e.what, k_path + ":6:10: expected lowercase hex digits for 'sha512', found 'C'");
  EXPECT_EQ(e.hint, "write the digest in lowercase, as sha512sum prints it");
}

TEST(LoadPackage, Sha512NotHex) {
  std::string bad = sha512_of_nothing();
  bad[5] = 'z';
  auto e = package_error(with_file("url = \"https://e.org/a.tar.gz\"\nsha512 = \"" + bad + "\"\n"));
  EXPECT_EQ(e.what, k_path + ":6:10: expected hex digits for 'sha512', found 'z'");
}

TEST(LoadPackage, MissingSha512) {
  auto e = package_error(with_file("url = \"https://e.org/a.tar.gz\"\n"));
  EXPECT_EQ(e.what, k_path + ":4:1: missing required key 'sha512' in [[external-files]]");
  EXPECT_EQ(e.hint,
            "add sha512 = \"<the 128 hex digits printed by sha512sum>\" under [[external-files]]");
}

TEST(LoadPackage, UrlScheme) {
  auto e = package_error(with_file("url = \"ftp://e.org/a.tar.gz\"\n" + sha_line()));
  EXPECT_EQ(e.what, k_path + ":5:7: unsupported URL scheme 'ftp' for 'url': expected http, "
                             "https or file");
  EXPECT_EQ(e.hint, "write a full http://, https:// or file:// URL");
  auto plain = package_error(with_file("url = \"a.tar.gz\"\n" + sha_line()));
  EXPECT_EQ(plain.what, k_path + ":5:7: expected a URL for 'url', found 'a.tar.gz'");
}

TEST(LoadPackage, PathMustBeOneFileName) {
  auto e = package_error(
      with_file("url = \"https://e.org/a.tar.gz\"\n" + sha_line() + "path = \"sub/a.tar.gz\"\n"));
  EXPECT_EQ(e.what, k_path + ":7:8: invalid path 'sub/a.tar.gz': a single file name is expected, "
                             "but it contains '/'");
  EXPECT_EQ(e.hint, "write just the file name, e.g. path = \"a.tar.gz\"");
  auto dots = package_error(
      with_file("url = \"https://e.org/a.tar.gz\"\n" + sha_line() + "path = \"..\"\n"));
  EXPECT_EQ(dots.what, k_path + ":7:8: invalid path '..': a single file name is expected, but "
                                "'..' is not a file name");
}

TEST(LoadPackage, UrlWithoutFileName) {
  auto e = package_error(with_file("url = \"https://e.org/dist/\"\n" + sha_line()));
  EXPECT_EQ(e.what, k_path + ":5:7: cannot name the downloaded file after url "
                             "'https://e.org/dist/': it is empty");
  EXPECT_EQ(e.hint, "add path = \"<file name>\" to this [[external-files]] entry");
}

TEST(LoadPackage, DuplicateSourceName) {
  std::string entry = "url = \"https://e.org/a.tar.gz\"\n" + sha_line();
  auto e = package_error(with_file(entry) + "[[external-files]]\n" + entry);
  EXPECT_EQ(e.what, k_path + ":7:1: duplicate source name 'a.tar.gz' in this package");
}

TEST(LoadPackage, GitRevBranchName) {
  auto e = package_error(
      "[package]\nversion = \"1.0.0\"\n[[git-sources]]\nurl = \"https://g.com/x/tool.git\"\n"
      "rev = \"main\"\n");
  EXPECT_EQ(e.what, k_path + ":5:7: 'main' is a branch or tag name, not a commit: 'rev' must be "
                             "a 40-hex commit id");
  EXPECT_EQ(e.hint, "pin it: run `git rev-parse main` in a clone of https://g.com/x/tool.git (or "
                    "`git ls-remote https://g.com/x/tool.git main`) and write the full commit id");
}

TEST(LoadPackage, GitRevAbbreviated) {
  auto e = package_error(
      "[package]\nversion = \"1.0.0\"\n[[git-sources]]\nurl = \"https://g.com/x/tool.git\"\n"
      "rev = \"0123abc\"\n");
  EXPECT_EQ(e.what, k_path + ":5:7: abbreviated commit '0123abc' for 'rev' (7 hex digits): "
                             "expected the full 40-hex commit id");
}

TEST(LoadPackage, GitRevUppercase) {
  auto e = package_error(
      "[package]\nversion = \"1.0.0\"\n[[git-sources]]\nurl = \"https://g.com/x/tool.git\"\n"
      "rev = \"0123456789ABCDEF0123456789abcdef01234567\"\n");
  EXPECT_EQ(e.what, k_path + ":5:7: expected lowercase hex digits for 'rev', found "
                             "'0123456789ABCDEF0123456789abcdef01234567'");
}

TEST(LoadPackage, UnknownBuildSystem) {
  auto e = package_error("[package]\nversion = \"1.0.0\"\n[build]\nsystem = \"cmkae\"\n");
  EXPECT_EQ(e.what, k_path + ":4:10: unknown system 'cmkae': expected cmake, autotools, make or "
                             "script");
  EXPECT_EQ(e.hint, "write system = \"cmake\"");
}

TEST(LoadPackage, ScriptSystemNeedsScript) {
  auto e = package_error("[package]\nversion = \"1.0.0\"\n[build]\nsystem = \"script\"\n");
  EXPECT_EQ(e.what, k_path + ":3:1: missing required key 'script' in [build]");
  auto stray = package_error(
      "[package]\nversion = \"1.0.0\"\n[build]\nsystem = \"make\"\nscript = \"b.sh\"\n");
  EXPECT_EQ(stray.what, k_path + ":5:10: 'script' is only used with system = \"script\"");
}

TEST(LoadPackage, PathsStayInsideThePackage) {
  auto e = package_error(
      "[package]\nversion = \"1.0.0\"\n[build]\npatches = [\"../other/fix.patch\"]\n");
  EXPECT_EQ(e.what, k_path + ":4:12: invalid path '../other/fix.patch' in 'patches': it leaves "
                             "the package folder through '..'");
}

TEST(LoadPackage, EnvNames) {
  auto e = package_error("[package]\nversion = \"1.0.0\"\n[build]\nenv = { \"A-B\" = \"x\" }\n");
  EXPECT_EQ(e.what, k_path + ":4:9: invalid environment variable name 'A-B' in [build.env]");
  auto reserved = package_error(
      "[package]\nversion = \"1.0.0\"\n[build]\nenv = { OSBUILD_JOBS = \"1\" }\n");
  EXPECT_EQ(reserved.what, k_path + ":4:9: 'OSBUILD_JOBS' in [build.env] is reserved: osbuild "
                                    "sets OSBUILD_* itself");
  auto type = package_error("[package]\nversion = \"1.0.0\"\n[build]\nenv = { A = 1 }\n");
  EXPECT_EQ(type.what, k_path + ":4:13: expected a string for 'A' in [build.env], found an integer");
}

TEST(LoadPackage, DuplicateStep) {
  auto e = package_error(
      "[package]\nversion = \"1.0.0\"\n[[build.step]]\nname = \"a\"\nrun = \"x\"\n"
      "[[build.step]]\nname = \"a\"\nrun = \"y\"\n");
  EXPECT_EQ(e.what, k_path + ":6:1: duplicate build step 'a'");
}

TEST(LoadPackage, EmptyString) {
  auto e = package_error("[package]\nversion = \"1.0.0\"\nlicense = \"\"\n");
  EXPECT_EQ(e.what, k_path + ":3:11: 'license' must not be empty");
  auto list = package_error("[package]\nversion = \"1.0.0\"\ndepends = [\"\"]\n");
  EXPECT_EQ(list.what, k_path + ":3:12: empty string in 'depends'");
}

TEST(LoadPackage, ReadsConstraintValuesWithTheirLocations) {
  Package p = parse_package(R"([package]
version = "6.1.176"

[build]
system = "script"
script = "build.sh"
constraint-values = ["compiler:gcc", "libc:gnu"]
)",
                            k_path);
  EXPECT_EQ(p.build.constraint_values, (std::vector<std::string>{"compiler:gcc", "libc:gnu"}));
  EXPECT_EQ(p.where.at("build.constraint-values[1]").str(), k_path + ":7:38");
  EXPECT_TRUE(parse_package("[package]\nversion = \"1.0.0\"\n", k_path)
                  .build.constraint_values.empty());
}

TEST(LoadPackage, ConstraintValuesMustBeAListOfStrings) {
  auto e = package_error("[package]\nversion = \"1.0.0\"\n[build]\nconstraint-values = \"compiler:gcc\"\n");
  EXPECT_NE(e.what.find(k_path + ":4:"), std::string::npos) << e.what;
  EXPECT_NE(e.what.find("constraint-values"), std::string::npos) << e.what;
}
