#include "osbuild/build/env.h"

#include <cstdio>

#include "osbuild/sandbox/sandbox.h"
#include "osbuild/util/error.h"

namespace osbuild::build {

namespace {

std::string first_line_of(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r"); pipe != nullptr) {
    char buffer[512];
    if (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
      out = buffer;
    }
    ::pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

std::string tool(std::string_view name) {
  std::string path = sandbox::find_program(name);
  return path.empty() ? std::string(name) : path;
}

}  // namespace

Toolchain host_toolchain() {
  Toolchain tc;
  tc.cc = sandbox::find_program("gcc");
  if (tc.cc.empty()) {
    throw Error("no C compiler: gcc is not on PATH",
                "install the host compiler: apt-get install build-essential");
  }
  tc.cxx = tool("g++");
  tc.ar = tool("ar");
  tc.ranlib = tool("ranlib");
  tc.strip = tool("strip");
  tc.version = first_line_of("'" + tc.cc + "' --version 2>/dev/null");
  return tc;
}

BuildPaths BuildPaths::under(const fs::path& root) {
  return {root, root / "src", root / "sources", root / "sysroot", root / "dest", root / "tmp"};
}

std::map<std::string, std::string> build_environment(const EnvRequest& req) {
  const auto& p = req.paths;
  std::string pkgconfig = (p.sysroot / "usr/lib/pkgconfig").string() + ":" +
                          (p.sysroot / "usr/share/pkgconfig").string();
  std::map<std::string, std::string> env = {
      {"CC", req.toolchain.cc},
      {"CXX", req.toolchain.cxx},
      {"AR", req.toolchain.ar},
      {"RANLIB", req.toolchain.ranlib},
      {"STRIP", req.toolchain.strip},
      {"CFLAGS", "-O2 -ffile-prefix-map=" + p.root.string() + "=."},
      {"LDFLAGS", ""},
      {"PKG_CONFIG_PATH", pkgconfig},
      {"PKG_CONFIG_SYSROOT_DIR", p.sysroot.string()},
      {"OSBUILD_SOURCES", p.sources.string()},
      {"OSBUILD_SYSROOT", p.sysroot.string()},
      {"OSBUILD_DESTDIR", p.dest.string()},
      {"OSBUILD_JOBS", std::to_string(req.jobs)},
      {"OSBUILD_ARCH", std::string(arch_name(req.arch))},
      {"OSBUILD_TARGET", gnu_triple(req.arch)},
      {"OSBUILD_PACKAGE_NAME", req.package.name},
      {"SOURCE_DATE_EPOCH", std::to_string(req.source_date_epoch)},
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"HOME", "/nonexistent"},
      {"TMPDIR", p.tmp.string()},
      {"LC_ALL", "C"},
  };
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
