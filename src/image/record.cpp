#include "osbuild/image/record.h"

#include <fmt/format.h>

#include <set>

#include "osbuild/util/error.h"

namespace osbuild::image {

std::vector<const PackageRecord*> runtime_closure(const VariantRecord& record) {
  std::set<std::string> seen;
  std::vector<std::pair<std::string, std::string>> todo;  // (package, who asked)
  for (const auto& name : record.included_packages) todo.emplace_back(name, "included-packages");
  while (!todo.empty()) {
    auto [name, asked_by] = todo.back();
    todo.pop_back();
    if (!seen.insert(name).second) continue;
    auto it = record.packages.find(name);
    if (it == record.packages.end()) {
      throw Error(
          fmt::format("{}: package {} (required by {}) was not built for variant {}",
                      record.path.string(), name, asked_by, record.variant),
          fmt::format("run osbuild build variant {} --arch {}", record.variant, record.arch));
    }
    for (const auto& dep : it->second.requires_) todo.emplace_back(dep, name);
  }
  std::vector<const PackageRecord*> out;
  for (const auto& name : seen) out.push_back(&record.packages.at(name));
  return out;
}

}  // namespace osbuild::image
