#pragma once
// Where builds run: bubblewrap with no network, the project and sysroot read-only and only the
// work dir writable; `unshare -n` where bwrap is missing or cannot start. Child processes run in
// their own process group so that an interrupt can kill a whole build (docs/build.md).
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

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

// The absolute path of a program found on the caller's PATH, or empty.
std::string find_program(std::string_view name);

struct ProcessSpec {
  std::vector<std::string> argv;          // argv[0] is resolved on the caller's PATH
  std::map<std::string, std::string> env; // the whole environment of the child
  fs::path cwd;
  fs::path log;                           // stdout and stderr are appended here
};

struct ProcessResult {
  int exit_code = 0;  // 128 + signal when killed by a signal
  bool signalled = false;
};

// Runs a command to completion in its own process group, registered so that
// kill_running_groups() reaches it. Thread-safe.
ProcessResult run_process(const ProcessSpec& spec);

// Sends SIGTERM to the process group of every running child. Async-signal-safe.
void kill_running_groups();

// While alive, SIGINT and SIGTERM kill every running build's process group and set interrupted().
class InterruptGuard {
public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};
bool interrupted();

}  // namespace osbuild::sandbox
