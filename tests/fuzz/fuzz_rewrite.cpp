// The compiler-argument rewriter of the osbuild-cc wrappers, on whatever a package's build
// system passes. The first byte sets the context (bit 0: target aarch64, bit 1: host aarch64,
// bit 2: musl, bit 3: zig's clang 18 instead of 16, bit 4: zig 0.16 instead of 0.11); the rest is
// the arguments, one a line. The rewrite either refuses with an osbuild::Error or gives
// arguments that a second rewrite leaves as they are (docs/toolchains.md).
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "osbuild/toolchain/rewrite.h"
#include "osbuild/util/text.h"

using namespace osbuild;
using namespace osbuild::toolchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  RewriteContext ctx;
  ctx.target = (data[0] & 1) != 0 ? Arch::aarch64 : Arch::x86_64;
  ctx.host = (data[0] & 2) != 0 ? Arch::aarch64 : Arch::x86_64;
  ctx.musl = (data[0] & 4) != 0;
  ctx.clang_major = (data[0] & 8) != 0 ? 18 : 16;
  ctx.zig_minor = (data[0] & 16) != 0 ? 16 : 11;
  std::vector<std::string> argv;
  std::string_view rest = fuzz::as_text(data + 1, size - 1);
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    argv.emplace_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  for (const auto& arg : argv) {
    std::string march = arg.starts_with("-march=") ? arg.substr(7) : arg;
    if (auto cpu = arm_march_to_zig_cpu(march)) {
      fuzz::check(cpu->starts_with("generic+v"), "arm_march_to_zig_cpu gave no zig CPU", *cpu);
    }
  }
  // The one known exception (docs/fuzzing.md): a GCC CPU name without '-' that removes a
  // feature, "-mcpu=generic+nocrypto" → "generic-crypto", reads as a GCC name the second time.
  for (const auto& arg : argv) {
    if (!arg.starts_with("-mcpu=")) continue;
    std::string_view value = std::string_view(arg).substr(6);
    std::string_view name = value.substr(0, value.find('+'));
    if (name.find('-') == std::string_view::npos && value.find("+no") != std::string_view::npos) {
      return 0;
    }
  }
  std::vector<std::string> once;
  if (!fuzz::errors_only([&] { once = rewrite_args(argv, ctx); })) return 0;
  std::vector<std::string> twice;
  bool ok = fuzz::errors_only([&] { twice = rewrite_args(once, ctx); });
  fuzz::check(ok && twice == once, "rewriting twice differs from rewriting once",
              join(once, " ") + "  ->  " + (ok ? join(twice, " ") : std::string("(refused)")));
  return 0;
}
