// osbuild.toml's platforms, constraints and toolchains. Every list is flattened here, against
// the built-ins and the project's own declarations, so that a typo, a platform used as a
// requirement or two values of one setting fail at load time with file:line:col, not as a
// toolchain that silently never matches (Bazel #27580).
#include "config/load_toolchains.h"

#include <algorithm>
#include <set>

#include "config/checks.h"
#include "osbuild/util/text.h"

namespace osbuild::config::detail {

namespace {

using config::ConstraintList;
using config::DeclaredAt;
using config::ToolchainConfig;
using config::ToolchainDecl;
using config::ToolchainKind;

DeclaredAt declared(const SourceLocation& at) {
  return {at.file, at.line, at.column};
}
SourceLocation located(const DeclaredAt& at) {
  return {at.file, at.line, at.column};
}

// A written list and where each element is, kept until flattening.
struct PendingList {
  ConstraintList* list;
  std::vector<SourceLocation> where;
  SourceLocation table;
};

PendingList read_list(const TableReader& t, std::string_view key, ConstraintList& list) {
  list.where = declared(t.where(key));
  PendingList pending{&list, {}, t.where(key)};
  if (auto values = t.get_string_list(key)) {
    list.written = values->values;
    pending.where = values->where;
  }
  return pending;
}

void read_setting(const toml::table& table, const FileRef& file, ToolchainConfig& config,
                  const ToolchainConfig& builtins) {
  TableReader t(
      table, file, "[[constraint-setting]]",
      {{"name", "\"board\""}, {"values", "[\"rpi4\", \"generic\"]"}, {"default", "\"generic\""}});
  ConstraintSetting setting;
  setting.where = declared(t.where());
  setting.name = t.require_string("name");
  check_identifier(setting.name, IdentifierKind::variant, "constraint setting name",
                   t.where("name"));
  auto values = t.require_string_list("values");
  for (std::size_t i = 0; i < values.values.size(); ++i) {
    check_identifier(values.values[i], IdentifierKind::variant, "constraint value",
                     values.where[i]);
  }
  setting.values = values.values;
  setting.default_value = t.get_string("default");
  bool builtin = std::any_of(builtins.settings.begin(), builtins.settings.end(),
                             [&](const auto& s) { return s.name == setting.name; });
  if (builtin && setting.default_value) {
    t.fail("default", "the built-in setting '" + setting.name + "' keeps its default",
           "remove 'default'; a platform sets " + setting.name + " explicitly instead");
  }
  if (!builtin && std::any_of(config.settings.begin(), config.settings.end(),
                              [&](const auto& s) { return s.name == setting.name; })) {
    t.fail("name", "constraint setting '" + setting.name + "' is declared twice",
           "keep one [[constraint-setting]] per setting, listing every value");
  }
  if (setting.default_value && std::find(setting.values.begin(), setting.values.end(),
                                         *setting.default_value) == setting.values.end()) {
    t.fail("default",
           "default '" + *setting.default_value + "' is not one of the values of '" + setting.name +
               "'" + did_you_mean(*setting.default_value, setting.values),
           "list it in values, or name one of: " + join(setting.values, ", "));
  }
  config.settings.push_back(std::move(setting));
}

ToolchainKind read_kind(const TableReader& t) {
  static constexpr ToolchainKind kinds[] = {ToolchainKind::gcc, ToolchainKind::clang,
                                            ToolchainKind::zig};
  if (!t.has("kind")) {
    t.fail_missing("kind");
  }
  return read_enum(t, "kind", kinds, toolchain_kind_name, ToolchainKind::gcc);
}

// Appends to `toolchains`, which the caller has reserved: the pending lists point into it.
void read_toolchain(const toml::table& table, const FileRef& file,
                    std::vector<ToolchainDecl>& toolchains, std::vector<PendingList>& pending) {
  TableReader t(table, file, "[[toolchain]]",
                {{"name", "\"cross-aarch64\""},
                 {"kind", "\"gcc\""},
                 {"type", "\"cc\""},
                 {"exec-compatible-with", "[\"cpu:x86_64\"]"},
                 {"target-compatible-with", "[\"cpu:aarch64\", \"linux-gnu\"]"},
                 {"cc", "\"/opt/cross/bin/aarch64-linux-gnu-gcc\""},
                 {"cxx", "\"/opt/cross/bin/aarch64-linux-gnu-g++\""},
                 {"ar", "\"/opt/cross/bin/aarch64-linux-gnu-ar\""},
                 {"ranlib", "\"/opt/cross/bin/aarch64-linux-gnu-ranlib\""},
                 {"strip", "\"/opt/cross/bin/aarch64-linux-gnu-strip\""},
                 {"target", "\"aarch64-linux-gnu\""},
                 {"sysroot", "\"/opt/cross/sysroot\""},
                 {"cflags", "[\"-O2\"]"},
                 {"ldflags", "[\"-Wl,-O1\"]"}});
  ToolchainDecl& tc = toolchains.emplace_back();
  tc.where = declared(t.where());
  tc.name = t.require_string("name");
  check_identifier(tc.name, IdentifierKind::variant, "toolchain name", t.where("name"));
  tc.kind = read_kind(t);
  tc.type = t.get_string("type").value_or("cc");
  if (tc.kind == ToolchainKind::zig) {
    tc.cc = t.get_string("cc").value_or("zig");
    tc.target = t.has("target") ? t.require_string("target") : (t.fail_missing("target"), "");
  } else {
    tc.cc = t.require_string("cc");
    tc.target = t.get_string("target").value_or("");
  }
  tc.cxx = t.get_string("cxx").value_or("");
  tc.ar = t.get_string("ar").value_or("");
  tc.ranlib = t.get_string("ranlib").value_or("");
  tc.strip = t.get_string("strip").value_or("");
  tc.sysroot = t.get_string("sysroot").value_or("");
  if (auto flags = t.get_string_list("cflags")) tc.cflags = flags->values;
  if (auto flags = t.get_string_list("ldflags")) tc.ldflags = flags->values;
  tc.install_hint = "install " + tc.cc + " or fix its path in " + tc.where.str();
  pending.push_back(read_list(t, "exec-compatible-with", tc.exec_compatible_with));
  pending.push_back(read_list(t, "target-compatible-with", tc.target_compatible_with));
}

void check_parents(const ToolchainConfig& merged, const ToolchainConfig& project) {
  std::vector<std::string> names;
  for (const auto& [name, p] : merged.platforms) names.push_back(name);
  for (const auto& [name, platform] : project.platforms) {
    std::set<std::string> seen = {name};
    for (const auto* p = &platform; p->parent;) {
      auto it = merged.platforms.find(*p->parent);
      if (it == merged.platforms.end()) {
        fail_at(located(p->where),
                "unknown parent platform '" + *p->parent + "' of platform '" + p->name + "'" +
                    did_you_mean(*p->parent, names),
                "the platforms are " + join(names, ", "));
      }
      if (!seen.insert(it->first).second) {
        fail_at(located(platform.where), "platform '" + name + "' is its own ancestor",
                "remove the cycle between the platforms' parents");
      }
      p = &it->second;
    }
  }
}

// Flattens every pending list against the merged declarations; lists inside constraint sets
// come first so that their own problems are reported where they are written.
void flatten_all(ToolchainConfig& project, std::vector<PendingList>& pending) {
  ToolchainConfig all = merged(project, host_arch());
  for (auto& p : pending) {
    if (auto problem = flatten(all, *p.list)) {
      SourceLocation at = problem->index < p.where.size() ? p.where[problem->index] : p.table;
      fail_at(at, problem->what, problem->hint);
    }
  }
}

void read_platforms_and_sets(const TableReader& root, const FileRef& file, ToolchainConfig& config,
                             std::vector<PendingList>& pending) {
  for_each_named_table(
      root, "constraint-set", file, IdentifierKind::variant,
      [&](const std::string& name, const toml::table& table, const SourceLocation& at) {
        TableReader t(table, file, "[constraint-set." + name + "]",
                      {{"constraint-values", "[\"os:linux\", \"libc:gnu\"]"}});
        auto& set = config.sets[name];
        set.name = name;
        set.where = declared(at);
        if (!t.has("constraint-values")) t.fail_missing("constraint-values");
        pending.push_back(read_list(t, "constraint-values", set.constraints));
      });
  for_each_named_table(
      root, "platform", file, IdentifierKind::variant,
      [&](const std::string& name, const toml::table& table, const SourceLocation& at) {
        TableReader t(table, file, "[platform." + name + "]",
                      {{"parent", "\"linux-aarch64\""},
                       {"constraint-values", "[\"glibc:2.28\"]"},
                       {"exec", "false"}});
        auto& platform = config.platforms[name];
        platform.name = name;
        platform.where = declared(at);
        platform.parent = t.get_string("parent");
        platform.exec = t.get_bool("exec").value_or(false);
        pending.push_back(read_list(t, "constraint-values", platform.constraints));
      });
  for (const auto& [name, platform] : config.platforms) {
    if (config.sets.count(name) != 0) {
      fail_at(located(platform.where), "'" + name + "' is both a platform and a constraint set",
              "rename one of them: lists name sets, and a platform may not stand in for one");
    }
  }
}

}  // namespace

ToolchainConfig parse_toolchains(const TableReader& root, const FileRef& file) {
  ToolchainConfig config;
  ToolchainConfig builtins = config::builtins(host_arch());
  for (const toml::table* table : root.get_table_array("constraint-setting")) {
    read_setting(*table, file, config, builtins);
  }
  std::vector<PendingList> pending;
  read_platforms_and_sets(root, file, config, pending);
  std::set<std::string> names;
  for (const auto& tc : builtins.toolchains) names.insert(tc.name);
  auto tables = root.get_table_array("toolchain");
  config.toolchains.reserve(tables.size());
  for (const toml::table* table : tables) {
    read_toolchain(*table, file, config.toolchains, pending);
    const ToolchainDecl& tc = config.toolchains.back();
    if (!names.insert(tc.name).second) {
      fail_at(located(tc.where), "toolchain '" + tc.name + "' is declared twice (or is built in)",
              "give each [[toolchain]] its own name; `osbuild toolchains` lists the built-ins");
    }
  }
  check_parents(merged(config, host_arch()), config);
  flatten_all(config, pending);
  return config;
}

}  // namespace osbuild::config::detail
