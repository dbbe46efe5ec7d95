#include "osbuild/sandbox/sandbox.h"

#include <fmt/format.h>

#include <mutex>

#include "osbuild/util/error.h"
#include "osbuild/util/log.h"
#include "osbuild/util/text.h"

namespace osbuild::sandbox {

std::string_view sandbox_kind_name(SandboxKind kind) {
  switch (kind) {
    case SandboxKind::sealed:
      return "sealed";
    case SandboxKind::unshare:
      return "unshare";
    case SandboxKind::none:
      return "none";
  }
  return "?";
}

std::optional<SandboxKind> parse_sandbox_kind(std::string_view name) {
  if (name == "sealed") return SandboxKind::sealed;
  if (name == "unshare") return SandboxKind::unshare;
  return std::nullopt;
}

namespace {

// A pid namespace of its own, whose init is killed with osbuild (--kill-child), takes every
// process of the build with it, even after `kill -9` of osbuild.
const std::vector<std::string> k_unshare_prefix = {"unshare", "-n", "--pid", "--fork",
                                                   "--kill-child"};

// Every namespace unshared (--unshare-all: user, ipc, pid, net, uts, cgroup); when the build's
// command exits, bwrap, the pid namespace's init, exits and the kernel kills what is left.
// --new-session: no ioctl(TIOCSTI) into the caller's terminal.
const std::vector<std::string> k_bwrap_prefix = {"bwrap",       "--unshare-all",
                                                 "--die-with-parent", "--new-session",
                                                 "--dev",       "/dev",
                                                 "--proc",      "/proc",
                                                 "--tmpfs",     "/tmp",
                                                 "--tmpfs",     "/var/tmp"};

// /etc files that compilers and build tools read: Debian's alternatives (cc, awk, yacc, ld are
// links through /etc/alternatives) and the dynamic linker's configuration.
const std::vector<std::string_view> k_etc_files = {"alternatives", "ld.so.cache", "ld.so.conf",
                                                   "ld.so.conf.d"};

std::string probe_failure(const std::vector<std::string>& argv) {
  if (process::find_program(argv.front()).empty()) {
    return argv.front() + " is not installed";
  }
  process::Command command;
  command.argv = argv;
  command.env = std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}};
  command.cwd = "/";
  command.out = process::Sink::null;
  command.err = process::Sink::capture;
  auto result = process::system_runner().run(command);
  if (result.exit_code == 0) return {};
  std::string said(trim(result.err));
  return fmt::format("`{}` exited with {}{}", process::command_text(argv), result.exit_code,
                     said.empty() ? "" : ": " + said);
}

std::vector<std::string> probe_argv(SandboxKind kind) {
  std::vector<std::string> argv;
  if (kind == SandboxKind::sealed) {
    argv = k_bwrap_prefix;
    auto system = sealed_system_args();
    argv.insert(argv.end(), system.begin(), system.end());
  } else {
    argv = k_unshare_prefix;
  }
  argv.push_back("true");
  return argv;
}

Error cannot_start(SandboxKind kind, const std::string& why) {
  if (kind == SandboxKind::sealed) {
    return Error("the sealed build sandbox cannot start: " + why,
                 "install bubblewrap (apt-get install bubblewrap) and allow user namespaces "
                 "(sysctl kernel.unprivileged_userns_clone=1), or run as root; to build without "
                 "it, knowing that a package's build can then read and change your files, pass "
                 "--sandbox unshare (or OSBUILD_SANDBOX=unshare)");
  }
  return Error("the unshare build sandbox cannot start: " + why,
               "run where network and pid namespaces are allowed (root, or user namespaces), or "
               "use the sealed sandbox (the default)");
}

}  // namespace

SandboxKind open_sandbox(SandboxKind wanted) {
  if (wanted == SandboxKind::none) {
    throw Error("no build sandbox", "builds run only in the sealed or the unshare sandbox");
  }
  static std::mutex mutex;
  static std::map<SandboxKind, std::string> failures;  // probed kinds: "" when it started
  std::lock_guard lock(mutex);
  auto it = failures.find(wanted);
  if (it == failures.end()) {
    it = failures.emplace(wanted, probe_failure(probe_argv(wanted))).first;
    log::debug("sandbox {}: {}", sandbox_kind_name(wanted),
               it->second.empty() ? "starts" : it->second);
  }
  if (!it->second.empty()) throw cannot_start(wanted, it->second);
  return wanted;
}

std::vector<std::string> sealed_system_args(const fs::path& host_root) {
  std::vector<std::string> args = {"--ro-bind", (host_root / "usr").string(), "/usr"};
  // Merged /usr: /bin is a link to usr/bin, and so on; elsewhere a folder of its own.
  for (std::string_view top : {"bin", "sbin", "lib", "lib32", "lib64", "libx32"}) {
    fs::path host = host_root / top;
    std::error_code ec;
    auto status = fs::symlink_status(host, ec);
    std::string inside = "/" + std::string(top);
    if (fs::is_symlink(status)) {
      args.insert(args.end(), {"--symlink", fs::read_symlink(host, ec).string(), inside});
    } else if (fs::is_directory(status)) {
      args.insert(args.end(), {"--ro-bind", host.string(), inside});
    }
  }
  for (auto name : k_etc_files) {
    fs::path host = host_root / "etc" / name;
    std::error_code ec;
    if (fs::exists(host, ec)) {
      args.insert(args.end(), {"--ro-bind", host.string(), "/etc/" + std::string(name)});
    }
  }
  return args;
}

std::vector<std::string> sandbox_argv(SandboxKind kind, const SandboxSpec& spec,
                                      const std::vector<std::string>& command) {
  std::vector<std::string> argv;
  if (kind == SandboxKind::sealed) {
    argv = k_bwrap_prefix;
    auto system = sealed_system_args();
    argv.insert(argv.end(), system.begin(), system.end());
    for (const auto& [file, inside] : spec.files) {
      argv.insert(argv.end(), {"--ro-bind", file.string(), inside.string()});
    }
    // Later mounts win: read-only folders first, then the writable ones inside them.
    for (const auto& dir : spec.read_only) {
      argv.insert(argv.end(), {"--ro-bind", dir.string(), dir.string()});
    }
    for (const auto& dir : spec.writable) {
      argv.insert(argv.end(), {"--bind", dir.string(), dir.string()});
    }
    // Nothing else is writable: new paths in the root would only hide a mistake.
    argv.insert(argv.end(), {"--remount-ro", "/", "--chdir", spec.cwd.string(), "--"});
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
  out.keep_fds = spec.inherited_fds;  // bwrap and unshare pass inherited descriptors on
  return out;
}

std::string sandbox_passwd() {
  return "root:x:0:0:root:/nonexistent:/bin/sh\n"
         "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
}

std::string sandbox_group() {
  return "root:x:0:\nnogroup:x:65534:\n";
}

}  // namespace osbuild::sandbox
