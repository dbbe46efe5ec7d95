// osbuild toolchains [explain | shim]: the registered toolchains, Bazel's resolution trace for a
// target, and a tool dir with the compiler wrappers for use outside a build.
#include <cstdio>
#include <memory>

#include "cli.h"
#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/text.h"

namespace osbuild::cli {

namespace {

namespace fs = std::filesystem;
using toolchain::Candidate;

struct ToolchainsOptions {
  std::string platform;
  std::string package;
  std::vector<std::string> extra;
  std::string out;
};

struct Loaded {
  std::optional<Context> ctx;
  config::Project project;  // empty outside a project: the built-ins alone
  config::Settings settings;
};

Loaded load(const CliState& state) {
  Loaded l;
  l.ctx = open_context_if_inside(state.options);
  l.settings = l.ctx ? l.ctx->settings : resolve_settings(state.options, nullptr);
  if (l.ctx) l.project = l.ctx->project;
  return l;
}

std::string values_text(const std::map<std::string, std::string>& values) {
  std::vector<std::string> parts;
  for (const auto& [s, v] : values) parts.push_back(s + ":" + v);
  return parts.empty() ? "(none)" : join(parts, ", ");
}

std::string list_text(const toolchain::ConstraintList& list) {
  return list.written.empty() ? "(any)" : join(list.written, ", ");
}

int list(const CliState& state) {
  Loaded l = load(state);
  auto config = toolchain::merged(l.project.file.toolchains, host_arch());
  bool json = state.options.output == OutputMode::json;
  Json out = Json::array();
  for (const auto& t : config.toolchains) {
    auto a = toolchain::probe_availability(t);
    if (json) {
      out.push_back({{"name", t.name},
                     {"kind", toolchain::toolchain_kind_name(t.kind)},
                     {"type", t.type},
                     {"exec_compatible_with", t.exec_compatible_with.written},
                     {"target_compatible_with", t.target_compatible_with.written},
                     {"declared", t.where.str()},
                     {"available", a.available},
                     {"reason", a.reason},
                     {"install", a.available ? "" : a.hint}});
      continue;
    }
    std::printf("%-28s %-5s exec [%s] target [%s] (%s)\n", t.name.c_str(),
                std::string(toolchain::toolchain_kind_name(t.kind)).c_str(),
                list_text(t.exec_compatible_with).c_str(),
                list_text(t.target_compatible_with).c_str(), t.where.str().c_str());
    if (a.available) {
      std::printf("    available\n");
    } else {
      std::printf("    not available: %s\n    install: %s\n", a.reason.c_str(), a.hint.c_str());
    }
  }
  if (json) json_event("toolchains", "list", {{"toolchains", out}});
  return 0;
}

std::string candidate_line(const Candidate& c) {
  switch (c.verdict) {
    case Candidate::Verdict::selected:
      return "selected to run on exec platform " + c.exec_platform;
    case Candidate::Verdict::compatible:
      return "compatible on exec platform " + c.exec_platform + ", but another exec platform won";
    case Candidate::Verdict::shadowed:
      return "skipped: an earlier toolchain already serves every exec platform";
    case Candidate::Verdict::unavailable:
      return "rejected: not available: " + c.note;
    case Candidate::Verdict::other_type:
      return "skipped: provides type '" + c.type + "', not needed";
    case Candidate::Verdict::compiler_mismatch:
      return "rejected (" + c.note + "): " + join(c.mismatching, ", ");
    case Candidate::Verdict::target_mismatch:
    case Candidate::Verdict::exec_mismatch:
      break;
  }
  std::string line = c.verdict == Candidate::Verdict::target_mismatch
                         ? "rejected (target-compatible-with):"
                         : "rejected (exec-compatible-with):";
  if (!c.mismatching.empty()) line += " mismatching values: " + join(c.mismatching, ", ") + ";";
  if (!c.missing.empty()) line += " missing: " + join(c.missing, ", ") + ";";
  line.pop_back();
  return line;
}

int explain(const CliState& state, const ToolchainsOptions& o) {
  Loaded l = load(state);
  auto config = toolchain::merged(l.project.file.toolchains, host_arch());
  std::string platform =
      o.platform.empty() ? toolchain::target_platform_name(l.settings.arch()) : o.platform;
  std::optional<toolchain::PackageCompatibility> compat;
  toolchain::PackageConstraints constraints;
  if (!o.package.empty()) {
    if (!l.ctx) throw UsageError("--package needs a project", "run it inside a project or with -C");
    const auto& pkg = l.project.package(o.package);
    compat = toolchain::package_compatibility(l.project, platform, pkg);
    constraints = toolchain::package_constraints(l.project, pkg);
  }
  auto r = toolchain::resolve(config, platform, {{"cc", true}}, o.extra,
                              toolchain::probe_availability, constraints);
  if (state.options.output == OutputMode::json) {
    Json doc = r.to_json();
    if (compat) {
      doc["package"] = {
          {"name", o.package}, {"compatible", compat->compatible}, {"reason", compat->reason}};
    }
    json_event("toolchains", "explain", doc);
    return r.exec_platform ? 0 : 1;
  }
  std::printf("target platform %s: %s\n", platform.c_str(), values_text(r.target_values).c_str());
  for (const auto& e : r.exec_platforms) {
    auto values = toolchain::platform_values(config, config.platforms.at(e));
    std::printf("exec platform %s: %s\n", e.c_str(), values_text(values).c_str());
  }
  if (compat) {
    std::printf("package %s: %s\n", o.package.c_str(),
                compat->compatible ? "compatible" : ("skipped: " + compat->reason).c_str());
  }
  if (!constraints.values.empty()) {
    std::printf("package %s: build.constraint-values %s replace the target platform's\n",
                o.package.c_str(), values_text(constraints.values).c_str());
  }
  std::printf("toolchain type cc, in registration order:\n");
  for (const auto& c : r.candidates) {
    std::printf("  %-28s %s\n", c.toolchain.c_str(), candidate_line(c).c_str());
  }
  if (!r.exec_platform) {
    std::printf("no toolchain of type cc for target platform %s\n", platform.c_str());
    return 1;
  }
  std::printf("selected %s for target platform %s on exec platform %s\n",
              r.selected.at("cc").c_str(), platform.c_str(), r.exec_platform->c_str());
  return 0;
}

int shim(const CliState& state, const ToolchainsOptions& o) {
  Loaded l = load(state);
  const config::Package* pkg = o.package.empty() ? nullptr : &l.project.package(o.package);
  auto t = toolchain::resolve_toolchain(l.project, l.settings.arch(), pkg, o.extra);
  fs::path dir = fs::absolute(o.out);
  toolchain::write_tool_dir(t, dir, fs::read_symlink("/proc/self/exe"));
  auto env = t.environment(dir);
  if (state.options.output == OutputMode::json) {
    json_event("toolchains", "shim",
               {{"toolchain", t.name},
                {"tool_dir", dir.string()},
                {"environment", env},
                {"identity", t.identity()}});
    return 0;
  }
  std::printf("# toolchain %s in %s\n", t.name.c_str(), dir.c_str());
  for (const auto& [key, value] : env) std::printf("%s=%s\n", key.c_str(), value.c_str());
  return 0;
}

int check_elf(const CliState& state, const ToolchainsOptions& o) {
  std::error_code ec;
  if (!fs::exists(o.out, ec)) {
    throw UsageError(o.out + ": no such file or folder", "give a build's output folder or file");
  }
  Loaded l = load(state);
  toolchain::check_elf_arch(o.out, l.settings.arch());
  if (state.options.output == OutputMode::json) {
    json_event("toolchains", "check_elf",
               {{"tree", o.out}, {"arch", arch_name(l.settings.arch())}, {"ok", true}});
  } else if (state.options.verbosity != Verbosity::quiet) {
    std::printf("every ELF file under %s is for %s\n", o.out.c_str(),
                std::string(arch_name(l.settings.arch())).c_str());
  }
  return 0;
}

}  // namespace

void setup_toolchains(CLI::App& sub, CliState& state) {
  auto o = std::make_shared<ToolchainsOptions>();
  auto add_common = [&state, o](CLI::App* cmd) {
    add_setting_flags(*cmd, state, {"arch"});
    cmd->add_option("--package", o->package,
                    "resolve with this package's constraint-values and check its "
                    "target-compatible-with");
    cmd->add_option("--extra-toolchain", o->extra,
                    "consider this registered toolchain first (repeatable; the last one wins)");
  };
  sub.callback([&state] {
    if (!state.action) state.action = [&state] { return list(state); };
  });
  auto* ex = sub.add_subcommand("explain", "every candidate for a target: selected or why not");
  add_common(ex);
  ex->add_option("--platform", o->platform, "a target platform by name instead of --arch");
  ex->callback([&state, o] { state.action = [&state, o] { return explain(state, *o); }; });
  auto* sh =
      sub.add_subcommand("shim", "write the resolved toolchain's tool dir and print its env");
  add_common(sh);
  sh->add_option("--out", o->out, "the tool dir to write")->required();
  sh->callback([&state, o] { state.action = [&state, o] { return shim(state, *o); }; });
  auto* elf =
      sub.add_subcommand("check-elf", "fail when an ELF file in a tree is for another arch");
  add_setting_flags(*elf, state, {"arch"});  // the arch every file must be for
  elf->add_option("tree", o->out, "the folder to check")->required();
  elf->callback([&state, o] { state.action = [&state, o] { return check_elf(state, *o); }; });
}

}  // namespace osbuild::cli
