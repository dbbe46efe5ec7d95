// From a resolution to what a build runs: absolute programs, versions, flags and the identity
// that enters every action key.
#include <chrono>
#include <mutex>

#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/error.h"
#include "osbuild/util/text.h"

namespace osbuild::toolchain {

namespace {

// Probing runs each compiler once per process, not once per package (a runner other than the
// system's, a test's, is always asked).
std::string cached_first_line(const std::vector<std::string>& argv, process::Runner& runner) {
  if (&runner != &process::system_runner()) {
    return first_output_line(argv, runner);
  }
  static std::mutex mutex;
  static std::map<std::vector<std::string>, std::string> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(argv);
  if (it == cache.end()) {
    it = cache.emplace(argv, first_output_line(argv)).first;
  }
  return it->second;
}

std::string first_line(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line = trim(text.substr(start, end == std::string::npos ? end : end - start));
    if (!line.empty()) return std::string(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

// gcc "aarch64-linux-gnu-gcc" → "aarch64-linux-gnu-"; "gcc" → "".
std::string tool_prefix(const std::string& cc) {
  std::string base = fs::path(cc).filename().string();
  for (std::string_view suffix : {"gcc", "clang", "cc"}) {
    if (base.size() >= suffix.size() && base.ends_with(suffix)) {
      return base.substr(0, base.size() - suffix.size());
    }
  }
  return {};
}

fs::path locate(const std::string& program) {
  std::string found = process::find_program(program);
  return found.empty() ? fs::path() : fs::path(found);
}

// A program named by the declaration, else derived from cc's prefix ("aarch64-linux-gnu-ar").
fs::path program_for(const ToolchainDecl& t, const std::string& declared,
                     const std::string& gcc_name, const std::string& clang_name,
                     const std::string& fallback) {
  if (!declared.empty()) return locate(declared);
  std::string prefix = tool_prefix(t.cc);
  std::string dir =
      fs::path(t.cc).has_parent_path() ? fs::path(t.cc).parent_path().string() + "/" : "";
  std::string name = t.kind == ToolchainKind::clang ? clang_name : gcc_name;
  fs::path found = locate(dir + prefix + name);
  return found.empty() ? locate(fallback) : found;
}

int clang_major_of(const std::string& version_line) {
  auto at = version_line.find("clang version ");
  if (at == std::string::npos) return 0;
  return std::atoi(version_line.c_str() + at + 14);
}

const ToolchainDecl& find_decl(const ToolchainConfig& config, const std::string& name) {
  for (const auto& t : config.toolchains) {
    if (t.name == name) return t;
  }
  throw Error("internal: toolchain '" + name + "' vanished");
}

std::string describe_values(const std::map<std::string, std::string>& values) {
  std::vector<std::string> parts;
  for (const auto& [s, v] : values) parts.push_back(s + ":" + v);
  return join(parts, ", ");
}

// A package.toml list flattened against the project's settings; a problem is an Error at the
// element's file:line.
ConstraintList package_list(const ToolchainConfig& config, const config::Package& package,
                            const std::vector<std::string>& written, const std::string& key) {
  ConstraintList list;
  list.written = written;
  if (auto problem = flatten(config, list)) {
    auto where = package.where.find(key + "[" + std::to_string(problem->index) + "]");
    std::string at = where != package.where.end() ? where->second.str() + ": "
                                                  : package.manifest.string() + ": ";
    throw Error(at + problem->what, problem->hint);
  }
  return list;
}

[[noreturn]] void fail_no_toolchain(const Resolution& r, Arch target) {
  std::string what = "no C toolchain for target platform " + r.target_platform + " (" +
                     describe_values(r.target_values) + ")";
  if (!r.package.values.empty()) {
    what += " as package " + r.package.package + "'s build.constraint-values set it";
  }
  std::vector<std::string> hints;
  for (const auto& c : r.candidates) {
    if (c.verdict == Candidate::Verdict::unavailable) {
      what += "\n  " + c.toolchain + ": " + c.note;
    }
  }
  std::string package = r.package.values.empty() ? "" : " --package " + r.package.package;
  throw Error(what, "run `osbuild toolchains explain --arch " + std::string(arch_name(target)) +
                        package + "` to see why each toolchain was rejected");
}

}  // namespace

std::string first_output_line(const std::vector<std::string>& argv, process::Runner& runner) {
  if (argv.empty() || process::find_program(argv.front()).empty()) return {};
  process::Command command;
  command.argv = argv;
  command.out = process::Sink::capture;
  command.err = process::Sink::same_as_stdout;
  // Bounded: a program that waits for input or hangs is killed after 10 s.
  command.time_limit = std::chrono::seconds(10);
  command.grace = std::chrono::milliseconds(0);
  command.capture_limit = 65536;
  return first_line(runner.run(command).out);
}

// Only the compiler decides: the other programs fall back to the host's when a toolchain lacks
// them (Debian's gcc-aarch64-linux-gnu comes without g++).
Availability probe_availability(const ToolchainDecl& t) {
  if (!locate(t.cc).empty()) return {};
  bool absolute = t.cc.find('/') != std::string::npos;
  return {false, t.cc + (absolute ? " does not exist" : " not found on PATH"), t.install_hint};
}

PackageConstraints package_constraints(const config::Project& project,
                                       const config::Package& package) {
  auto shared = shared_merged(project.file.toolchains, host_arch());
  const ToolchainConfig& config = *shared;
  return {package.name, package_list(config, package, package.build.constraint_values,
                                     "build.constraint-values")
                            .values};
}

PackageCompatibility package_compatibility(const config::Project& project,
                                           const std::string& target_platform,
                                           const config::Package& package) {
  auto shared = shared_merged(project.file.toolchains, host_arch());
  const ToolchainConfig& config = *shared;
  ConstraintList list = package_list(config, package, package.build.target_compatible_with,
                                     "build.target-compatible-with");
  auto platform = config.platforms.find(target_platform);
  if (platform == config.platforms.end()) {
    throw UsageError("unknown platform '" + target_platform + "'");
  }
  auto values = platform_values(config, platform->second);
  for (const auto& [setting, value] : package_constraints(project, package).values) {
    values[setting] = value;  // the package's own platform transition
  }
  std::vector<std::string> problems;
  for (const auto& [setting, value] : list.values) {
    auto it = values.find(setting);
    problems.push_back(it == values.end()
                           ? setting + ":" + value + ", " + target_platform + " has no " + setting
                       : it->second != value ? setting + ":" + value + ", " + target_platform +
                                                   " has " + setting + ":" + it->second
                                             : std::string());
    if (problems.back().empty()) problems.pop_back();
  }
  if (problems.empty()) return {};
  return {false, package.name + ": target-compatible-with wants " + join(problems, "; ")};
}

Programs ResolvedToolchain::programs(const fs::path& tool_dir) const {
  if (kind != ToolchainKind::zig) return real;
  return {tool_dir / "osbuild-cc", tool_dir / "osbuild-c++", tool_dir / "osbuild-ar",
          tool_dir / "osbuild-ranlib", tool_dir / "osbuild-strip"};
}

std::map<std::string, std::string> ResolvedToolchain::environment(const fs::path& tool_dir,
                                                                  const fs::path& zig_cache) const {
  Programs p = programs(tool_dir);
  std::map<std::string, std::string> env = {
      {"CC", p.cc.string()},
      {"CXX", p.cxx.string()},
      {"AR", p.ar.string()},
      {"RANLIB", p.ranlib.string()},
      {"STRIP", p.strip.string()},
      {"OSBUILD_TARGET", gnu_triple},
      {"OSBUILD_TOOLCHAIN", name},
      {"CMAKE_TOOLCHAIN_FILE", (tool_dir / "toolchain.cmake").string()},
      {"CFLAGS", join(cflags, " ")},
      {"LDFLAGS", join(ldflags, " ")},
  };
  if (kind == ToolchainKind::zig && !zig_cache.empty()) {
    env["ZIG_GLOBAL_CACHE_DIR"] = zig_cache.string();
    env["ZIG_LOCAL_CACHE_DIR"] = zig_cache.string();
  }
  return env;
}

std::vector<std::string> ResolvedToolchain::autotools_args() const {
  if (!cross()) return {};
  return {"--host=" + gnu_triple, "--build=" + osbuild::gnu_triple(host_arch)};
}

Json ResolvedToolchain::identity() const {
  Json id = {{"name", name},
             {"kind", toolchain_kind_name(kind)},
             {"compiler", compiler.string()},
             {"version", version},
             {"target", zig_target.empty() ? gnu_triple : zig_target},
             {"target_constraints", target_values},
             {"cflags", cflags},
             {"ldflags", ldflags},
             {"sysroot", sysroot.string()}};
  if (kind == ToolchainKind::zig) {
    id["zig_version"] = zig_version;
    id["wrapper_rule_version"] = k_wrapper_rule_version;
  }
  return id;
}

ResolvedToolchain resolve_toolchain(const config::Project& project, Arch target,
                                    const config::Package* pkg,
                                    const std::vector<std::string>& extra_toolchains,
                                    process::Runner& runner) {
  if (pkg == nullptr) {
    return resolve_toolchain(project, target, PackageConstraints{}, extra_toolchains, runner);
  }
  auto compat = package_compatibility(project, target_platform_name(target), *pkg);
  if (!compat.compatible) {
    throw Error("package " + compat.reason,
                "it is skipped for " + std::string(arch_name(target)) +
                    "; build it for a platform it supports, or widen its "
                    "build.target-compatible-with");
  }
  return resolve_toolchain(project, target, package_constraints(project, *pkg), extra_toolchains,
                           runner);
}

ResolvedToolchain resolve_toolchain(const config::Project& project, Arch target,
                                    const PackageConstraints& constraints,
                                    const std::vector<std::string>& extra_toolchains,
                                    process::Runner& runner) {
  Arch host = host_arch();
  auto shared = shared_merged(project.file.toolchains, host);
  const ToolchainConfig& config = *shared;
  std::string platform = target_platform_name(target);
  Resolution r = resolve(config, platform, {{"cc", true}}, extra_toolchains, probe_availability,
                         constraints);
  if (!r.exec_platform) fail_no_toolchain(r, target);
  const ToolchainDecl& t = find_decl(config, r.selected.at("cc"));
  ResolvedToolchain out;
  out.name = t.name;
  out.kind = t.kind;
  out.target_arch = target;
  out.host_arch = host;
  out.target_platform = platform;
  out.target_values = r.target_values;
  out.exec_platform = *r.exec_platform;
  out.compiler = locate(t.cc);
  out.cflags = t.cflags;
  out.ldflags = t.ldflags;
  out.sysroot = t.sysroot;
  if (t.kind == ToolchainKind::zig) {
    out.zig_target = t.target;
    out.gnu_triple = strip_glibc_suffix(t.target);
    out.version = cached_first_line({out.compiler.string(), "cc", "--version"}, runner);
    out.zig_version = cached_first_line({out.compiler.string(), "version"}, runner);
    out.clang_major = clang_major_of(out.version);
  } else {
    out.gnu_triple = t.target.empty() ? osbuild::gnu_triple(target) : strip_glibc_suffix(t.target);
    out.version = cached_first_line({out.compiler.string(), "--version"}, runner);
    bool clang = t.kind == ToolchainKind::clang;
    out.real = {out.compiler, program_for(t, t.cxx, "g++", "clang++", clang ? "clang++" : "g++"),
                program_for(t, t.ar, "ar", "llvm-ar", "ar"),
                program_for(t, t.ranlib, "ranlib", "llvm-ranlib", "ranlib"),
                program_for(t, t.strip, "strip", "llvm-strip", "strip")};
  }
  return out;
}

}  // namespace osbuild::toolchain
