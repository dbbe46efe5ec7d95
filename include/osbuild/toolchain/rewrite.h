#pragma once
// The compiler wrappers: the osbuild binary run as osbuild-cc, osbuild-c++, osbuild-ar, … (the
// argv[0] dispatch of cargo-zigbuild), rewriting GCC-style arguments that `zig cc` rejects before
// running zig. docs/toolchains.md has the table of rules; each rule is a unit test.
#include <optional>
#include <string>
#include <vector>

#include "osbuild/util/arch.h"

namespace osbuild::toolchain {

struct RewriteContext {
  Arch target = Arch::x86_64;
  Arch host = Arch::x86_64;
  bool musl = false;
  int clang_major = 16;  // the clang zig bundles: 16 for zig 0.11
  int zig_minor = 11;    // zig 0.<minor>
  bool cross() const { return target != host; }
};

// The compiler arguments after `zig cc -target <t>`: every rule of docs/toolchains.md applied in
// order, each change logged at debug level. Throws an Error for arguments that cannot work
// (-mcpu=native when cross-compiling). Applying it twice gives the same result.
std::vector<std::string> rewrite_args(const std::vector<std::string>& argv,
                                      const RewriteContext& ctx);

// "armv8.2-a+crypto+crc+sha3" → "generic+v8_2a+crypto+crc+sha3"; nullopt when `march` is not an
// Arm architecture name.
std::optional<std::string> arm_march_to_zig_cpu(const std::string& march);

// When argv[0]'s name is one of the wrappers (osbuild-cc, osbuild-c++, osbuild-ar,
// osbuild-ranlib, osbuild-strip, osbuild-objcopy), runs it: reads osbuild-toolchain.json beside
// argv[0] (or $OSBUILD_TOOLCHAIN_CONFIG), rewrites the arguments and execs zig. Returns the exit
// status when it handled the call (exec failed, or a refused argument), nullopt for any other name.
std::optional<int> dispatch_wrapper(int argc, char** argv);

}  // namespace osbuild::toolchain
