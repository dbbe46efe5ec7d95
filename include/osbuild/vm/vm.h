#pragma once
// `osbuild qemu`: boot a variant's disk image under UEFI in QEMU, as `mkosi qemu` does
// (docs/qemu.md). The QEMU command line is built from a Machine by a pure function, so that unit
// tests check it without starting QEMU; run_qemu() finds the image, makes the copy-on-write
// overlay and the firmware variables, and runs QEMU interactively or watching its console for a
// text (CI mode).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/process/process.h"
#include "osbuild/util/arch.h"
#include "osbuild/vm/firmware.h"
#include "osbuild/workspace/context.h"

namespace osbuild::vm {

namespace fs = std::filesystem;

enum class Accel { kvm, tcg };
enum class KvmMode { automatic, yes, no };  // setting qemu.kvm: auto, yes, no
enum class Network { none, user };
enum class Console { serial, serial_with_monitor };  // CI mode: serial only; interactive: Ctrl-A c
enum class Persist { no, yes };
enum class PrintCommand { no, yes };

struct Drive {
  std::string id;  // "os", "data"
  fs::path file;
  std::string format;  // raw, qcow2, vmdk
};

struct Machine {
  Arch arch = Arch::x86_64;
  Accel accel = Accel::tcg;
  long cpus = 1;
  std::uint64_t memory_mib = 512;
  Firmware firmware;
  fs::path vars;  // the writable copy of firmware.vars_template
  Drive os;
  std::optional<Drive> data;
  Network network = Network::none;
  Console console = Console::serial;
  std::vector<std::string> extra;  // appended as they are
};

// qemu-system-x86_64 or qemu-system-aarch64.
std::string qemu_program(Arch arch);
// The whole command line, program first.
std::vector<std::string> qemu_command(const Machine& machine);

// /dev/kvm opens for reading and writing and gives a VM.
bool kvm_usable();
// KVM when it is usable and the guest is the host's architecture (or when asked for: then an
// Error says why it cannot be had), else TCG.
Accel choose_accel(Arch guest, Arch host, bool kvm_available, KvmMode mode);
KvmMode parse_kvm_mode(const std::string& text, const std::string& source);

// qemu-img's command for a qcow2 overlay on `base`, which is never written through it.
std::vector<std::string> overlay_command(const Drive& base, const fs::path& overlay);

// Copies a file leaving holes where it is zero (AAVMF's variable store is 64 MiB, mostly zeros).
void copy_sparse_file(const fs::path& from, const fs::path& to);

struct QemuOptions {
  std::string variant;
  fs::path disk;  // a raw disk image to boot instead of the variant's current one (--disk)
  std::optional<std::string> expect;  // CI mode: the console text to wait for
  std::chrono::seconds timeout{0};    // 0: none (interactive), 300 s in CI mode
  Persist persist = Persist::no;
  Network network = Network::none;
  PrintCommand print = PrintCommand::no;
  std::vector<std::string> extra;  // QEMU arguments after `--`
};

inline constexpr std::chrono::seconds k_default_expect_timeout{300};

// Boots the variant's image for the arch of ctx.settings. Returns QEMU's exit status
// (interactive), 0 when the text appeared and the guest powered off (CI mode); throws an Error
// with the console's last lines otherwise.
int run_qemu(const Context& ctx, const QemuOptions& options, process::Runner& runner);

// What CI mode makes of one run of QEMU: nullopt when the text was seen and QEMU exited 0 (the
// guest powered off), else what went wrong.
std::optional<std::string> judge_run(const process::Result& result, bool seen,
                                     const std::string& expect, std::chrono::seconds timeout);

// A console line as an error message shows it: escape sequences and carriage returns removed.
std::string plain_console_line(std::string_view line);

}  // namespace osbuild::vm
