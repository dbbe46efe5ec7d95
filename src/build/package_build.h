#pragma once
// One package's build: prepare its work dir, run its commands in the sandbox, pack the output.
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/build/env.h"
#include "osbuild/build/jobserver.h"
#include "osbuild/config/model.h"
#include "osbuild/process/process.h"
#include "osbuild/sandbox/sandbox.h"
#include "osbuild/store/group_commit.h"
#include "osbuild/store/store.h"
#include "osbuild/toolchain/toolchain.h"

namespace osbuild::build {

// Finished work folders, moved aside by a rename and removed when the build ends (docs/build.md,
// "One package's build"). Removing each one as its package finished made every later file the
// build created slower on an ext4 without a journal, which skips inodes freed in the last
// minutes when it allocates one (bench/README.md, "build").
class WorkTrash {
 public:
  // `dir` must be on the file system of the work folders; what an interrupted build left in it
  // is removed first. Finished folders are kept while more than 1/`keep_while_free` of the file
  // system is free.
  explicit WorkTrash(fs::path dir, unsigned long keep_while_free = 10);
  WorkTrash(const WorkTrash&) = delete;
  WorkTrash& operator=(const WorkTrash&) = delete;
  ~WorkTrash();  // removes everything taken
  // Moves `folder` into the trash; removes it at once when the rename fails. When too little of
  // the file system is free afterwards, the whole trash is removed at once.
  void take(const fs::path& folder);

 private:
  fs::path m_dir;
  unsigned long m_keep_while_free;
  std::mutex m_mutex;
  std::size_t m_next = 0;
};

// What every package build of one run shares.
struct BuildContext {
  const config::Project& project;
  store::Store& store;
  process::Runner& runner;  // every command of the build runs through it
  toolchain::ResolvedToolchain toolchain;
  fs::path tool_dir;   // the toolchain's wrappers, toolchain.cmake, config.site
  // zig only: the filled cache of the toolchain (toolchain/zig_cache.h); each build works in its
  // own copy of it, and the sandbox never sees this one
  fs::path zig_cache;
  Arch arch = Arch::x86_64;
  long jobs = 1;
  std::int64_t source_date_epoch = 0;
  fs::path build_dir;  // <project>/build
  // The sandbox the `sandbox` setting names, already seen to start (run_build opens it before
  // anything runs); build_package refuses `none`.
  sandbox::SandboxKind sandbox = sandbox::SandboxKind::sealed;
  // The run's one jobserver, handed to every build (docs/build.md "Parallelism"); null: none.
  Jobserver* jobserver = nullptr;
  // Where the artifacts and their action results go when the run groups its fsyncs
  // (store/group_commit.h); null: straight into `store`, an fsync per entry.
  store::GroupCommit* commit = nullptr;
  // Where finished work folders go until the build ends; null: removed at once.
  WorkTrash* trash = nullptr;
};

struct StepOutcome {
  std::string name;
  bool reused = false;  // restored from the snapshot of an earlier build
};

struct PackageResult {
  bool ok = false;
  std::string artifact;  // sha256 of the artifact tar in the CAS
  std::string manifest;  // sha256 of its manifest.json in the CAS
  std::string report;    // the failure report, when !ok
  std::vector<StepOutcome> steps;
};

// Builds `pkg`, whose build-time dependencies' artifacts are `dep_artifacts`, and records the
// result under `key`, the action key of `inputs`.
PackageResult build_package(const BuildContext& bc, const config::Package& pkg,
                            const std::vector<std::string>& dep_artifacts, const std::string& key,
                            const Json& inputs);

// How the step runner runs a command in the package's sandbox (false: it failed and the report
// is written) and notes a line in the package's log.
struct RunCommand {
  std::function<bool(const std::vector<std::string>& argv, const std::string& what)> command;
  std::function<void(const std::string& line)> note;
};

struct StepsResult {
  bool ok = true;
  std::vector<StepOutcome> steps;
};

// The key of each `[[build.step]]`, chained: a step's key covers the package's inputs without its
// sources, the files the step declares (read from the unpacked sources before any step runs), its
// command and the key of the step before it. A step without `inputs` depends on everything.
std::vector<std::string> step_keys(const config::Package& pkg, const Json& package_inputs,
                                   const BuildPaths& paths);

// Runs the package's steps, reusing the longest chain of steps whose snapshot (the work dir and
// destdir after the step) is cached, with the current sources overlaid on it.
StepsResult run_steps(const BuildContext& bc, const config::Package& pkg,
                      const Json& package_inputs, const BuildPaths& paths, const RunCommand& run);

// Replaces build/packages/<arch>/<name>/ with the artifact's tree.
void materialise(const BuildContext& bc, const std::string& name, const fs::path& artifact_tar);

// How a build script runs: by its #! line as the kernel reads it (the interpreter and at most one
// argument), or with sh when it has none or cannot be read.
std::vector<std::string> script_command(const std::filesystem::path& script);

// The commands a build system runs, as argv vectors (`sh -c …` for the obvious ones).
// `configure_args` go to autotools' configure (--host and --build when cross-compiling). make runs
// without -j: it takes its jobs from the build's jobserver (MAKEFLAGS).
std::vector<std::vector<std::string>> build_commands(
    const config::Package& pkg, const std::vector<std::string>& configure_args = {});

// The report of a failed command: the command, the last lines of the log, the log path and the
// program that was missing when the log says so.
// `what` names the part of the build that ran it ("step deps", "patch fix.patch") or is empty.
// A failed patch names the hunks that did not apply.
std::string failure_report(const std::string& package, const std::string& what,
                           const std::string& command, int status, const fs::path& log);
// The Debian package that provides a program builds commonly ask for, or empty.
std::string debian_package_for(std::string_view program);
// The program a log says is missing ("foo: command not found", "sh: 1: foo: not found",
// "foo: No such file or directory"), or empty.
std::string missing_program(const std::string& log_text);

}  // namespace osbuild::build
