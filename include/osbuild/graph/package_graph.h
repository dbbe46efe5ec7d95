#pragma once
// The graph of packages: build-time edges (`depends`) and run-time edges (`requires`). Built once
// from the loaded project; a cycle is an error that prints the cycle with where each edge is written.
#include <string>
#include <vector>

#include "osbuild/config/model.h"

namespace osbuild::graph {

enum class EdgeKind { depends, requires_ };

class PackageGraph {
public:
  static PackageGraph build(const config::Project& project);

  std::size_t size() const { return m_names.size(); }
  std::size_t edge_count() const;
  const std::string& name(std::size_t id) const { return m_names[id]; }
  std::size_t id(const std::string& name) const;  // throws naming the package and a suggestion

  // The packages an image of `roots` contains: the roots and everything they require, sorted.
  std::vector<std::size_t> runtime_closure(const std::vector<std::string>& roots) const;
  // Everything needed to build `roots` (closure over depends), dependencies before dependents.
  std::vector<std::size_t> build_order(const std::vector<std::size_t>& roots) const;
  const std::vector<std::size_t>& depends(std::size_t id) const { return m_depends[id]; }
  const std::vector<std::size_t>& requires_(std::size_t id) const { return m_requires[id]; }

private:
  void check_acyclic(const config::Project& project, EdgeKind kind) const;

  std::vector<std::string> m_names;                // sorted
  std::vector<std::vector<std::size_t>> m_depends;
  std::vector<std::vector<std::size_t>> m_requires;
};

}  // namespace osbuild::graph
