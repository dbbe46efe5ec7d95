#pragma once
// Platforms, constraints and toolchains as Bazel models them (docs/toolchains.md): constraint
// settings with values, platforms that pick one value per setting and inherit from one parent,
// named constraint sets usable wherever a list of values is, and toolchains that say on which
// platforms they run and for which they compile. A constraint value is written "setting:value"
// ("cpu:aarch64", "glibc:2.28"); a name without a colon is a constraint set.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/util/arch.h"

namespace osbuild::config {

namespace fs = std::filesystem;

// Where a declaration was written ("osbuild.toml:12:1"); empty file for the built-ins.
struct DeclaredAt {
  fs::path file;
  int line = 0;
  int column = 0;
  bool builtin() const { return file.empty(); }
  std::string str() const;  // "osbuild.toml:12:1" or "built in"
  bool operator==(const DeclaredAt&) const = default;
};

struct ConstraintSetting {
  std::string name;                          // "cpu"
  std::vector<std::string> values;           // "x86_64", "aarch64": without the "cpu:" prefix
  std::optional<std::string> default_value;  // used by platforms that do not set one
  DeclaredAt where;
  bool operator==(const ConstraintSetting&) const = default;
};

// A list of constraint values as written ("os:linux", "linux-gnu") and as flattened: every set
// replaced by its values, every value checked, at most one value per setting.
struct ConstraintList {
  std::vector<std::string> written;
  std::map<std::string, std::string> values;  // setting → value
  DeclaredAt where;
  bool operator==(const ConstraintList&) const = default;
};

struct Platform {
  std::string name;
  std::optional<std::string> parent;
  ConstraintList constraints;  // its own values; the parent's fill the settings it leaves open
  bool exec = false;           // registered as an execution platform (before the host)
  DeclaredAt where;
  bool operator==(const Platform&) const = default;
};

struct ConstraintSet {
  std::string name;
  ConstraintList constraints;
  DeclaredAt where;
  bool operator==(const ConstraintSet&) const = default;
};

enum class ToolchainKind { gcc, clang, zig };
std::string_view toolchain_kind_name(ToolchainKind kind);

struct ToolchainDecl {
  std::string name;
  ToolchainKind kind = ToolchainKind::gcc;
  std::string type = "cc";  // the toolchain type it provides
  ConstraintList exec_compatible_with;
  ConstraintList target_compatible_with;
  // Programs: absolute paths or names looked up on PATH. For zig, `cc` is the zig binary and
  // `target` its -target ("aarch64-linux-gnu.2.28"); for gcc and clang `target` is the GNU triple
  // and unset programs are derived from `cc` ("aarch64-linux-gnu-gcc" → "aarch64-linux-gnu-ar").
  std::string cc, cxx, ar, ranlib, strip;
  std::string target;
  std::string sysroot;
  std::vector<std::string> cflags;
  std::vector<std::string> ldflags;
  std::string install_hint;  // how to get its programs, for built-ins ("apt-get install …")
  DeclaredAt where;
  bool operator==(const ToolchainDecl&) const = default;
};

// What osbuild.toml declares; the built-ins are added by the resolver (builtins()).
struct ToolchainConfig {
  std::vector<ConstraintSetting> settings;  // new settings, or values added to built-in ones
  std::map<std::string, Platform> platforms;
  std::map<std::string, ConstraintSet> sets;
  std::vector<ToolchainDecl> toolchains;  // in registration order
  bool operator==(const ToolchainConfig&) const = default;
};

// The built-in settings (cpu, os, libc, glibc), platforms (host, linux-x86_64, linux-aarch64 and
// their -musl twins) and toolchains (host gcc, zig cc per target, Debian's cross gcc), in
// registration order. The host gcc is registered for `host`.
ToolchainConfig builtins(Arch host);

// The built-ins merged with the project's declarations: settings extended, platforms and sets
// by name (a project's platform of a built-in name replaces it), the project's toolchains
// registered before the built-in ones.
ToolchainConfig merged(const ToolchainConfig& project, Arch host);
// The same, kept from the last call with equal declarations and host: a plan or a build asks for
// every package (its constraints, its compatibility, its toolchain), and merged() builds every
// built-in again. Keyed by the declarations' value, never their address, so a changed project is
// never served an older merge. Thread-safe.
std::shared_ptr<const ToolchainConfig> shared_merged(const ToolchainConfig& project, Arch host);

// The value a platform has for `setting`: its own, else its parent's (recursively), else the
// setting's default; nullopt when unspecified.
std::optional<std::string> platform_value(const ToolchainConfig& config, const Platform& platform,
                                          const std::string& setting);
// Every setting the platform has a value for, through its parents and the defaults.
std::map<std::string, std::string> platform_values(const ToolchainConfig& config,
                                                   const Platform& platform);

// What is wrong with one element of a written list, for the caller to place at its location.
struct ListProblem {
  std::size_t index = 0;
  std::string what;
  std::string hint;
};

// Fills `list.values` from `list.written`: each "setting:value" checked against the settings,
// each set name replaced by its values (sets may name sets). A platform name is refused (use a
// constraint set), so is an unknown name (with the nearest match) and two different values for
// one setting.
std::optional<ListProblem> flatten(const ToolchainConfig& config, ConstraintList& list);

// The name of the built-in target platform for an arch: "linux-aarch64".
std::string target_platform_name(Arch arch);

// "aarch64-linux-gnu.2.28" → "aarch64-linux-gnu": what anything but zig is handed.
std::string strip_glibc_suffix(std::string_view triple);

}  // namespace osbuild::config
