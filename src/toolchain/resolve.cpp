// Bazel's toolchain resolution (reference: SingleToolchainResolutionFunction and
// findExecutionPlatformForToolchains): registration order, first compatible toolchain per exec
// platform and type, then the exec platform with the most resolved types.
#include <algorithm>
#include <set>

#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/error.h"
#include "osbuild/util/text.h"

namespace osbuild::toolchain {

namespace {

struct Match {
  std::vector<std::string> mismatching;
  std::vector<std::string> missing;
  bool ok() const { return mismatching.empty() && missing.empty(); }
};

// A list matches a platform iff every value it names is the platform's value for that setting;
// settings it does not name do not matter. A value the package set is said to be the package's.
Match match(const ConstraintList& list, const std::map<std::string, std::string>& platform,
            const std::string& platform_name, const PackageConstraints& package = {}) {
  Match m;
  for (const auto& [setting, value] : list.values) {
    auto it = platform.find(setting);
    if (it != platform.end() && package.values.count(setting) != 0 && it->second != value) {
      m.mismatching.push_back(setting + ":" + value + " (package " + package.package + " wants " +
                              setting + ":" + it->second + ")");
    } else if (it == platform.end()) {
      m.missing.push_back(setting + ":" + value + " (" + platform_name + " has no " + setting +
                          ")");
    } else if (it->second != value) {
      m.mismatching.push_back(setting + ":" + value + " (" + platform_name + " has " + setting +
                              ":" + it->second + ")");
    }
  }
  return m;
}

const Platform& find_platform(const ToolchainConfig& config, const std::string& name) {
  auto it = config.platforms.find(name);
  if (it == config.platforms.end()) {
    std::vector<std::string> names;
    for (const auto& [n, p] : config.platforms) names.push_back(n);
    throw UsageError("unknown platform '" + name + "'" + did_you_mean(name, names),
                     "the platforms are " + join(names, ", "));
  }
  return it->second;
}

// The exec platforms: the project's platforms marked `exec = true` in the order written, then the
// host, as Bazel appends the host platform last.
std::vector<std::string> exec_platforms(const ToolchainConfig& config) {
  std::vector<const Platform*> marked;
  for (const auto& [name, p] : config.platforms) {
    if (p.exec && name != "host") marked.push_back(&p);
  }
  std::stable_sort(marked.begin(), marked.end(), [](const Platform* a, const Platform* b) {
    return std::tie(a->where.line, a->where.column) < std::tie(b->where.line, b->where.column);
  });
  std::vector<std::string> names;
  for (const Platform* p : marked) names.push_back(p->name);
  names.push_back("host");
  return names;
}

// --extra-toolchain names first, the last one given first, then every other in registration order.
std::vector<const ToolchainDecl*> registration_order(const ToolchainConfig& config,
                                                     const std::vector<std::string>& extra) {
  std::vector<const ToolchainDecl*> order;
  std::set<std::string> taken;
  std::vector<std::string> names;
  for (const auto& t : config.toolchains) names.push_back(t.name);
  for (auto it = extra.rbegin(); it != extra.rend(); ++it) {
    auto found = std::find_if(config.toolchains.begin(), config.toolchains.end(),
                              [&](const ToolchainDecl& t) { return t.name == *it; });
    if (found == config.toolchains.end()) {
      throw UsageError(
          "unknown toolchain '" + *it + "' given to --extra-toolchain" + did_you_mean(*it, names),
          "`osbuild toolchains` lists every registered toolchain");
    }
    if (taken.insert(*it).second) order.push_back(&*found);
  }
  for (const auto& t : config.toolchains) {
    if (taken.count(t.name) == 0) order.push_back(&t);
  }
  return order;
}

struct ExecState {
  std::string name;
  std::map<std::string, std::string> values;
};

// Walks the toolchains for one type, assigning each exec platform its first compatible one.
void resolve_type(const ToolchainType& type, const std::vector<const ToolchainDecl*>& order,
                  const std::vector<ExecState>& execs, Resolution& r,
                  std::map<std::string, std::size_t>& candidate_index,
                  const AvailabilityProbe& probe) {
  for (const ToolchainDecl* t : order) {
    if (t->type != type.name) continue;
    Candidate& c = r.candidates[candidate_index.at(t->name)];
    if (auto wanted = r.target_values.find("compiler");
        wanted != r.target_values.end() && wanted->second != toolchain_kind_name(t->kind)) {
      c.verdict = Candidate::Verdict::compiler_mismatch;
      c.note = (r.package.values.count("compiler") != 0 ? "package " + r.package.package
                                                         : std::string("target platform")) +
               " wants compiler:" + wanted->second;
      c.mismatching = {std::string(toolchain_kind_name(t->kind))};
      continue;
    }
    Match target =
        match(t->target_compatible_with, r.target_values, "target platform", r.package);
    if (!target.ok()) {
      c.verdict = Candidate::Verdict::target_mismatch;
      c.mismatching = target.mismatching;
      c.missing = target.missing;
      continue;
    }
    std::vector<std::string> open;
    for (const auto& e : execs) {
      if (r.per_exec[e.name].count(type.name) == 0) open.push_back(e.name);
    }
    if (open.empty()) {
      c.verdict = Candidate::Verdict::shadowed;
      continue;
    }
    Availability a = probe(*t);
    if (!a.available) {
      c.verdict = Candidate::Verdict::unavailable;
      c.note = a.reason + (a.hint.empty() ? "" : "; to install: " + a.hint);
      continue;
    }
    std::vector<std::string> assigned;
    for (const auto& e : execs) {
      if (std::find(open.begin(), open.end(), e.name) == open.end()) continue;
      Match exec = match(t->exec_compatible_with, e.values, "exec platform " + e.name);
      if (exec.ok()) {
        r.per_exec[e.name][type.name] = t->name;
        assigned.push_back(e.name);
      } else {
        c.mismatching.insert(c.mismatching.end(), exec.mismatching.begin(), exec.mismatching.end());
        c.missing.insert(c.missing.end(), exec.missing.begin(), exec.missing.end());
      }
    }
    c.verdict =
        assigned.empty() ? Candidate::Verdict::exec_mismatch : Candidate::Verdict::compatible;
    c.exec_platform = join(assigned, ", ");
  }
}

// Among the exec platforms that have every mandatory type, the one with the most types; the
// first such one on a tie.
std::optional<std::string> choose_exec(const Resolution& r,
                                       const std::vector<ToolchainType>& types) {
  std::optional<std::string> best;
  std::size_t best_count = 0;
  for (const auto& e : r.exec_platforms) {
    auto it = r.per_exec.find(e);
    if (it == r.per_exec.end()) continue;
    bool complete = std::all_of(types.begin(), types.end(), [&](const ToolchainType& t) {
      return !t.mandatory || it->second.count(t.name) != 0;
    });
    if (complete && (!best || it->second.size() > best_count)) {
      best = e;
      best_count = it->second.size();
    }
  }
  return best;
}

}  // namespace

std::string_view verdict_name(Candidate::Verdict verdict) {
  switch (verdict) {
    case Candidate::Verdict::selected:
      return "selected";
    case Candidate::Verdict::compatible:
      return "compatible";
    case Candidate::Verdict::shadowed:
      return "shadowed";
    case Candidate::Verdict::target_mismatch:
      return "target-mismatch";
    case Candidate::Verdict::exec_mismatch:
      return "exec-mismatch";
    case Candidate::Verdict::unavailable:
      return "unavailable";
    case Candidate::Verdict::other_type:
      return "other-type";
    case Candidate::Verdict::compiler_mismatch:
      return "compiler-mismatch";
  }
  return "";
}

Resolution resolve(const ToolchainConfig& config, const std::string& target_platform,
                   const std::vector<ToolchainType>& types, const std::vector<std::string>& extra,
                   const AvailabilityProbe& probe, const PackageConstraints& package) {
  Resolution r;
  r.target_platform = target_platform;
  r.target_values = platform_values(config, find_platform(config, target_platform));
  r.package = package;
  for (const auto& [setting, value] : package.values) {
    r.target_values[setting] = value;
  }
  std::vector<ExecState> execs;
  for (const auto& name : exec_platforms(config)) {
    r.exec_platforms.push_back(name);
    execs.push_back({name, platform_values(config, find_platform(config, name))});
  }
  auto order = registration_order(config, extra);
  std::map<std::string, std::size_t> index;
  for (const ToolchainDecl* t : order) {
    index[t->name] = r.candidates.size();
    Candidate c;
    c.toolchain = t->name;
    c.type = t->type;
    c.verdict = Candidate::Verdict::other_type;
    r.candidates.push_back(std::move(c));
  }
  for (const auto& type : types) {
    resolve_type(type, order, execs, r, index, probe);
  }
  r.exec_platform = choose_exec(r, types);
  if (r.exec_platform) {
    r.selected = r.per_exec[*r.exec_platform];
    for (const auto& [type, name] : r.selected) {
      Candidate& c = r.candidates[index.at(name)];
      c.verdict = Candidate::Verdict::selected;
      c.exec_platform = *r.exec_platform;
    }
  }
  return r;
}

Json Resolution::to_json() const {
  Json out = {{"target_platform", target_platform},
              {"target_constraints", target_values},
              {"package_constraints", package.values},
              {"exec_platforms", exec_platforms},
              {"exec_platform", exec_platform ? Json(*exec_platform) : Json(nullptr)},
              {"selected", selected}};
  Json list = Json::array();
  for (const auto& c : candidates) {
    list.push_back({{"toolchain", c.toolchain},
                    {"type", c.type},
                    {"verdict", verdict_name(c.verdict)},
                    {"mismatching", c.mismatching},
                    {"missing", c.missing},
                    {"exec_platform", c.exec_platform},
                    {"note", c.note}});
  }
  out["candidates"] = list;
  return out;
}

}  // namespace osbuild::toolchain
