#include "osbuild/graph/package_graph.h"

#include <algorithm>

#include "osbuild/util/error.h"
#include "osbuild/util/text.h"

namespace osbuild::graph {

namespace {

// Where `from` names `to` in its package.toml, for messages.
std::string edge_location(const config::Project& project, const std::string& from, EdgeKind kind) {
  const auto& pkg = project.packages.at(from);
  auto it = pkg.where.find(kind == EdgeKind::depends ? "depends" : "requires");
  if (it != pkg.where.end()) {
    return it->second.str();
  }
  return pkg.manifest.string();
}

}  // namespace

PackageGraph PackageGraph::build(const config::Project& project) {
  PackageGraph g;
  g.m_names.reserve(project.packages.size());
  for (const auto& [name, pkg] : project.packages) {
    g.m_names.push_back(name);  // std::map keeps them sorted
  }
  g.m_depends.resize(g.m_names.size());
  g.m_requires.resize(g.m_names.size());
  for (std::size_t i = 0; i < g.m_names.size(); ++i) {
    const auto& pkg = project.packages.at(g.m_names[i]);
    auto resolve = [&](const std::vector<std::string>& names, EdgeKind kind) {
      std::vector<std::size_t> ids;
      for (const auto& n : names) {
        auto it = std::lower_bound(g.m_names.begin(), g.m_names.end(), n);
        if (it == g.m_names.end() || *it != n) {
          throw Error(edge_location(project, pkg.name, kind) + ": package '" + pkg.name +
                          "' refers to unknown package '" + n + "'" + did_you_mean(n, g.m_names),
                      "add packages/" + n + "/package.toml or fix the name");
        }
        ids.push_back(static_cast<std::size_t>(it - g.m_names.begin()));
      }
      return ids;
    };
    g.m_depends[i] = resolve(pkg.depends, EdgeKind::depends);
    g.m_requires[i] = resolve(pkg.runtime_requires, EdgeKind::requires_);
  }
  g.check_acyclic(project, EdgeKind::depends);
  g.check_acyclic(project, EdgeKind::requires_);
  return g;
}

std::size_t PackageGraph::edge_count() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < m_names.size(); ++i) {
    n += m_depends[i].size() + m_requires[i].size();
  }
  return n;
}

std::size_t PackageGraph::id(const std::string& name) const {
  auto it = std::lower_bound(m_names.begin(), m_names.end(), name);
  if (it == m_names.end() || *it != name) {
    throw Error("unknown package '" + name + "'" + did_you_mean(name, m_names),
                "the packages are the folders under packages/");
  }
  return static_cast<std::size_t>(it - m_names.begin());
}

// Iterative depth-first search with three colours; the grey stack is the cycle when one is found.
void PackageGraph::check_acyclic(const config::Project& project, EdgeKind kind) const {
  const auto& edges = kind == EdgeKind::depends ? m_depends : m_requires;
  enum class Colour : unsigned char { white, grey, black };
  std::vector<Colour> colour(m_names.size(), Colour::white);
  std::vector<std::pair<std::size_t, std::size_t>> stack;  // node, next edge index
  for (std::size_t start = 0; start < m_names.size(); ++start) {
    if (colour[start] != Colour::white) {
      continue;
    }
    stack.emplace_back(start, 0);
    colour[start] = Colour::grey;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next == edges[node].size()) {
        colour[node] = Colour::black;
        stack.pop_back();
        continue;
      }
      std::size_t to = edges[node][next++];
      if (colour[to] == Colour::white) {
        colour[to] = Colour::grey;
        stack.emplace_back(to, 0);
      } else if (colour[to] == Colour::grey) {
        std::vector<std::string> cycle;
        std::string where;
        bool in_cycle = false;
        for (const auto& [n, e] : stack) {
          in_cycle = in_cycle || n == to;
          if (in_cycle) {
            cycle.push_back(m_names[n]);
            where += "\n  " + edge_location(project, m_names[n], kind);
          }
        }
        cycle.push_back(m_names[to]);
        std::string field = kind == EdgeKind::depends ? "depends" : "requires";
        throw Error("dependency cycle in '" + field + "': " + join(cycle, " -> ") +
                        "\nthe edges are written at:" + where,
                    "remove one of these edges from '" + field + "'");
      }
    }
  }
}

std::vector<std::size_t> PackageGraph::runtime_closure(const std::vector<std::string>& roots) const {
  std::vector<bool> seen(m_names.size(), false);
  std::vector<std::size_t> todo;
  for (const auto& r : roots) {
    todo.push_back(id(r));
  }
  while (!todo.empty()) {
    std::size_t n = todo.back();
    todo.pop_back();
    if (seen[n]) {
      continue;
    }
    seen[n] = true;
    for (std::size_t r : m_requires[n]) {
      todo.push_back(r);
    }
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (seen[i]) {
      out.push_back(i);
    }
  }
  return out;
}

std::vector<std::size_t> PackageGraph::build_order(const std::vector<std::size_t>& roots) const {
  // Post-order over depends: each package after everything it depends on. Acyclic by construction.
  std::vector<bool> done(m_names.size(), false);
  std::vector<std::size_t> order;
  std::vector<std::pair<std::size_t, std::size_t>> stack;
  for (std::size_t root : roots) {
    if (done[root]) {
      continue;
    }
    stack.emplace_back(root, 0);
    done[root] = true;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next == m_depends[node].size()) {
        order.push_back(node);
        stack.pop_back();
        continue;
      }
      std::size_t to = m_depends[node][next++];
      if (!done[to]) {
        done[to] = true;
        stack.emplace_back(to, 0);
      }
    }
  }
  return order;
}

}  // namespace osbuild::graph
