#pragma once
// Toolchain resolution for one package and target (Bazel's algorithm, docs/toolchains.md), the
// tool dir a build runs its compiler from, and the check that a build made binaries for the
// right machine.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/config/model.h"
#include "osbuild/config/toolchains.h"
#include "osbuild/process/process.h"
#include "osbuild/util/arch.h"
#include "osbuild/util/json.h"

namespace osbuild::toolchain {

namespace fs = std::filesystem;

// What osbuild.toml declares (config/toolchains.h), named here as the resolver speaks of it.
using config::DeclaredAt;
using config::ConstraintSetting;
using config::ConstraintList;
using config::Platform;
using config::ConstraintSet;
using config::ToolchainKind;
using config::toolchain_kind_name;
using config::ToolchainDecl;
using config::ToolchainConfig;
using config::builtins;
using config::merged;
using config::shared_merged;
using config::platform_value;
using config::platform_values;
using config::ListProblem;
using config::flatten;
using config::target_platform_name;
using config::strip_glibc_suffix;

// The version of the compiler wrappers' rewrite rules (rewrite.h); part of every zig
// toolchain's identity, so changing a rule rebuilds what it compiled.
inline constexpr int k_wrapper_rule_version = 1;

// Whether a toolchain's programs are present, and if not what is missing and how to get it.
struct Availability {
  bool available = true;
  std::string reason;  // "aarch64-linux-gnu-gcc not found on PATH"
  std::string hint;    // "apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
};
using AvailabilityProbe = std::function<Availability(const ToolchainDecl&)>;
// Looks each program up on PATH (or at its absolute path).
Availability probe_availability(const ToolchainDecl& toolchain);

struct ToolchainType {
  std::string name;  // "cc"
  bool mandatory = true;
};

// One line of `osbuild toolchains explain`, as Bazel's --toolchain_resolution_debug prints it.
struct Candidate {
  enum class Verdict {
    selected,         // the first compatible toolchain for the chosen exec platform
    compatible,       // compatible, but another exec platform was chosen
    shadowed,         // compatible, but an earlier toolchain already serves every exec platform
    target_mismatch,  // target-compatible-with does not match the target platform
    exec_mismatch,    // no exec platform matches exec-compatible-with
    unavailable,      // its programs are missing
    other_type,       // provides a type the resolution does not need
    compiler_mismatch,  // the target (or the package) wants compiler:X, and its kind is not X
  };
  std::string toolchain;
  std::string type;
  Verdict verdict = Verdict::target_mismatch;
  std::vector<std::string> mismatching;  // "cpu:x86_64 (target platform has cpu:aarch64)"
  std::vector<std::string> missing;      // "glibc:2.28 (target platform has no glibc)"
  std::string exec_platform;             // for selected and compatible
  std::string note;  // unavailable: reason and hint; compiler_mismatch: who wants which compiler
};
std::string_view verdict_name(Candidate::Verdict verdict);

// A package's build.constraint-values, flattened: for that package's builds they replace the
// target platform's values of the same settings (Bazel's platform transition).
struct PackageConstraints {
  std::string package;                        // its name, for the reasons ("package kernel wants …")
  std::map<std::string, std::string> values;  // setting → value
};

// The package's build.constraint-values checked against the project's settings and sets; an
// unknown name, a platform or two values of one setting is an Error at its file:line.
PackageConstraints package_constraints(const config::Project& project,
                                       const config::Package& package);

struct Resolution {
  std::string target_platform;
  std::map<std::string, std::string> target_values;  // the platform's, with the package's applied
  PackageConstraints package;                         // what replaced the platform's values
  std::vector<std::string> exec_platforms;  // in priority order; the host last
  std::vector<std::string> rejected_exec_platforms;
  std::vector<Candidate> candidates;            // registration order, --extra-toolchain first
  std::optional<std::string> exec_platform;     // chosen
  std::map<std::string, std::string> selected;  // type → toolchain name
  std::map<std::string, std::map<std::string, std::string>> per_exec;  // exec → type → toolchain
  Json to_json() const;
};

// Bazel's algorithm over `config` (already merged with the built-ins): registration order with
// `extra` first (the last one given first), for each type the first compatible toolchain per
// exec platform, then the exec platform with every mandatory type and the most types, ties to
// the earliest. The target platform's values are `package`'s where it names a setting. When
// they hold compiler:X, only a toolchain of kind X qualifies. Throws when a name in `extra` or
// `target_platform` is unknown. A mandatory type without a toolchain leaves `exec_platform`
// empty; the caller says what that means.
Resolution resolve(const ToolchainConfig& config, const std::string& target_platform,
                   const std::vector<ToolchainType>& types, const std::vector<std::string>& extra,
                   const AvailabilityProbe& probe, const PackageConstraints& package = {});

// Whether a package may be built for a target platform: its build.target-compatible-with
// (values and constraint sets) against the platform's values with its build.constraint-values
// applied.
struct PackageCompatibility {
  bool compatible = true;
  std::string reason;  // "zlib: target-compatible-with wants libc:musl, linux-aarch64 has libc:gnu"
};
PackageCompatibility package_compatibility(const config::Project& project,
                                           const std::string& target_platform,
                                           const config::Package& package);

// The programs a build runs; for zig these are the osbuild wrappers in the tool dir.
struct Programs {
  fs::path cc, cxx, ar, ranlib, strip;
};

struct ResolvedToolchain {
  std::string name;
  ToolchainKind kind = ToolchainKind::gcc;
  Arch target_arch = Arch::x86_64;
  Arch host_arch = Arch::x86_64;
  std::string target_platform;
  std::map<std::string, std::string> target_values;  // "cpu" → "aarch64", …
  std::string exec_platform;
  std::string gnu_triple;   // for autotools --host and $OSBUILD_TARGET: no glibc suffix
  std::string zig_target;   // zig only: its -target, with the glibc suffix ("…-gnu.2.28")
  fs::path compiler;        // the gcc/clang binary, or zig
  std::string version;      // first line of `<compiler> --version` (zig: of `zig cc --version`)
  std::string zig_version;  // zig only: `zig version`
  int clang_major = 0;      // zig only: the bundled clang's major version
  Programs real;            // gcc/clang: the programs themselves; zig: empty
  std::vector<std::string> cflags, ldflags;  // extra flags the toolchain declares
  fs::path sysroot;
  bool cross() const { return target_arch != host_arch; }

  // The absolute programs to run: `real` for gcc/clang, the wrappers in tool_dir for zig.
  Programs programs(const fs::path& tool_dir) const;
  // CC, CXX, AR, RANLIB, STRIP, OSBUILD_TARGET, OSBUILD_TOOLCHAIN, CMAKE_TOOLCHAIN_FILE and the
  // toolchain's CFLAGS/LDFLAGS (to append to the build's own); for zig also
  // ZIG_GLOBAL_CACHE_DIR and ZIG_LOCAL_CACHE_DIR when `zig_cache` is given.
  std::map<std::string, std::string> environment(const fs::path& tool_dir,
                                                 const fs::path& zig_cache = {}) const;
  // The autotools arguments: --host=<gnu triple> --build=<host triple> (empty when native).
  std::vector<std::string> autotools_args() const;
  // What enters every action key: name, kind, compiler path, its version line, zig's version
  // and the wrapper rule version, the target triple and the target platform's values.
  Json identity() const;
  // The folders outside /usr that a build must see to run this toolchain (a sealed sandbox
  // shows only /usr of the system): each program's installation (the folder above its bin/, or
  // zig's own folder, which holds its lib/) and the sysroot, with links resolved.
  std::vector<fs::path> installation() const;
};

// Resolves the C toolchain for `pkg` (may be null) built for `target`: the target platform is
// linux-<arch> (the project may redeclare it), with the package's build.constraint-values
// applied. Throws an Error naming the target and each rejected candidate when none fits, and
// when `pkg` is not compatible with the target. The compiler's version is asked through `runner`.
ResolvedToolchain resolve_toolchain(const config::Project& project, Arch target,
                                    const config::Package* pkg,
                                    const std::vector<std::string>& extra_toolchains,
                                    process::Runner& runner = process::system_runner());
// The same for a set of package constraint values, without the compatibility check.
ResolvedToolchain resolve_toolchain(const config::Project& project, Arch target,
                                    const PackageConstraints& constraints,
                                    const std::vector<std::string>& extra_toolchains,
                                    process::Runner& runner = process::system_runner());

// A resolved toolchain with the tool dir a build runs it from.
struct PreparedToolchain {
  ResolvedToolchain toolchain;
  fs::path tool_dir;
  // zig only: the filled cache of its version and target (zig_cache.h), which each build copies;
  // never seen by a build
  fs::path zig_cache;
};

// The toolchains of one build for one arch: one resolution per distinct set of package
// constraint values (most packages share the empty one), each cached and its tool dir written
// once, under <tools_root>/<toolchain name>. Safe to use from several threads.
class BuildToolchains {
 public:
  struct Options {
    Arch target = Arch::x86_64;
    std::vector<std::string> extra;  // --extra-toolchain
    fs::path tools_root;             // build/.osbuild/tools/<arch>
    fs::path zig_cache;              // the `cache.zig` folder
    fs::path osbuild_exe;            // what the zig wrappers link to
  };
  BuildToolchains(const config::Project& project, Options options,
                  process::Runner& runner = process::system_runner());
  // The toolchain of a package without constraint values.
  const PreparedToolchain& base();
  // The toolchain `pkg` builds with; throws when none fits its constraint values.
  const PreparedToolchain& for_package(const config::Package& pkg);
  // Every toolchain resolved so far, the base one first.
  std::vector<const PreparedToolchain*> resolved() const;

 private:
  const PreparedToolchain& get(const PackageConstraints& constraints);

  const config::Project& m_project;
  Options m_options;
  process::Runner& m_runner;
  mutable std::mutex m_mutex;
  std::map<std::map<std::string, std::string>, std::unique_ptr<PreparedToolchain>> m_cache;
};

// Writes the tool dir of a resolved toolchain: toolchain.cmake, toolchain.env (KEY=VALUE lines
// for autotools and scripts), config.site and, for zig, the wrappers: symlinks to `osbuild_exe`
// named osbuild-cc, osbuild-c++, osbuild-ar, osbuild-ranlib, osbuild-strip, osbuild-objcopy,
// <triple>-gcc/-g++/-cc/-c++/-ar/-ranlib/-strip beside them, and osbuild-toolchain.json that
// they read. Files are written atomically and left alone when unchanged.
void write_tool_dir(const ResolvedToolchain& toolchain, const fs::path& tool_dir,
                    const fs::path& osbuild_exe);

// The two fields of an ELF header osbuild reads; nullopt for a file that is not ELF.
struct ElfHeader {
  unsigned type = 0;     // e_type: 1 relocatable, 2 executable, 3 shared object
  unsigned machine = 0;  // e_machine: 62 x86_64, 183 aarch64
};
std::optional<ElfHeader> read_elf_header(const fs::path& file);

// Every ELF file under `tree` (symlinks not followed) must be for `target`; throws naming the
// first file that is not, its machine and the target's, and how many others there are.
void check_elf_arch(const fs::path& tree, Arch target);

// The first line a program prints for `args` (stdout, else stderr), or empty; bounded in time.
std::string first_output_line(const std::vector<std::string>& argv,
                              process::Runner& runner = process::system_runner());

}  // namespace osbuild::toolchain
