#pragma once
// Where builds run. A package is untrusted code, so its build sees only what it was given:
//
//   sealed   bubblewrap with every namespace unshared (no network, no host processes, no abstract
//            sockets), an empty root holding the system's /usr (and the /bin, /lib links into it),
//            a few /etc files toolchains read, a generated /etc/passwd, a fresh /dev, /proc, /tmp
//            and /var/tmp, then the build's own folders: its inputs read-only, its work dir,
//            destdir and tmp writable. No $HOME, no keys, no project, no host /tmp, /run or sockets.
//   unshare  `unshare -n --pid`: network and process isolation only; the build can read and write
//            every file the user can. Only when asked for (`--sandbox unshare`): never a fallback.
//
// The commands run through a process::Runner, each in its own process group so that an interrupt
// can kill a whole build (docs/build.md, docs/security.md).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/process/process.h"

namespace osbuild::sandbox {

namespace fs = std::filesystem;

enum class SandboxKind { sealed, unshare, none };
std::string_view sandbox_kind_name(SandboxKind kind);
// "sealed" or "unshare" (the `sandbox` setting's values); nullopt for anything else.
std::optional<SandboxKind> parse_sandbox_kind(std::string_view name);

// The sandbox the `sandbox` setting names, once it has been seen to start (probed once per
// process and kind). Throws, saying why and what to do, when it cannot start: osbuild never falls
// back to a weaker sandbox on its own.
SandboxKind open_sandbox(SandboxKind wanted);

struct SandboxSpec {
  fs::path cwd;                     // the build's current directory
  std::vector<fs::path> writable;   // bound read-write (work dir, destdir, tmp)
  std::vector<fs::path> read_only;  // bound read-only: inputs, package dir, toolchain, osbuild
  // Files made for this build and bound read-only at a fixed place (/etc/passwd → its copy).
  std::vector<std::pair<fs::path, fs::path>> files;
  // Descriptors the build inherits at the same numbers (a jobserver's pipe, docs/build.md
  // "Parallelism"); no other descriptor of osbuild reaches it.
  std::vector<int> inherited_fds;
};

// The host paths a sealed build sees read-only before its own folders: /usr and the links or
// folders /bin, /sbin, /lib* that lead into it, and the /etc files toolchains read
// (alternatives, the dynamic linker's cache). As bwrap arguments.
std::vector<std::string> sealed_system_args(const fs::path& host_root = "/");

// The command line that runs `command` inside the sandbox.
std::vector<std::string> sandbox_argv(SandboxKind kind, const SandboxSpec& spec,
                                      const std::vector<std::string>& command);

// The Command that runs `command` in the sandbox with exactly `env`, from `spec.cwd`, its stdout
// and stderr appended to `log`, stdin from /dev/null.
process::Command sandbox_command(SandboxKind kind, const SandboxSpec& spec,
                                 const std::vector<std::string>& command,
                                 std::map<std::string, std::string> env, const fs::path& log);

// The /etc/passwd and /etc/group a sealed build sees: root and nobody, homes that do not exist.
std::string sandbox_passwd();
std::string sandbox_group();

}  // namespace osbuild::sandbox
