#pragma once
// Where builds run: bubblewrap with no network, the project and sysroot read-only and only the
// work dir writable; `unshare -n` where bwrap is missing or cannot start. The commands run through
// a process::Runner, each in its own process group so that an interrupt can kill a whole build
// (docs/build.md).
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/process/process.h"

namespace osbuild::sandbox {

namespace fs = std::filesystem;

enum class SandboxKind { bwrap, unshare, none };
std::string_view sandbox_kind_name(SandboxKind kind);

// Probes once per process: a bwrap that can start a namespace, else `unshare -n`, else none.
// OSBUILD_SANDBOX=bwrap|unshare picks one (for tests and for machines where the probe misleads).
SandboxKind detect_sandbox();

struct SandboxSpec {
  fs::path cwd;                     // the build's current directory
  std::vector<fs::path> writable;   // bound read-write (work dir, destdir, tmp)
  std::vector<fs::path> read_only;  // bound read-only over the read-only root (project, sysroot)
};

// The command line that runs `command` inside the sandbox.
std::vector<std::string> sandbox_argv(SandboxKind kind, const SandboxSpec& spec,
                                      const std::vector<std::string>& command);

// The Command that runs `command` in the sandbox with exactly `env`, from `spec.cwd`, its stdout
// and stderr appended to `log`, stdin from /dev/null.
process::Command sandbox_command(SandboxKind kind, const SandboxSpec& spec,
                                 const std::vector<std::string>& command,
                                 std::map<std::string, std::string> env, const fs::path& log);

}  // namespace osbuild::sandbox
