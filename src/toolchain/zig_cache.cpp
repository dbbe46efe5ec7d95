// zig's global cache: one filled by osbuild per zig version and target, a copy of it per build.
#include "osbuild/toolchain/zig_cache.h"

#include <chrono>
#include <cstdlib>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json.h"
#include "osbuild/util/log.h"
#include "osbuild/util/text.h"

namespace osbuild::toolchain {

namespace {

// What the build environment compiles with (build/env.cpp gives CFLAGS "-O2 …"): zig builds its
// libc and runtime once per optimisation mode, so these are the ones worth filling.
constexpr std::string_view k_c_program =
    "#include <math.h>\n#include <stdio.h>\n"
    "int main(int argc, char** argv) { printf(\"%s %g\\n\", argv[0], sqrt((double)argc)); }\n";
constexpr std::string_view k_cxx_program =
    "#include <iostream>\n#include <string>\n"
    "int main() { std::cout << std::string(\"filled\") << std::endl; }\n";

std::map<std::string, std::string> fill_environment(const fs::path& dir) {
  std::map<std::string, std::string> env = {{"ZIG_GLOBAL_CACHE_DIR", dir.string()},
                                            {"ZIG_LOCAL_CACHE_DIR", dir.string()},
                                            {"LC_ALL", "C"}};
  for (const char* name : {"PATH", "HOME", "TMPDIR", "OSBUILD_LOG_LEVEL"}) {
    if (const char* value = std::getenv(name); value != nullptr) env[name] = value;
  }
  return env;
}

std::vector<std::vector<std::string>> fill_commands(const ResolvedToolchain& toolchain,
                                                    const fs::path& tool_dir,
                                                    const fs::path& work) {
  std::vector<std::string> flags = {"-O2"};
  flags.insert(flags.end(), toolchain.cflags.begin(), toolchain.cflags.end());
  auto with_flags = [&](std::string tool, std::vector<std::string> args) {
    std::vector<std::string> argv = {(tool_dir / ("osbuild-" + tool)).string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), toolchain.ldflags.begin(), toolchain.ldflags.end());
    return argv;
  };
  std::string c = (work / "fill.c").string();
  return {with_flags("cc", {c, "-o", (work / "fill").string(), "-lm"}),
          with_flags("cc", {"-shared", "-fPIC", c, "-o", (work / "libfill.so").string()}),
          with_flags("c++", {(work / "fill.cpp").string(), "-o", (work / "fill-cxx").string()})};
}

void run_fill(const ResolvedToolchain& toolchain, const fs::path& dir, const fs::path& tool_dir,
              process::Runner& runner) {
  TempDir work("osbuild-zig-fill");
  write_file_atomic(work.path() / "fill.c", k_c_program, Durability::cache);
  write_file_atomic(work.path() / "fill.cpp", k_cxx_program, Durability::cache);
  for (const auto& argv : fill_commands(toolchain, tool_dir, work.path())) {
    process::Command command;
    command.argv = argv;
    command.env = fill_environment(dir);
    command.cwd = work.path();
    command.out = process::Sink::capture;
    command.err = process::Sink::same_as_stdout;
    command.time_limit = std::chrono::minutes(30);
    auto result = runner.run(command);
    if (result.exit_code != 0) {
      throw Error("cannot fill zig's cache " + dir.string() + ": `" +
                      process::command_text(argv) + "` exited with " +
                      std::to_string(result.exit_code) + (result.timed_out ? " (timed out)" : "") +
                      ":\n" + result.out,
                  "check that `" + toolchain.compiler.string() + " cc -target " +
                      toolchain.zig_target + "` builds a C program; then run the build again");
    }
  }
}

}  // namespace

fs::path filled_zig_cache_dir(const ResolvedToolchain& toolchain, const fs::path& root) {
  return root / toolchain.zig_version / toolchain.zig_target;
}

fs::path zig_cache_stamp(const fs::path& dir) {
  return dir.string() + ".filled";
}

void fill_zig_cache(const ResolvedToolchain& toolchain, const fs::path& dir,
                    const fs::path& tool_dir, process::Runner& runner) {
  fs::path stamp = zig_cache_stamp(dir);
  if (fs::exists(stamp)) return;
  fs::create_directories(dir);
  auto lock = FileLock::acquire(dir.string() + ".lock", FileLock::Wait::yes,
                                [&](const std::string& holder) {
                                  log::info("waiting for {} to fill zig's cache {}", holder,
                                            dir.string());
                                });
  if (!lock) throw Error("cannot lock " + dir.string() + ".lock", "check the folder's permissions");
  if (fs::exists(stamp)) return;  // filled while this one waited
  log::info("filling zig's cache for {} ({})", toolchain.zig_target, dir.string());
  run_fill(toolchain, dir, tool_dir, runner);
  Json record = {{"zig_version", toolchain.zig_version},
                 {"target", toolchain.zig_target},
                 {"compiler", toolchain.compiler.string()}};
  write_file_atomic(stamp, record.dump(1) + "\n", Durability::durable);
}

ZigCacheCopy::ZigCacheCopy(const fs::path& filled, fs::path dir, process::Runner& runner)
    : m_dir(std::move(dir)) {
  fs::remove_all(m_dir);
  fs::create_directories(m_dir.parent_path());
  process::Command command;
  command.argv = {"cp", "-a", "--reflink=auto", filled.string(), m_dir.string()};
  command.out = process::Sink::capture;
  command.err = process::Sink::same_as_stdout;
  auto result = runner.run(command);
  if (result.exit_code == 0 && fs::is_directory(m_dir)) return;
  log::debug("cp of zig's cache failed ({}): {}; copying it file by file", result.exit_code,
             trim(result.out));
  fs::remove_all(m_dir);
  fs::copy(filled, m_dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

ZigCacheCopy::~ZigCacheCopy() {
  std::error_code ec;
  fs::remove_all(m_dir, ec);
}

}  // namespace osbuild::toolchain
