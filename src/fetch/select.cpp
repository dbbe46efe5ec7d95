#include <set>

#include "osbuild/fetch/fetch.h"

namespace osbuild::fetch {

std::vector<const config::Package*> select_packages(const config::Project& project,
                                                    const std::string& variant) {
  std::vector<const config::Package*> out;
  if (variant.empty()) {
    for (const auto& [name, package] : project.packages) {
      out.push_back(&package);
    }
    return out;
  }
  const config::Variant& v = project.variant(variant);
  std::set<std::string> seen;
  std::vector<std::string> todo(v.included_packages.begin(), v.included_packages.end());
  // Bounded by the number of packages: each name is expanded once.
  while (!todo.empty()) {
    std::string name = std::move(todo.back());
    todo.pop_back();
    if (!seen.insert(name).second) {
      continue;
    }
    const config::Package& package = project.package(name);
    todo.insert(todo.end(), package.depends.begin(), package.depends.end());
    todo.insert(todo.end(), package.runtime_requires.begin(), package.runtime_requires.end());
  }
  for (const auto& name : seen) {
    out.push_back(&project.package(name));
  }
  return out;
}

}  // namespace osbuild::fetch
