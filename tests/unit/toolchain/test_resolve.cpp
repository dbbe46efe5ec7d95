// Bazel's toolchain resolution: registration order, --extra-toolchain first, first compatible
// per exec platform, the exec platform with the most types, ties to the earliest, skips.
#include <gtest/gtest.h>

#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/error.h"

using namespace osbuild;
using namespace osbuild::toolchain;

namespace {

ConstraintList list_of(std::vector<std::string> written, const ToolchainConfig& config) {
  ConstraintList list;
  list.written = std::move(written);
  auto problem = flatten(config, list);
  EXPECT_FALSE(problem) << (problem ? problem->what : "");
  return list;
}

ToolchainDecl decl(const std::string& name, std::vector<std::string> exec,
                   std::vector<std::string> target, const ToolchainConfig& config,
                   const std::string& type = "cc") {
  ToolchainDecl t;
  t.name = name;
  t.type = type;
  t.cc = "/usr/bin/true";
  t.exec_compatible_with = list_of(std::move(exec), config);
  t.target_compatible_with = list_of(std::move(target), config);
  return t;
}

Availability all_available(const ToolchainDecl&) {
  return {};
}

// The built-in zig toolchains run on every x86_64 exec platform; tests about exec platforms
// leave them out so that only their own toolchains count.
Availability project_only(const ToolchainDecl& t) {
  return t.where.builtin() ? Availability{false, "left out", ""} : Availability{};
}

const Candidate& candidate(const Resolution& r, const std::string& name) {
  for (const auto& c : r.candidates) {
    if (c.toolchain == name) return c;
  }
  throw std::runtime_error("no candidate " + name);
}

// The built-ins for an x86_64 host with the given project toolchains registered before them.
ToolchainConfig with(std::vector<ToolchainDecl> toolchains) {
  ToolchainConfig project;
  project.toolchains = std::move(toolchains);
  return merged(project, Arch::x86_64);
}

const ToolchainConfig k_base = builtins(Arch::x86_64);

}  // namespace

TEST(Resolve, CrossBuildUsesZigBeforeCrossGcc) {
  auto r = resolve(k_base, "linux-aarch64", {{"cc", true}}, {}, all_available);
  ASSERT_TRUE(r.exec_platform);
  EXPECT_EQ(*r.exec_platform, "host");
  EXPECT_EQ(r.selected.at("cc"), "zig-aarch64-linux-gnu");
  EXPECT_EQ(candidate(r, "gcc-aarch64-linux-gnu").verdict, Candidate::Verdict::shadowed);
  const auto& host = candidate(r, "host-gcc");
  EXPECT_EQ(host.verdict, Candidate::Verdict::target_mismatch);
  EXPECT_EQ(host.mismatching,
            std::vector<std::string>{"cpu:x86_64 (target platform has cpu:aarch64)"});
}

TEST(Resolve, NativeBuildUsesHostGcc) {
  auto r = resolve(k_base, "linux-x86_64", {{"cc", true}}, {}, all_available);
  EXPECT_EQ(r.selected.at("cc"), "host-gcc");
}

TEST(Resolve, VersionedZigServesAGlibcPlatformAndSaysWhatIsMissingElsewhere) {
  ToolchainConfig config = k_base;
  Platform p;
  p.name = "linux-aarch64-glibc2.28";
  p.parent = "linux-aarch64";
  p.constraints = list_of({"glibc:2.28"}, config);
  config.platforms[p.name] = p;
  auto r = resolve(config, p.name, {{"cc", true}}, {}, all_available);
  EXPECT_EQ(r.selected.at("cc"), "zig-aarch64-linux-gnu.2.28");
  const auto& v217 = candidate(r, "zig-aarch64-linux-gnu.2.17");
  EXPECT_EQ(v217.mismatching,
            std::vector<std::string>{"glibc:2.17 (target platform has glibc:2.28)"});

  auto plain = resolve(config, "linux-aarch64", {{"cc", true}}, {}, all_available);
  EXPECT_EQ(candidate(plain, "zig-aarch64-linux-gnu.2.28").missing,
            std::vector<std::string>{"glibc:2.28 (target platform has no glibc)"});
}

TEST(Resolve, ExtraToolchainsComeFirstAndTheLastOneGivenWins) {
  auto r =
      resolve(k_base, "linux-aarch64", {{"cc", true}}, {"gcc-aarch64-linux-gnu"}, all_available);
  EXPECT_EQ(r.selected.at("cc"), "gcc-aarch64-linux-gnu");
  EXPECT_EQ(r.candidates.front().toolchain, "gcc-aarch64-linux-gnu");
  auto last = resolve(k_base, "linux-aarch64", {{"cc", true}},
                      {"gcc-aarch64-linux-gnu", "zig-aarch64-linux-musl", "zig-aarch64-linux-gnu"},
                      all_available);
  EXPECT_EQ(last.selected.at("cc"), "zig-aarch64-linux-gnu");
  EXPECT_THROW(resolve(k_base, "linux-aarch64", {{"cc", true}}, {"zig-aarch64"}, all_available),
               UsageError);
}

TEST(Resolve, ProjectToolchainsComeBeforeBuiltinsInRegistrationOrder) {
  auto config = with({decl("mine-a", {"cpu:x86_64"}, {"cpu:aarch64"}, k_base),
                      decl("mine-b", {"cpu:x86_64"}, {"cpu:aarch64"}, k_base)});
  auto r = resolve(config, "linux-aarch64", {{"cc", true}}, {}, all_available);
  EXPECT_EQ(r.selected.at("cc"), "mine-a");
  EXPECT_EQ(candidate(r, "mine-b").verdict, Candidate::Verdict::shadowed);
}

TEST(Resolve, UnavailableToolchainsAreSkippedWithTheInstallHint) {
  auto no_zig = [](const ToolchainDecl& t) {
    return t.kind == ToolchainKind::zig ? Availability{false, "zig not found on PATH", "npm …"}
                                        : Availability{};
  };
  auto r = resolve(k_base, "linux-aarch64", {{"cc", true}}, {}, no_zig);
  EXPECT_EQ(r.selected.at("cc"), "gcc-aarch64-linux-gnu");
  const auto& zig = candidate(r, "zig-aarch64-linux-gnu");
  EXPECT_EQ(zig.verdict, Candidate::Verdict::unavailable);
  EXPECT_EQ(zig.note, "zig not found on PATH; to install: npm …");
}

TEST(Resolve, NothingFitsLeavesNoExecPlatform) {
  auto none = [](const ToolchainDecl&) { return Availability{false, "missing", ""}; };
  auto r = resolve(k_base, "linux-aarch64", {{"cc", true}}, {}, none);
  EXPECT_FALSE(r.exec_platform);
  EXPECT_TRUE(r.selected.empty());
}

TEST(Resolve, ExecMismatchNamesTheExecPlatformValues) {
  auto config = with({decl("on-arm", {"cpu:aarch64"}, {"cpu:aarch64"}, k_base)});
  auto r = resolve(config, "linux-aarch64", {{"cc", true}}, {}, all_available);
  const auto& c = candidate(r, "on-arm");
  EXPECT_EQ(c.verdict, Candidate::Verdict::exec_mismatch);
  EXPECT_EQ(c.mismatching,
            std::vector<std::string>{"cpu:aarch64 (exec platform host has cpu:x86_64)"});
}

namespace {

// Two exec platforms registered before the host: "builder-a" (line 1) and "builder-b" (line 2),
// both x86_64 machines told apart by a "pool" setting.
ToolchainConfig two_exec_platforms(std::vector<ToolchainDecl> toolchains) {
  ToolchainConfig project;
  project.settings.push_back({"pool", {"a", "b"}, std::nullopt, {"osbuild.toml", 1, 1}});
  ToolchainConfig partial = merged(project, Arch::x86_64);
  int line = 1;
  for (const char* name : {"builder-a", "builder-b"}) {
    Platform p;
    p.name = name;
    p.parent = "linux-x86_64";
    p.exec = true;
    p.where = {"osbuild.toml", line++, 1};
    p.constraints = list_of({std::string("pool:") + (name[8] == 'a' ? "a" : "b")}, partial);
    project.platforms[name] = p;
  }
  partial = merged(project, Arch::x86_64);
  for (auto& t : toolchains) {
    t.exec_compatible_with = list_of(t.exec_compatible_with.written, partial);
    t.target_compatible_with = list_of(t.target_compatible_with.written, partial);
  }
  project.toolchains = std::move(toolchains);
  return merged(project, Arch::x86_64);
}

ToolchainDecl raw(const std::string& name, std::vector<std::string> exec, const std::string& type) {
  ToolchainDecl t;
  t.name = name;
  t.type = type;
  t.cc = "/usr/bin/true";
  t.where = {"osbuild.toml", 1, 1};
  t.exec_compatible_with.written = std::move(exec);
  t.target_compatible_with.written = {"cpu:aarch64"};
  return t;
}

}  // namespace

TEST(Resolve, ExecPlatformWithTheMostResolvedTypesWins) {
  // builder-a gets cc only; builder-b gets cc and the optional strip: builder-b wins although
  // builder-a is registered first.
  auto config = two_exec_platforms({raw("cc-a", {"pool:a"}, "cc"), raw("cc-b", {"pool:b"}, "cc"),
                                    raw("strip-b", {"pool:b"}, "strip")});
  auto r = resolve(config, "linux-aarch64", {{"cc", true}, {"strip", false}}, {}, project_only);
  ASSERT_TRUE(r.exec_platform);
  EXPECT_EQ(*r.exec_platform, "builder-b");
  EXPECT_EQ(r.selected.at("cc"), "cc-b");
  EXPECT_EQ(r.selected.at("strip"), "strip-b");
  EXPECT_EQ(candidate(r, "cc-a").verdict, Candidate::Verdict::compatible);
  EXPECT_EQ(r.exec_platforms, (std::vector<std::string>{"builder-a", "builder-b", "host"}));
}

TEST(Resolve, TiesGoToTheEarliestExecPlatform) {
  auto config = two_exec_platforms({raw("cc-b", {"pool:b"}, "cc"), raw("cc-a", {"pool:a"}, "cc")});
  auto r = resolve(config, "linux-aarch64", {{"cc", true}}, {}, project_only);
  EXPECT_EQ(*r.exec_platform, "builder-a");
  EXPECT_EQ(r.selected.at("cc"), "cc-a");
}

TEST(Resolve, AnExecPlatformMissingAMandatoryTypeIsNeverChosen) {
  // builder-a has the optional type only; builder-b has the mandatory one.
  auto config =
      two_exec_platforms({raw("strip-a", {"pool:a"}, "strip"), raw("cc-b", {"pool:b"}, "cc")});
  auto r = resolve(config, "linux-aarch64", {{"cc", true}, {"strip", false}}, {}, project_only);
  ASSERT_TRUE(r.exec_platform);
  EXPECT_EQ(*r.exec_platform, "builder-b");
  EXPECT_EQ(r.selected.count("strip"), 0u);
}

TEST(Resolve, OneToolchainServesEveryExecPlatformItMatches) {
  auto config = two_exec_platforms({raw("any", {"cpu:x86_64"}, "cc")});
  auto r = resolve(config, "linux-aarch64", {{"cc", true}}, {}, all_available);
  EXPECT_EQ(*r.exec_platform, "builder-a");
  EXPECT_EQ(r.per_exec.at("host").at("cc"), "any");
  EXPECT_EQ(r.per_exec.at("builder-b").at("cc"), "any");
}

TEST(Model, PlatformInheritsPerSettingAndDefaultsFillTheRest) {
  ToolchainConfig config = k_base;
  Platform child;
  child.name = "child";
  child.parent = "linux-aarch64-musl";
  child.constraints = list_of({"cpu:x86_64"}, config);
  config.platforms["child"] = child;
  auto values = platform_values(config, config.platforms.at("child"));
  EXPECT_EQ(values, (std::map<std::string, std::string>{
                        {"cpu", "x86_64"}, {"libc", "musl"}, {"os", "linux"}}));
}

TEST(Model, GlibcSuffixIsStrippedForEverythingButZig) {
  EXPECT_EQ(strip_glibc_suffix("aarch64-linux-gnu.2.28"), "aarch64-linux-gnu");
  EXPECT_EQ(strip_glibc_suffix("x86_64-linux-musl"), "x86_64-linux-musl");
}

TEST(Model, FlattenRefusesPlatformsDuplicatesAndUnknownNames) {
  ConstraintList l;
  l.written = {"os:linux", "linux-aarch64"};
  auto p = flatten(k_base, l);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->index, 1u);
  EXPECT_NE(p->what.find("'linux-aarch64' is a platform"), std::string::npos) << p->what;
  EXPECT_NE(p->hint.find("[constraint-set.linux-aarch64-caps]"), std::string::npos) << p->hint;

  l.written = {"cpu:x86_64", "cpu:aarch64"};
  p = flatten(k_base, l);
  ASSERT_TRUE(p);
  EXPECT_NE(p->what.find("duplicate values for constraint setting 'cpu'"), std::string::npos);

  l.written = {"cpu:arm64"};
  p = flatten(k_base, l);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->what, "unknown constraint value 'cpu:arm64', did you mean 'cpu:aarch64'?");
}

// build.constraint-values: the package's values replace the platform's for its resolution.
TEST(Resolve, PackageCompilerGccRejectsEveryZigToolchainAndSaysWhy) {
  PackageConstraints kernel{"kernel", {{"compiler", "gcc"}, {"libc", "gnu"}}};
  auto r = resolve(k_base, "linux-aarch64", {{"cc", true}}, {}, all_available, kernel);
  EXPECT_EQ(r.selected.at("cc"), "gcc-aarch64-linux-gnu");
  EXPECT_EQ(r.target_values.at("compiler"), "gcc");
  for (const auto& c : r.candidates) {
    if (c.toolchain.rfind("zig-", 0) != 0) continue;
    EXPECT_EQ(c.verdict, Candidate::Verdict::compiler_mismatch) << c.toolchain;
    EXPECT_EQ(c.note, "package kernel wants compiler:gcc") << c.toolchain;
    EXPECT_EQ(c.mismatching, std::vector<std::string>{"zig"}) << c.toolchain;
  }
  // Without the package the same platform resolves to zig, as before.
  auto plain = resolve(k_base, "linux-aarch64", {{"cc", true}}, {}, all_available);
  EXPECT_EQ(plain.selected.at("cc"), "zig-aarch64-linux-gnu");
  EXPECT_EQ(plain.target_values.count("compiler"), 0u);
}

TEST(Resolve, PackageValuesReplaceThePlatformsOfTheSameSetting) {
  ToolchainConfig config = k_base;
  Platform musl;  // a project's linux-x86_64 that says libc:musl, as hello-os's does
  musl.name = "linux-x86_64";
  musl.constraints = list_of({"cpu:x86_64", "os:linux", "libc:musl"}, config);
  config.platforms[musl.name] = musl;
  auto userland = resolve(config, "linux-x86_64", {{"cc", true}}, {}, all_available);
  EXPECT_EQ(userland.selected.at("cc"), "zig-x86_64-linux-musl");

  PackageConstraints gnu{"kernel", {{"libc", "gnu"}}};
  auto kernel = resolve(config, "linux-x86_64", {{"cc", true}}, {}, all_available, gnu);
  EXPECT_EQ(kernel.selected.at("cc"), "host-gcc");
  EXPECT_EQ(kernel.target_values.at("libc"), "gnu");
  EXPECT_EQ(candidate(kernel, "zig-x86_64-linux-musl").mismatching,
            std::vector<std::string>{"libc:musl (package kernel wants libc:gnu)"});
}

TEST(Resolve, APlatformThatWantsACompilerKindFiltersByKind) {
  ToolchainConfig config = k_base;
  Platform p;
  p.name = "linux-aarch64-zig";
  p.parent = "linux-aarch64";
  p.constraints = list_of({"compiler:zig"}, config);
  config.platforms[p.name] = p;
  auto r = resolve(config, p.name, {{"cc", true}}, {"gcc-aarch64-linux-gnu"}, all_available);
  EXPECT_EQ(r.selected.at("cc"), "zig-aarch64-linux-gnu");
  const auto& gcc = candidate(r, "gcc-aarch64-linux-gnu");
  EXPECT_EQ(gcc.verdict, Candidate::Verdict::compiler_mismatch);
  EXPECT_EQ(gcc.note, "target platform wants compiler:zig");
}

TEST(Model, CompilerIsABuiltInSettingThatPlatformsLeaveOpen) {
  ConstraintList l;
  l.written = {"compiler:gcc"};
  EXPECT_FALSE(flatten(k_base, l));
  EXPECT_EQ(l.values.at("compiler"), "gcc");
  l.written = {"compiler:msvc"};
  auto p = flatten(k_base, l);
  ASSERT_TRUE(p);
  EXPECT_NE(p->hint.find("compiler:gcc, compiler:clang, compiler:zig"), std::string::npos)
      << p->hint;
  EXPECT_EQ(platform_values(k_base, k_base.platforms.at("linux-aarch64")).count("compiler"), 0u);
}

TEST(PackageConstraints, FlattenedAgainstTheProjectAndRefusedAtTheirFileAndLine) {
  config::Project project;
  config::Package kernel;
  kernel.name = "kernel";
  kernel.manifest = "packages/kernel/package.toml";
  kernel.build.constraint_values = {"compiler:gcc", "libc:gnu"};
  auto ok = package_constraints(project, kernel);
  EXPECT_EQ(ok.package, "kernel");
  EXPECT_EQ(ok.values, (std::map<std::string, std::string>{{"compiler", "gcc"}, {"libc", "gnu"}}));

  kernel.build.constraint_values = {"compiler:gcc", "compiler:zig"};
  kernel.where["build.constraint-values[1]"] = {"packages/kernel/package.toml", 7, 38};
  try {
    package_constraints(project, kernel);
    ADD_FAILURE() << "two compilers were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("packages/kernel/package.toml:7:38: duplicate values for "
                                          "constraint setting 'compiler'",
                                          0),
              0u)
        << e.what();
  }
  kernel.build.constraint_values = {"linux-aarch64"};
  EXPECT_THROW(package_constraints(project, kernel), Error);
}

TEST(PackageConstraints, TargetCompatibleWithSeesThePackagesOwnValues) {
  config::Project project;
  config::Package pkg;
  pkg.name = "gnu-only";
  pkg.build.target_compatible_with = {"libc:gnu"};
  pkg.build.constraint_values = {"libc:musl"};
  auto compat = package_compatibility(project, "linux-x86_64", pkg);
  EXPECT_FALSE(compat.compatible);
  EXPECT_EQ(compat.reason,
            "gnu-only: target-compatible-with wants libc:gnu, linux-x86_64 has libc:musl");
  pkg.build.constraint_values = {"libc:gnu"};
  EXPECT_TRUE(package_compatibility(project, "linux-x86_64", pkg).compatible);
}

TEST(SharedMerged, EqualDeclarationsShareOneMergeAndAChangeIsNeverServedAnOlderOne) {
  ToolchainConfig project;
  auto first = shared_merged(project, Arch::x86_64);
  EXPECT_EQ(*first, merged(project, Arch::x86_64));
  ToolchainConfig equal;  // another object of the same value
  EXPECT_EQ(shared_merged(equal, Arch::x86_64).get(), first.get());

  project.platforms["board"] = {"board", "linux-aarch64", {}, false, {}};
  auto changed = shared_merged(project, Arch::x86_64);
  EXPECT_NE(changed.get(), first.get());
  EXPECT_EQ(changed->platforms.count("board"), 1u);
  EXPECT_EQ(first->platforms.count("board"), 0u);  // a caller's earlier merge is left as it was

  auto other_host = shared_merged(project, Arch::aarch64);
  EXPECT_EQ(*other_host, merged(project, Arch::aarch64));
  EXPECT_NE(other_host->platforms.at("host").parent, changed->platforms.at("host").parent);
}
