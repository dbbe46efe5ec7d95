#include "osbuild/build/env.h"

#include "osbuild/util/error.h"

namespace osbuild::build {

BuildPaths BuildPaths::under(const fs::path& root) {
  return {root, root / "src", root / "sources", root / "sysroot", root / "dest", root / "tmp"};
}

std::map<std::string, std::string> build_environment(const EnvRequest& req) {
  const auto& p = req.paths;
  std::string pkgconfig = (p.sysroot / "usr/lib/pkgconfig").string() + ":" +
                          (p.sysroot / "usr/share/pkgconfig").string();
  auto from_toolchain = [&req](const char* name) {
    auto it = req.toolchain.find(name);
    return it == req.toolchain.end() ? std::string() : it->second;
  };
  auto with = [](std::string base, const std::string& extra) {
    return extra.empty() ? base : base.empty() ? extra : base + " " + extra;
  };
  std::map<std::string, std::string> env = {
      {"CFLAGS", with("-O2 -ffile-prefix-map=" + p.root.string() + "=.", from_toolchain("CFLAGS"))},
      {"LDFLAGS", from_toolchain("LDFLAGS")},
      {"PKG_CONFIG_PATH", pkgconfig},
      {"PKG_CONFIG_SYSROOT_DIR", p.sysroot.string()},
      {"OSBUILD_SOURCES", p.sources.string()},
      {"OSBUILD_SYSROOT", p.sysroot.string()},
      {"OSBUILD_DESTDIR", p.dest.string()},
      {"OSBUILD_JOBS", std::to_string(req.jobs)},
      {"OSBUILD_ARCH", std::string(arch_name(req.arch))},
      {"OSBUILD_TARGET", gnu_triple(req.arch)},  // the toolchain's, below, when it names one
      {"OSBUILD_PACKAGE_NAME", req.package.name},
      {"SOURCE_DATE_EPOCH", std::to_string(req.source_date_epoch)},
      {"PATH", (req.tool_dir.empty() ? std::string() : req.tool_dir.string() + ":") +
                   "/usr/local/bin:/usr/bin:/bin"},
      {"HOME", "/nonexistent"},
      {"TMPDIR", p.tmp.string()},
      {"LC_ALL", "C"},
  };
  for (const auto& [name, value] : req.toolchain) {
    if (name != "CFLAGS" && name != "LDFLAGS" && !value.empty()) {
      env[name] = value;
    }
  }
  if (!req.makeflags.empty()) {
    // A plain `make` (or cargo) joins the build's jobserver; `make -jN` would start a pool of
    // its own beside it.
    env["MAKEFLAGS"] = req.makeflags;
    env["CARGO_MAKEFLAGS"] = req.makeflags;
  }
  if (req.package.uses_release_version) {
    env["OSBUILD_OS_NAME"] = req.os_name;
    env["OSBUILD_RELEASE_VERSION"] = req.release_version;
  }
  for (const auto& [name, value] : req.package.build.env) {
    env[name] = value;
  }
  return env;
}

}  // namespace osbuild::build
