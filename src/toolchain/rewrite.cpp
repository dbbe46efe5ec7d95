// The argument rewrite table of the zig wrappers: cargo-zigbuild's filter_linker_arg rules that
// apply to Linux targets, plus the gaps it leaves (docs/toolchains.md, "Wrapper rules"). Every
// rule keeps its name here, in the debug log and in the docs' table.
#include "osbuild/toolchain/rewrite.h"

#include <cctype>

#include "osbuild/util/error.h"
#include "osbuild/util/log.h"
#include "osbuild/util/text.h"

namespace osbuild::toolchain {

namespace {

// GCC's names for Arm features that LLVM (and so zig) spells differently.
const std::pair<std::string_view, std::string_view> k_arm_feature_names[] = {
    {"simd", "neon"},  {"fp", "fp_armv8"}, {"rdma", "rdm"}, {"fp16", "fullfp16"},
    {"memtag", "mte"}, {"profile", "spe"}, {"rng", "rand"}, {"sve2-bitperm", "sve2_bitperm"},
};

// Options whose value is the next argument: never rewritten, so that `-Xassembler -march=…`
// passes through and rewriting twice changes nothing.
const std::string_view k_takes_value[] = {
    "-o",        "-MF",      "-MT",         "-MQ",        "-include", "-imacros",
    "-I",        "-isystem", "-iquote",     "-idirafter", "-L",       "-x",
    "-D",        "-U",       "-Xassembler", "-Xlinker",   "-Xclang",  "-Xpreprocessor",
    "-z",        "-T",       "-u",          "-e",         "-MJ",      "-isysroot",
    "--sysroot", "-arch"};

bool takes_value(std::string_view arg) {
  for (auto v : k_takes_value) {
    if (arg == v) return true;
  }
  return false;
}

std::string zig_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

// "+crypto" → "+crypto", "+simd" → "+neon", "+nofp" → "-fp_armv8", "+sve2-aes" → "+sve2_aes".
std::string arm_features(std::string_view features) {
  std::string out;
  for (const auto& feature : split(features, '+')) {
    if (feature.empty()) continue;
    std::string_view name = feature;
    char sign = '+';
    if (name.starts_with("no") && name != "no") {
      sign = '-';
      name.remove_prefix(2);
    }
    std::string mapped = zig_name(name);
    for (const auto& [gcc, llvm] : k_arm_feature_names) {
      if (name == gcc) mapped = std::string(llvm);
    }
    out += sign + mapped;
  }
  return out;
}

// Whether an -mcpu value is already in zig's form, as this file writes it: GCC's names hold no
// '_', and no GCC extension is an architecture level ("generic+v8a-crypto" from -march).
bool is_zig_cpu(std::string_view value) {
  auto plus = value.find('+');
  bool level = plus != std::string_view::npos && plus + 2 < value.size() &&
               value[plus + 1] == 'v' && std::isdigit(static_cast<unsigned char>(value[plus + 2]));
  return level || value.find('_') != std::string_view::npos;
}

// "cortex-a72+crypto" → "cortex_a72+crypto"; a value in zig's form is kept, so that rewriting
// twice changes nothing ("-" removes a feature there: "+sve2-aes" is not "+sve2_aes").
std::string normalise_cpu(std::string_view value) {
  if (is_zig_cpu(value)) return std::string(value);
  auto plus = value.find('+');
  std::string name = zig_name(value.substr(0, plus));
  return plus == std::string_view::npos ? name : name + arm_features(value.substr(plus));
}

void note(std::string_view rule, const std::string& in, const std::string& out) {
  log::debug("osbuild-cc: rule {}: '{}' → {}", rule, in,
             out.empty() ? "(dropped)" : "'" + out + "'");
}

// "native", "native+crc": the build machine's CPU, with or without extensions.
bool is_native(std::string_view value) {
  return value.substr(0, value.find('+')) == "native";
}

bool is_avx512(std::string_view arg) {
  return arg.starts_with("-mavx512");
}

[[noreturn]] void refuse_native(const std::string& arg, const RewriteContext& ctx) {
  throw Error(arg + " asks for the build machine's CPU (" + std::string(arch_name(ctx.host)) +
                  "), but this compiles for " + std::string(arch_name(ctx.target)),
              "name a CPU of the target (-mcpu=cortex-a72, -march=armv8.2-a+crc) or drop the "
              "flag; a package that detects the CPU in its build script needs an override in "
              "[build] env");
}

class Rewriter {
 public:
  explicit Rewriter(const RewriteContext& ctx) : m_ctx(ctx) {}

  std::vector<std::string> run(const std::vector<std::string>& argv) {
    for (std::size_t i = 0; i < argv.size(); ++i) {
      const std::string& arg = argv[i];
      if (takes_value(arg) && i + 1 < argv.size()) {
        m_out.push_back(arg);
        m_out.push_back(argv[++i]);
        continue;
      }
      if (arg == "-target" && i + 1 < argv.size()) {
        note("target-prepass", arg + " " + argv[i + 1], "");
        ++i;
        continue;
      }
      if (drop_with_next(arg) && i + 1 < argv.size()) {
        note("zig-lt-0.16-list-files", arg + " " + argv[i + 1], "");
        ++i;
        continue;
      }
      one(arg);
    }
    add_evex512();
    return std::move(m_out);
  }

 private:
  bool drop_with_next(const std::string& arg) const {
    return m_ctx.zig_minor < 16 &&
           (arg == "-Wl,-exported_symbols_list" || arg == "-Wl,--dynamic-list");
  }

  void replace(std::string_view rule, const std::string& in, std::vector<std::string> out) {
    note(rule, in, join(out, " "));
    for (auto& o : out) m_out.push_back(std::move(o));
  }

  void one(const std::string& arg) {
    if (arg == "-lgcc_s") return replace("lgcc_s", arg, {"-lunwind"});
    if (arg.starts_with("--target=")) return replace("target-flag", arg, {});
    if (is_entry(arg)) return replace("entry", arg, {"-Wl,--entry=" + arg.substr(2)});
    if (arg == "-Wl,--no-undefined-version" || arg == "-Wl,-znostart-stop-gc" ||
        arg == "-Wl,--fix-cortex-a53-843419" || arg.starts_with("-Wl,-plugin-opt")) {
      return replace("unsupported-linker-flag", arg, {});
    }
    if (m_ctx.musl && musl_drop(arg)) return replace("musl", arg, {});
    if (arg.starts_with("-Wp,") && !arg.starts_with("-Wp,-MD") && !arg.starts_with("-Wp,-MMD") &&
        !arg.starts_with("-Wp,-MT")) {
      return replace("wp", arg, {});
    }
    if (m_ctx.zig_minor < 16 &&
        (arg.starts_with("-Wl,-exported_symbols_list,") || arg.starts_with("-Wl,--dynamic-list,") ||
         arg.starts_with("-Wl,--dynamic-list="))) {
      return replace("zig-lt-0.16-list-files", arg, {});
    }
    if (arg.starts_with("-mtune=")) return replace("mtune", arg, {});
    if (arg.starts_with("-march=")) return march(arg);
    if (arg.starts_with("-mcpu=")) return mcpu(arg);
    m_out.push_back(arg);
  }

  static bool is_entry(const std::string& arg) {
    if (arg.size() <= 2 || !arg.starts_with("-e")) return false;
    for (std::string_view clang_flag : {"-export", "-emit", "-enable", "-extract"}) {
      if (arg.starts_with(clang_flag)) return false;
    }
    return true;
  }

  static bool musl_drop(const std::string& arg) {
    // An object is a path, never an option ("-Wl,--entry=…/self-contained/crt1.o" stays).
    bool crt_object = !arg.starts_with("-") && arg.ends_with(".o") &&
                      arg.find("self-contained") != std::string::npos &&
                      arg.find("crt") != std::string::npos;
    return crt_object || arg == "-Wl,-melf_i386" || arg == "-lc";
  }

  void march(const std::string& arg) {
    std::string value = arg.substr(7);
    if (is_native(value)) {
      if (m_ctx.cross()) refuse_native(arg, m_ctx);
      return m_out.push_back(arg);
    }
    if (m_ctx.target == Arch::aarch64) {
      auto cpu = arm_march_to_zig_cpu(value);
      if (!cpu) return m_out.push_back(arg);
      std::vector<std::string> out = {"-mcpu=" + *cpu};
      // zig does not hand CPU features to clang's integrated assembler (zig#10411): an .S file
      // with aese, crc32cx or eor3 fails unless -march reaches the assembler too.
      if (value.find('+') != std::string::npos) {
        out.push_back("-Xassembler");
        out.push_back(arg);
      }
      return replace("march-arm", arg, out);
    }
    std::string cpu = zig_name(value);
    if (cpu == value) return m_out.push_back(arg);
    replace("march-x86", arg, {"-march=" + cpu});
  }

  void mcpu(const std::string& arg) {
    std::string value = arg.substr(6);
    if (is_native(value)) {
      if (m_ctx.cross()) refuse_native(arg, m_ctx);
      return m_out.push_back(arg);
    }
    std::string cpu = normalise_cpu(value);
    if (cpu == value) return m_out.push_back(arg);
    replace("mcpu-name", arg, {"-mcpu=" + cpu});
  }

  // clang 18 split 512-bit vectors out of the AVX-512 features: a 512-bit intrinsic needs
  // evex512 beside avx512f (crc-fast on x86_64, ziglang/zig#23517). Older clang rejects the flag.
  void add_evex512() {
    if (m_ctx.target != Arch::x86_64 || m_ctx.clang_major < 18) return;
    std::size_t first = m_out.size();
    for (std::size_t i = 0; i < m_out.size(); ++i) {
      if (m_out[i] == "-mevex512" || m_out[i] == "-mno-evex512") return;
      if (first == m_out.size() && is_avx512(m_out[i])) first = i;
    }
    if (first == m_out.size()) return;
    note("evex512", m_out[first], m_out[first] + " -mevex512");
    m_out.insert(m_out.begin() + static_cast<std::ptrdiff_t>(first) + 1, "-mevex512");
  }

  const RewriteContext& m_ctx;
  std::vector<std::string> m_out;
};

}  // namespace

std::optional<std::string> arm_march_to_zig_cpu(const std::string& march) {
  // armv<major>[.<minor>][-]<profile>[+features]: armv8-a, armv8.2-a, armv9-a, armv8-r.
  std::string_view v = march;
  if (!v.starts_with("armv")) return std::nullopt;
  v.remove_prefix(4);
  std::size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  if (i == 0) return std::nullopt;
  std::string level = "v" + std::string(v.substr(0, i));
  v.remove_prefix(i);
  if (v.starts_with(".")) {
    v.remove_prefix(1);
    std::size_t j = 0;
    while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
    if (j == 0) return std::nullopt;
    level += "_" + std::string(v.substr(0, j));
    v.remove_prefix(j);
  }
  if (v.starts_with("-")) v.remove_prefix(1);
  if (v.empty() || (v[0] != 'a' && v[0] != 'r')) return std::nullopt;
  level += v[0];
  v.remove_prefix(1);
  if (!v.empty() && v[0] != '+') return std::nullopt;
  return "generic+" + level + arm_features(v);
}

std::vector<std::string> rewrite_args(const std::vector<std::string>& argv,
                                      const RewriteContext& ctx) {
  return Rewriter(ctx).run(argv);
}

}  // namespace osbuild::toolchain
