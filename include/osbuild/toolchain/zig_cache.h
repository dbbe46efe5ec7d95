#pragma once
// zig's global cache (the libc, compiler runtime and libc++ it builds per target), kept so that no
// package can change what another one links. osbuild itself, outside any sandbox, fills one cache
// per zig version and target under the `cache.zig` folder, once, under a lock; no build ever sees
// it. Each zig build gets its own writable copy of it (zig takes write locks on the cache even on
// a hit, so a read-only one does not work), which is thrown away with the build (docs/security.md).
#include <filesystem>
#include <string>

#include "osbuild/process/process.h"
#include "osbuild/toolchain/toolchain.h"

namespace osbuild::toolchain {

namespace fs = std::filesystem;

// The filled cache of a zig toolchain under `root` (the `cache.zig` folder):
// <root>/<zig version>/<zig target>.
fs::path filled_zig_cache_dir(const ResolvedToolchain& toolchain, const fs::path& root);

// The stamp beside `dir` that says its filling finished: <dir>.filled.
fs::path zig_cache_stamp(const fs::path& dir);

// Fills `dir` unless its stamp is there: compiles a C program, a C shared library and a C++
// program with the build's own flags (-O2 and the toolchain's) through the wrappers in `tool_dir`,
// outside any sandbox, under the lock <dir>.lock, then writes the stamp. Throws with the
// compiler's output when a compile fails.
void fill_zig_cache(const ResolvedToolchain& toolchain, const fs::path& dir,
                    const fs::path& tool_dir, process::Runner& runner = process::system_runner());

// A build's own zig cache: `dir` made a copy of the filled cache `filled`, removed when this goes.
// The copy is `cp -a --reflink=auto`, or a plain recursive copy when cp fails.
class ZigCacheCopy {
 public:
  ZigCacheCopy(const fs::path& filled, fs::path dir,
               process::Runner& runner = process::system_runner());
  ~ZigCacheCopy();
  ZigCacheCopy(const ZigCacheCopy&) = delete;
  ZigCacheCopy& operator=(const ZigCacheCopy&) = delete;
  const fs::path& dir() const noexcept { return m_dir; }

 private:
  fs::path m_dir;
};

}  // namespace osbuild::toolchain
