// Flattening a written list of constraint values and sets into one value per setting.
#include <algorithm>
#include <set>

#include "osbuild/config/toolchains.h"
#include "osbuild/util/text.h"

namespace osbuild::config {

namespace {

struct Flattener {
  explicit Flattener(const ToolchainConfig& c) : config(c) {}
  const ToolchainConfig& config;
  std::size_t index = 0;
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> origin;  // setting → the element that set it
  std::vector<std::string> stack;             // sets being expanded, for cycles and messages

  std::vector<std::string> all_values() const {
    std::vector<std::string> names;
    for (const auto& s : config.settings) {
      for (const auto& v : s.values) {
        names.push_back(s.name + ":" + v);
      }
    }
    return names;
  }

  std::string via() const {
    return stack.empty() ? "" : " (through constraint set '" + join(stack, "' → '") + "')";
  }

  ListProblem problem(std::string what, std::string hint) const {
    return {index, std::move(what), std::move(hint)};
  }

  std::optional<ListProblem> add_value(const std::string& text) {
    auto colon = text.find(':');
    std::string setting = text.substr(0, colon);
    std::string value = text.substr(colon + 1);
    auto s = std::find_if(config.settings.begin(), config.settings.end(),
                          [&](const ConstraintSetting& cs) { return cs.name == setting; });
    if (s == config.settings.end()) {
      std::vector<std::string> names;
      for (const auto& cs : config.settings) names.push_back(cs.name);
      return problem("unknown constraint setting '" + setting + "' in '" + text + "'" + via() +
                         did_you_mean(setting, names),
                     "the settings are " + join(names, ", ") +
                         "; declare a new one with [[constraint-setting]] name = \"" + setting +
                         "\" values = [\"" + value + "\"]");
    }
    if (std::find(s->values.begin(), s->values.end(), value) == s->values.end()) {
      return problem(
          "unknown constraint value '" + text + "'" + via() + did_you_mean(text, all_values()),
          "the values of '" + setting + "' are " + setting + ":" +
              join(s->values, ", " + setting + ":") +
              "; add one with [[constraint-setting]] name = \"" + setting + "\" values = [\"" +
              value + "\"]");
    }
    auto [it, inserted] = values.emplace(setting, value);
    if (!inserted && it->second != value) {
      return problem("duplicate values for constraint setting '" + setting + "': '" +
                         origin[setting] + "' and '" + text + "'" + via() +
                         "; a list with two values of one setting can never match",
                     "keep one value of '" + setting + "' in the list");
    }
    origin[setting] = setting + ":" + it->second;
    return std::nullopt;
  }

  std::optional<ListProblem> add(const std::string& text) {
    if (text.find(':') != std::string::npos) {
      return add_value(text);
    }
    if (auto set = config.sets.find(text); set != config.sets.end()) {
      if (std::find(stack.begin(), stack.end(), text) != stack.end()) {
        return problem("constraint set '" + text + "' includes itself" + via(),
                       "remove the cycle between the constraint sets");
      }
      stack.push_back(text);
      for (const auto& element : set->second.constraints.written) {
        if (auto p = add(element)) {
          return p;
        }
      }
      stack.pop_back();
      return std::nullopt;
    }
    if (auto platform = config.platforms.find(text); platform != config.platforms.end()) {
      auto own = platform_values(config, platform->second);
      std::vector<std::string> listed;
      for (const auto& [setting, value] : own)
        listed.push_back("\"" + setting + ":" + value + "\"");
      return problem("'" + text + "' is a platform" + via() +
                         ", and a platform cannot be a requirement: requirements name "
                         "capabilities (constraint values), not machines",
                     "declare [constraint-set." + text + "-caps] constraint-values = [" +
                         join(listed, ", ") + "] and name that set here");
    }
    std::vector<std::string> names;
    for (const auto& [name, set] : config.sets) names.push_back(name);
    auto candidates = names;
    auto all = all_values();
    candidates.insert(candidates.end(), all.begin(), all.end());
    return problem("unknown constraint set '" + text + "'" + via() + did_you_mean(text, candidates),
                   "write a constraint value as setting:value (\"cpu:aarch64\") or declare "
                   "[constraint-set." +
                       text + "] constraint-values = [...]");
  }
};

}  // namespace

std::optional<ListProblem> flatten(const ToolchainConfig& config, ConstraintList& list) {
  Flattener f(config);
  for (std::size_t i = 0; i < list.written.size(); ++i) {
    f.index = i;
    if (auto p = f.add(list.written[i])) {
      return p;
    }
  }
  list.values = std::move(f.values);
  return std::nullopt;
}

}  // namespace osbuild::config
