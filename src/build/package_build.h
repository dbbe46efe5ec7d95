#pragma once
// One package's build: prepare its work dir, run its commands in the sandbox, pack the output.
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "osbuild/build/env.h"
#include "osbuild/config/model.h"
#include "osbuild/sandbox/sandbox.h"
#include "osbuild/store/store.h"

namespace osbuild::build {

// What every package build of one run shares.
struct BuildContext {
  const config::Project& project;
  store::Store& store;
  Toolchain toolchain;
  Arch arch = Arch::x86_64;
  long jobs = 1;
  std::int64_t source_date_epoch = 0;
  fs::path build_dir;  // <project>/build
};

struct PackageResult {
  bool ok = false;
  std::string artifact;  // sha256 of the artifact tar in the CAS
  std::string report;    // the failure report, when !ok
};

// Builds `pkg`, whose build-time dependencies' artifacts are `dep_artifacts`, and records the
// result under `key`.
PackageResult build_package(const BuildContext& bc, const config::Package& pkg,
                            const std::vector<std::string>& dep_artifacts, const std::string& key);

// Replaces build/packages/<arch>/<name>/ with the artifact's tree.
void materialise(const BuildContext& bc, const std::string& name, const fs::path& artifact_tar);

// The commands a build system runs, as argv vectors (`sh -c …` for the obvious ones).
std::vector<std::vector<std::string>> build_commands(const config::Package& pkg, long jobs);

// The report of a failed command: the command, the last lines of the log, the log path and the
// program that was missing when the log says so.
std::string failure_report(const std::string& package, const std::string& command, int status,
                           const fs::path& log);
// The program a log says is missing ("foo: command not found", "sh: 1: foo: not found",
// "foo: No such file or directory"), or empty.
std::string missing_program(const std::string& log_text);

}  // namespace osbuild::build
