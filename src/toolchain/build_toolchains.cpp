// The toolchains of one build: resolved per distinct set of package constraint values, once each,
// with one tool dir per resolved toolchain.
#include "osbuild/toolchain/toolchain.h"
#include "osbuild/toolchain/zig_cache.h"

namespace osbuild::toolchain {

BuildToolchains::BuildToolchains(const config::Project& project, Options options,
                                 process::Runner& runner)
    : m_project(project), m_options(std::move(options)), m_runner(runner) {}

const PreparedToolchain& BuildToolchains::base() {
  return get(PackageConstraints{});
}

const PreparedToolchain& BuildToolchains::for_package(const config::Package& pkg) {
  return get(package_constraints(m_project, pkg));
}

// Resolving asks the compiler for its version and writes files, so it happens under the lock:
// two packages with the same constraint values never resolve twice.
const PreparedToolchain& BuildToolchains::get(const PackageConstraints& constraints) {
  std::lock_guard lock(m_mutex);
  auto& slot = m_cache[constraints.values];
  if (!slot) {
    auto prepared = std::make_unique<PreparedToolchain>();
    prepared->toolchain = resolve_toolchain(m_project, m_options.target, constraints,
                                            m_options.extra, m_runner);
    prepared->tool_dir = m_options.tools_root / prepared->toolchain.name;
    if (prepared->toolchain.kind == ToolchainKind::zig) {
      prepared->zig_cache = filled_zig_cache_dir(prepared->toolchain, m_options.zig_cache);
    }
    write_tool_dir(prepared->toolchain, prepared->tool_dir, m_options.osbuild_exe);
    slot = std::move(prepared);
  }
  return *slot;
}

std::vector<const PreparedToolchain*> BuildToolchains::resolved() const {
  std::lock_guard lock(m_mutex);
  std::vector<const PreparedToolchain*> out;
  for (const auto& [values, prepared] : m_cache) {
    if (prepared) out.push_back(prepared.get());  // the empty set sorts first: the base one
  }
  return out;
}

}  // namespace osbuild::toolchain
