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

std::string find_program(std::string_view name) {
  if (name.find('/') != std::string_view::npos) {
    return std::string(name);
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr && *path != '\0' ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    std::string candidate = dirs.substr(start, end - start) + "/" + std::string(name);
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
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
  if (find_program(argv.front()).empty()) {
    return false;
  }
  ProcessSpec spec{argv, {{"PATH", "/usr/bin:/bin"}}, "/", "/dev/null"};
  return run_process(spec).exit_code == 0;
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

}  // namespace osbuild::sandbox
