#pragma once
// The build contract's environment (DESIGN.md "package.toml"): exactly these variables, nothing
// from the caller's environment.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "osbuild/config/model.h"
#include "osbuild/util/json.h"

namespace osbuild::build {

namespace fs = std::filesystem;

// The folders of one package's build, all in the package's own folder under build/work (per arch).
struct BuildPaths {
  fs::path root;
  fs::path work;     // the current directory: the first archive unpacked here
  fs::path sources;  // $OSBUILD_SOURCES
  fs::path sysroot;  // $OSBUILD_SYSROOT
  fs::path dest;     // $OSBUILD_DESTDIR
  fs::path tmp;      // $TMPDIR
  static BuildPaths under(const fs::path& root);
};

struct EnvRequest {
  const config::Package& package;
  // The resolved toolchain's variables (toolchain::ResolvedToolchain::environment): CC CXX AR
  // RANLIB STRIP OSBUILD_TARGET OSBUILD_TOOLCHAIN CMAKE_TOOLCHAIN_FILE, its CFLAGS and LDFLAGS
  // (appended to the build's own), ZIG_* caches for zig.
  const std::map<std::string, std::string>& toolchain;
  const fs::path& tool_dir;  // first on PATH: <triple>-gcc, <triple>-ar… for configure scripts
  const BuildPaths& paths;
  Arch arch = Arch::x86_64;
  long jobs = 1;
  std::int64_t source_date_epoch = 0;
  std::string os_name;  // given to the build only when it uses the release version
  std::string release_version;
  // The build's jobserver as MAKEFLAGS and CARGO_MAKEFLAGS (Jobserver::makeflags), or empty.
  std::string makeflags;
};

std::map<std::string, std::string> build_environment(const EnvRequest& req);

}  // namespace osbuild::build
