// osbuild.toml's [[constraint-setting]], [platform.X], [constraint-set.X] and [[toolchain]]:
// what they load into, and each refused input with its file:line:col and hint.
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "osbuild/config/load.h"

using namespace osbuild;
using namespace osbuild::config;
using namespace osbuild::config::testing;

namespace {

const std::string k_header =
    "schema-version = 1\nname = \"test-os\"\nrelease-version = \"1.0.0\"\n";

ProjectFile parse(const std::string& body) {
  return parse_project_file(k_header + body, "osbuild.toml");
}

Caught error_of(const std::string& body) {
  return catch_error([&] { parse(body); });
}

}  // namespace

TEST(LoadToolchains, ReadsSettingsSetsPlatformsAndToolchains) {
  ProjectFile f = parse(R"(
[[constraint-setting]]
name = "board"
values = ["rpi4", "generic"]
default = "generic"

[[constraint-setting]]
name = "glibc"
values = ["2.33"]

[constraint-set.linux-gnu]
constraint-values = ["os:linux", "libc:gnu"]

[constraint-set.arm-gnu]
constraint-values = ["linux-gnu", "cpu:aarch64"]

[platform.rpi4]
parent = "linux-aarch64"
constraint-values = ["board:rpi4", "glibc:2.33"]

[[toolchain]]
name = "cross-rpi"
kind = "gcc"
exec-compatible-with = ["cpu:x86_64"]
target-compatible-with = ["arm-gnu", "board:rpi4"]
cc = "aarch64-linux-gnu-gcc"
cflags = ["-mcpu=cortex-a72"]

[[toolchain]]
name = "zig-233"
kind = "zig"
target = "aarch64-linux-gnu.2.33"
target-compatible-with = ["arm-gnu", "glibc:2.33"]
)");
  const auto& tc = f.toolchains;
  ASSERT_EQ(tc.settings.size(), 2u);
  EXPECT_EQ(tc.settings[0].default_value, "generic");
  EXPECT_EQ(tc.platforms.at("rpi4").parent, "linux-aarch64");
  EXPECT_EQ(tc.platforms.at("rpi4").constraints.values.at("board"), "rpi4");
  EXPECT_EQ(
      tc.sets.at("arm-gnu").constraints.values,
      (std::map<std::string, std::string>{{"cpu", "aarch64"}, {"libc", "gnu"}, {"os", "linux"}}));
  ASSERT_EQ(tc.toolchains.size(), 2u);
  const auto& cross = tc.toolchains[0];
  EXPECT_EQ(cross.kind, config::ToolchainKind::gcc);
  EXPECT_EQ(cross.target_compatible_with.values,
            (std::map<std::string, std::string>{
                {"board", "rpi4"}, {"cpu", "aarch64"}, {"libc", "gnu"}, {"os", "linux"}}));
  EXPECT_EQ(cross.cflags, std::vector<std::string>{"-mcpu=cortex-a72"});
  EXPECT_EQ(cross.where.str(), "osbuild.toml:24:1");
  EXPECT_EQ(tc.toolchains[1].cc, "zig");
  EXPECT_EQ(tc.toolchains[1].target, "aarch64-linux-gnu.2.33");
}

TEST(LoadToolchains, APlatformInACompatibilityListAsksForAConstraintSet) {
  auto e = error_of(R"(
[[toolchain]]
name = "cross"
kind = "gcc"
cc = "aarch64-linux-gnu-gcc"
target-compatible-with = ["os:linux", "linux-aarch64"]
)");
  EXPECT_EQ(e.what,
            "osbuild.toml:9:39: 'linux-aarch64' is a platform, and a platform cannot be a "
            "requirement: requirements name capabilities (constraint values), not machines");
  EXPECT_EQ(e.hint,
            "declare [constraint-set.linux-aarch64-caps] constraint-values = [\"cpu:aarch64\", "
            "\"libc:gnu\", \"os:linux\"] and name that set here");
}

TEST(LoadToolchains, TwoValuesOfOneSettingInAPlatformAreRefused) {
  auto e = error_of(R"(
[platform.odd]
constraint-values = ["cpu:x86_64", "cpu:aarch64"]
)");
  EXPECT_EQ(e.what,
            "osbuild.toml:6:36: duplicate values for constraint setting 'cpu': 'cpu:x86_64' and "
            "'cpu:aarch64'; a list with two values of one setting can never match");
}

TEST(LoadToolchains, TwoValuesOfOneSettingThroughASetAreRefused) {
  auto e = error_of(R"(
[constraint-set.arm]
constraint-values = ["cpu:aarch64"]

[[toolchain]]
name = "cross"
kind = "gcc"
cc = "gcc"
exec-compatible-with = ["cpu:x86_64", "arm"]
)");
  EXPECT_EQ(e.what,
            "osbuild.toml:12:39: duplicate values for constraint setting 'cpu': 'cpu:x86_64' and "
            "'cpu:aarch64' (through constraint set 'arm'); a list with two values of one setting "
            "can never match");
}

TEST(LoadToolchains, UnknownValuesGetTheNearestMatch) {
  auto e = error_of(R"(
[constraint-set.x]
constraint-values = ["libc:muls"]
)");
  EXPECT_EQ(e.what,
            "osbuild.toml:6:22: unknown constraint value 'libc:muls', did you mean "
            "'libc:musl'?");
  EXPECT_EQ(e.hint,
            "the values of 'libc' are libc:gnu, libc:musl; add one with "
            "[[constraint-setting]] name = \"libc\" values = [\"muls\"]");
  auto set = error_of(R"(
[constraint-set.linux-gnu]
constraint-values = ["os:linux"]
[platform.p]
constraint-values = ["linux-gun"]
)");
  EXPECT_EQ(set.what,
            "osbuild.toml:8:22: unknown constraint set 'linux-gun', did you mean "
            "'linux-gnu'?");
  auto setting = error_of(R"(
[platform.p]
constraint-values = ["arch:aarch64"]
)");
  EXPECT_NE(setting.what.find("unknown constraint setting 'arch' in 'arch:aarch64'"),
            std::string::npos)
      << setting.what;
}

TEST(LoadToolchains, SetCyclesAndPlatformCyclesAreRefused) {
  auto sets = error_of(R"(
[constraint-set.a]
constraint-values = ["b"]
[constraint-set.b]
constraint-values = ["a"]
)");
  EXPECT_NE(sets.what.find("includes itself"), std::string::npos) << sets.what;
  auto parents = error_of(R"(
[platform.a]
parent = "b"
[platform.b]
parent = "a"
)");
  EXPECT_NE(parents.what.find("is its own ancestor"), std::string::npos) << parents.what;
  auto unknown = error_of(R"(
[platform.a]
parent = "linux-aarch46"
)");
  EXPECT_EQ(unknown.what,
            "osbuild.toml:5:11: unknown parent platform 'linux-aarch46' of platform "
            "'a', did you mean 'linux-aarch64'?");
}

TEST(LoadToolchains, ToolchainDeclarationsAreChecked) {
  auto zig = error_of(R"(
[[toolchain]]
name = "z"
kind = "zig"
)");
  EXPECT_NE(zig.what.find("'target'"), std::string::npos) << zig.what;
  auto kind = error_of(R"(
[[toolchain]]
name = "z"
kind = "icc"
cc = "icc"
)");
  EXPECT_NE(kind.what.find("gcc, clang or zig"), std::string::npos) << kind.what;
  auto twice = error_of(R"(
[[toolchain]]
name = "host-gcc"
kind = "gcc"
cc = "gcc"
)");
  EXPECT_EQ(twice.what,
            "osbuild.toml:5:1: toolchain 'host-gcc' is declared twice (or is built in)");
  auto key = error_of(R"(
[[toolchain]]
name = "t"
kind = "gcc"
cc = "gcc"
target-compatible = ["os:linux"]
)");
  EXPECT_NE(key.what.find("did you mean 'target-compatible-with'?"), std::string::npos) << key.what;
}

TEST(LoadToolchains, BuiltinSettingsTakeValuesButKeepTheirDefault) {
  auto e = error_of(R"(
[[constraint-setting]]
name = "os"
values = ["linux"]
default = "linux"
)");
  EXPECT_EQ(e.what, "osbuild.toml:8:11: the built-in setting 'os' keeps its default");
  auto bad_default = error_of(R"(
[[constraint-setting]]
name = "board"
values = ["a"]
default = "b"
)");
  EXPECT_NE(bad_default.what.find("default 'b' is not one of the values of 'board'"),
            std::string::npos);
}

TEST(LoadToolchains, UnknownTopLevelTableSuggestsTheToolchainKey) {
  auto e = error_of("[[toolchains]]\nname = \"x\"\n");
  EXPECT_NE(e.what.find("did you mean"), std::string::npos) << e.what;
}
