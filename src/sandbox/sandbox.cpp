#include "osbuild/sandbox/sandbox.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "osbuild/util/log.h"

namespace osbuild::sandbox {

std::string_view sandbox_kind_name(SandboxKind kind) {
  switch (kind) {
    case SandboxKind::bwrap:
      return "bwrap";
    case SandboxKind::unshare:
      return "unshare -n";
    case SandboxKind::none:
      return "none";
  }
  return "?";
}

namespace {

// A pid namespace of its own, whose init is killed with osbuild (--kill-child), takes every
// process of the build with it, even after `kill -9` of osbuild.
const std::vector<std::string> k_unshare_prefix = {"unshare", "-n", "--pid", "--fork",
                                                   "--kill-child"};
const std::vector<std::string> k_unshare_probe = [] {
  auto argv = k_unshare_prefix;
  argv.push_back("true");
  return argv;
}();

bool probe(const std::vector<std::string>& argv) {
  if (process::find_program(argv.front()).empty()) {
    return false;
  }
  process::Command command;
  command.argv = argv;
  command.env = std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}};
  command.cwd = "/";
  command.out = process::Sink::null;
  command.err = process::Sink::null;
  return process::system_runner().run(command).exit_code == 0;
}

SandboxKind probe_sandbox() {
  const char* forced = std::getenv("OSBUILD_SANDBOX");
  std::string choice = forced != nullptr ? forced : "";
  if (choice == "unshare") {
    return probe(k_unshare_probe) ? SandboxKind::unshare : SandboxKind::none;
  }
  if (probe({"bwrap", "--unshare-net", "--unshare-pid", "--die-with-parent", "--ro-bind", "/", "/",
             "--dev", "/dev", "--proc", "/proc", "true"})) {
    return SandboxKind::bwrap;
  }
  if (choice != "bwrap" && probe(k_unshare_probe)) {
    return SandboxKind::unshare;
  }
  return SandboxKind::none;
}

}  // namespace

SandboxKind detect_sandbox() {
  static std::once_flag once;
  static SandboxKind kind = SandboxKind::none;
  std::call_once(once, [] {
    kind = probe_sandbox();
    log::debug("sandbox: {}", sandbox_kind_name(kind));
  });
  return kind;
}

std::vector<std::string> sandbox_argv(SandboxKind kind, const SandboxSpec& spec,
                                      const std::vector<std::string>& command) {
  std::vector<std::string> argv;
  if (kind == SandboxKind::bwrap) {
    // --unshare-pid: when bwrap dies with osbuild (--die-with-parent), the kernel kills every
    // process left in the build's pid namespace.
    argv = {"bwrap",
            "--unshare-net",
            "--unshare-pid",
            "--die-with-parent",
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc"};
    // Later mounts win: read-only folders first, then the writable ones inside them.
    for (const auto& dir : spec.read_only) {
      argv.insert(argv.end(), {"--ro-bind", dir.string(), dir.string()});
    }
    for (const auto& dir : spec.writable) {
      argv.insert(argv.end(), {"--bind", dir.string(), dir.string()});
    }
    argv.insert(argv.end(), {"--chdir", spec.cwd.string(), "--"});
  } else if (kind == SandboxKind::unshare) {
    argv = k_unshare_prefix;
    argv.push_back("--");
  }
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

process::Command sandbox_command(SandboxKind kind, const SandboxSpec& spec,
                                 const std::vector<std::string>& command,
                                 std::map<std::string, std::string> env, const fs::path& log) {
  process::Command out;
  out.argv = sandbox_argv(kind, spec, command);
  out.env = std::move(env);
  out.cwd = spec.cwd;
  out.out = process::Sink::file;
  out.out_file = log;
  out.err = process::Sink::same_as_stdout;
  return out;
}

}  // namespace osbuild::sandbox
