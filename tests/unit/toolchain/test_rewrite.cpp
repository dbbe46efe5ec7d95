// One test per wrapper rule (docs/toolchains.md, "Wrapper rules"): input argv → output argv.
#include <gtest/gtest.h>

#include "osbuild/toolchain/rewrite.h"
#include "osbuild/util/error.h"

using namespace osbuild;
using namespace osbuild::toolchain;

namespace {

using Args = std::vector<std::string>;

RewriteContext aarch64_cross() {
  return {Arch::aarch64, Arch::x86_64, false, 16, 11};
}
RewriteContext x86_64_native() {
  return {Arch::x86_64, Arch::x86_64, false, 16, 11};
}

Args rw(const Args& in, const RewriteContext& ctx = aarch64_cross()) {
  return rewrite_args(in, ctx);
}

}  // namespace

TEST(RewriteArgs, OrdinaryArgumentsPassUnchanged) {
  Args in = {"-O2", "-c", "crc.c", "-o", "crc.o", "-Wall", "-DNDEBUG", "-Iinclude"};
  EXPECT_EQ(rw(in), in);
}

TEST(RewriteArgs, TargetPrepassDropsASecondTarget) {
  EXPECT_EQ(rw({"-target", "arm64", "-c", "a.c"}), (Args{"-c", "a.c"}));
}

TEST(RewriteArgs, LgccSBecomesLunwind) {
  EXPECT_EQ(rw({"main.o", "-lgcc_s", "-lm"}), (Args{"main.o", "-lunwind", "-lm"}));
}

TEST(RewriteArgs, ClangStyleTargetFlagIsDropped) {
  EXPECT_EQ(rw({"--target=aarch64-unknown-linux-gnu", "-c", "a.c"}), (Args{"-c", "a.c"}));
}

TEST(RewriteArgs, GlibcSuffixedTargetFlagIsDroppedToo) {
  // The wrapper's own -target carries the glibc version; no suffixed triple reaches clang.
  EXPECT_EQ(rw({"--target=aarch64-linux-gnu.2.28", "a.c"}), (Args{"a.c"}));
}

TEST(RewriteArgs, EntrySymbolBecomesLinkerFlag) {
  EXPECT_EQ(rw({"-emain2", "a.o"}), (Args{"-Wl,--entry=main2", "a.o"}));
  EXPECT_EQ(rw({"-e", "main2"}), (Args{"-e", "main2"}));          // separate form: zig knows it
  EXPECT_EQ(rw({"-export-dynamic"}), (Args{"-export-dynamic"}));  // not an entry symbol
  EXPECT_EQ(rw({"-emit-llvm"}), (Args{"-emit-llvm"}));
}

TEST(RewriteArgs, UnsupportedLinkerFlagsAreDropped) {
  EXPECT_EQ(rw({"-Wl,--no-undefined-version", "-Wl,-znostart-stop-gc",
                "-Wl,--fix-cortex-a53-843419", "-Wl,-plugin-opt=O2", "-Wl,-O1"}),
            (Args{"-Wl,-O1"}));
}

TEST(RewriteArgs, MuslDropsSelfContainedCrtObjectsAndLc) {
  RewriteContext musl = aarch64_cross();
  musl.musl = true;
  EXPECT_EQ(rw({"/x/self-contained/crt1.o", "main.o", "-lc", "-Wl,-melf_i386"}, musl),
            (Args{"main.o"}));
  EXPECT_EQ(rw({"main.o", "-lc"}), (Args{"main.o", "-lc"}));  // glibc keeps -lc
}

TEST(RewriteArgs, WpIsDroppedExceptDependencyFlags) {
  EXPECT_EQ(rw({"-Wp,-U_FORTIFY_SOURCE", "-Wp,-MD,dep.d", "-Wp,-MMD,d2.d", "-Wp,-MT,x.o"}),
            (Args{"-Wp,-MD,dep.d", "-Wp,-MMD,d2.d", "-Wp,-MT,x.o"}));
}

TEST(RewriteArgs, ExportedSymbolListsAreDroppedBeforeZig016) {
  EXPECT_EQ(rw({"-Wl,-exported_symbols_list", "syms.txt", "-Wl,--dynamic-list", "dyn.txt",
                "-Wl,--dynamic-list=d.txt", "-Wl,-exported_symbols_list,s.txt", "a.o"}),
            (Args{"a.o"}));
  RewriteContext zig16 = aarch64_cross();
  zig16.zig_minor = 16;
  EXPECT_EQ(rw({"-Wl,--dynamic-list=d.txt"}, zig16), (Args{"-Wl,--dynamic-list=d.txt"}));
}

TEST(RewriteArgs, ArmMarchKeepsTheArchitectureLevelAndFeatures) {
  // The crc-fast case (seeds/003): zig reads -march as a CPU name and fails on 'armv8.2'.
  EXPECT_EQ(rw({"-march=armv8.2-a+crypto+crc+sha3"}),
            (Args{"-mcpu=generic+v8_2a+crypto+crc+sha3", "-Xassembler",
                  "-march=armv8.2-a+crypto+crc+sha3"}));
}

TEST(RewriteArgs, ArmMarchWithoutFeaturesNeedsNoAssemblerFlag) {
  EXPECT_EQ(rw({"-march=armv8-a"}), (Args{"-mcpu=generic+v8a"}));
  EXPECT_EQ(rw({"-march=armv9.2-a"}), (Args{"-mcpu=generic+v9_2a"}));
  EXPECT_EQ(rw({"-march=armv8-r"}), (Args{"-mcpu=generic+v8r"}));
}

TEST(RewriteArgs, ArmFeatureNamesFollowLlvm) {
  EXPECT_EQ(rw({"-march=armv8-a+simd+rdma+fp16+nofp+sve2-aes"})[0],
            "-mcpu=generic+v8a+neon+rdm+fullfp16-fp_armv8+sve2_aes");
}

TEST(RewriteArgs, AssemblerGetsMarchForEveryFeatureNotOnlyCrypto) {
  // zig#10411: the integrated assembler sees no CPU features; crc32cx fails as aese does.
  EXPECT_EQ(rw({"-march=armv8-a+crc"}),
            (Args{"-mcpu=generic+v8a+crc", "-Xassembler", "-march=armv8-a+crc"}));
}

TEST(RewriteArgs, McpuNamesUseUnderscores) {
  EXPECT_EQ(rw({"-mcpu=cortex-a72"}), (Args{"-mcpu=cortex_a72"}));
  EXPECT_EQ(rw({"-mcpu=neoverse-n1+crypto"}), (Args{"-mcpu=neoverse_n1+crypto"}));
  EXPECT_EQ(rw({"-mcpu=generic"}), (Args{"-mcpu=generic"}));
}

TEST(RewriteArgs, NativeCpuIsRefusedWhenCrossCompiling) {
  EXPECT_THROW(rw({"-mcpu=native"}), Error);
  EXPECT_THROW(rw({"-march=native"}), Error);
  // With extensions it is still the build machine's CPU; "native+" once became "native" and was
  // refused only when the rewritten arguments were rewritten again.
  EXPECT_THROW(rw({"-mcpu=native+"}), Error);
  EXPECT_THROW(rw({"-mcpu=native+crc"}), Error);
  EXPECT_THROW(rw({"-march=native+nosve"}), Error);
  try {
    rw({"-c", "-march=native"});
    ADD_FAILURE() << "-march=native was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "-march=native asks for the build machine's CPU (x86_64), but this compiles for "
              "aarch64");
  }
}

TEST(RewriteArgs, NativeCpuIsKeptForANativeBuild) {
  EXPECT_EQ(rw({"-march=native"}, x86_64_native()), (Args{"-march=native"}));
  EXPECT_EQ(rw({"-mcpu=native"}, x86_64_native()), (Args{"-mcpu=native"}));
  EXPECT_EQ(rw({"-mcpu=native+crc"}, x86_64_native()), (Args{"-mcpu=native+crc"}));
}

TEST(RewriteArgs, MtuneIsDropped) {
  EXPECT_EQ(rw({"-mtune=cortex-a72", "-O2"}), (Args{"-O2"}));
  EXPECT_EQ(rw({"-mtune=generic"}, x86_64_native()), (Args{}));
}

TEST(RewriteArgs, X86MarchNamesUseUnderscores) {
  EXPECT_EQ(rw({"-march=x86-64-v3"}, x86_64_native()), (Args{"-march=x86_64_v3"}));
  EXPECT_EQ(rw({"-march=skylake-avx512"}, x86_64_native()), (Args{"-march=skylake_avx512"}));
  EXPECT_EQ(rw({"-march=haswell"}, x86_64_native()), (Args{"-march=haswell"}));
}

TEST(RewriteArgs, Evex512IsNotAddedForClang16) {
  // zig 0.11 bundles clang 16, which rejects -mevex512 ("Unknown Clang option") and does not
  // need it: 512-bit intrinsics compile with -mavx512f alone.
  Args in = {"-msse4.2", "-mpclmul", "-mavx512f", "-mavx512vl", "-mvpclmulqdq"};
  EXPECT_EQ(rw(in, x86_64_native()), in);
}

TEST(RewriteArgs, Evex512IsAddedBesideAvx512ForClang18) {
  RewriteContext clang18 = x86_64_native();
  clang18.clang_major = 18;
  EXPECT_EQ(rw({"-msse4.2", "-mavx512f", "-mavx512vl"}, clang18),
            (Args{"-msse4.2", "-mavx512f", "-mevex512", "-mavx512vl"}));
  EXPECT_EQ(rw({"-mavx512f", "-mno-evex512"}, clang18), (Args{"-mavx512f", "-mno-evex512"}));
  EXPECT_EQ(rw({"-msse4.2"}, clang18), (Args{"-msse4.2"}));
}

TEST(RewriteArgs, ValuesOfOptionsAreNeverRewritten) {
  Args in = {"-Xassembler", "-march=armv8.2-a+crypto", "-o", "-lgcc_s", "-Xlinker", "-lc"};
  EXPECT_EQ(rw(in), in);
}

TEST(RewriteArgs, RewritingTwiceChangesNothing) {
  Args once = rw({"-march=armv8.2-a+crypto+crc+sha3", "-mcpu=cortex-a72", "-lgcc_s", "-c"});
  EXPECT_EQ(rw(once), once);
}

// Found by tests/fuzz/fuzz_rewrite (corpus/rewrite/crash-*): a removed feature ("+nocrypto" →
// "-crypto") became part of the name on the second rewrite ("v8a_crypto").
TEST(RewriteArgs, RewritingTwiceKeepsRemovedFeatures) {
  for (const Args& in : {Args{"-march=armv8-a+nocrypto+crc"}, Args{"-mcpu=cortex-a72+nocrypto"},
                         Args{"-march=armv8.2-a+sve2-aes+nofp"}}) {
    Args once = rw(in);
    EXPECT_EQ(rw(once), once) << in[0];
  }
  EXPECT_EQ(rw({"-march=armv8-a+nocrypto"})[0], "-mcpu=generic+v8a-crypto");
  EXPECT_EQ(rw({"-mcpu=cortex-a72+nocrypto"}), (Args{"-mcpu=cortex_a72-crypto"}));
}

// Found by tests/fuzz/fuzz_rewrite (corpus/rewrite/crash-7498…): the entry rule's output,
// "-Wl,--entry=…/self-contained/crt1.o", was dropped as a crt object by the musl rule next time.
TEST(RewriteArgs, MuslKeepsOptionsThatNameACrtObject) {
  RewriteContext musl = {Arch::x86_64, Arch::x86_64, true, 16, 11};
  Args once = rw({"-e/lib/self-contained/crt1.o", "/lib/self-contained/crt1.o"}, musl);
  EXPECT_EQ(once, (Args{"-Wl,--entry=/lib/self-contained/crt1.o"}));
  EXPECT_EQ(rw(once, musl), once);
}

TEST(ArmMarch, RejectsWhatIsNotAnArmArchitecture) {
  EXPECT_EQ(arm_march_to_zig_cpu("armv8.2-a+crc"), "generic+v8_2a+crc");
  EXPECT_EQ(arm_march_to_zig_cpu("armv8a"), "generic+v8a");
  EXPECT_FALSE(arm_march_to_zig_cpu("x86-64"));
  EXPECT_FALSE(arm_march_to_zig_cpu("armv"));
  EXPECT_FALSE(arm_march_to_zig_cpu("armv8.-a"));
  EXPECT_FALSE(arm_march_to_zig_cpu("armv8-m.main"));
}
