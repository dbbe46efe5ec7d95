// The QEMU command line of a Machine, and the choices that go into it (accelerator, overlay).
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"
#include "osbuild/vm/vm.h"

namespace osbuild::vm {

namespace {

// QEMU's option syntax: a comma inside a value is written twice.
std::string escaped(const fs::path& path) {
  std::string out;
  for (char c : path.string()) out += c == ',' ? std::string(",,") : std::string(1, c);
  return out;
}

std::string cpu_model(const Machine& m) {
  if (m.accel == Accel::kvm) return "host";
  // The architected pointer-auth algorithm is slow to emulate; the IMPDEF one is not.
  return m.arch == Arch::aarch64 ? "max,pauth-impdef=on" : "max";
}

void add_drive(std::vector<std::string>& argv, const Drive& d, bool boot) {
  argv.insert(argv.end(),
              {"-drive", "if=none,id=" + d.id + ",format=" + d.format + ",file=" + escaped(d.file),
               "-device", "virtio-blk-pci,drive=" + d.id + (boot ? ",bootindex=0" : "")});
}

// KVM that can run a guest: some sandboxes offer a /dev/kvm that opens and even makes VMs but
// fails on the first vCPU, with no virtualisation flag in /proc/cpuinfo.
bool cpu_has_virtualisation() {
  if (host_arch() != Arch::x86_64) return true;
  auto info = read_file("/proc/cpuinfo");
  if (!info.ok()) return false;
  for (const auto& line : split(info.value(), '\n')) {
    if (!line.starts_with("flags")) continue;
    for (const auto& flag : split(line, ' ')) {
      if (flag == "vmx" || flag == "svm") return true;
    }
    return false;
  }
  return false;
}

}  // namespace

std::string qemu_program(Arch arch) {
  return arch == Arch::aarch64 ? "qemu-system-aarch64" : "qemu-system-x86_64";
}

std::vector<std::string> qemu_command(const Machine& m) {
  std::vector<std::string> argv = {qemu_program(m.arch)};
  argv.insert(argv.end(), {"-machine", m.arch == Arch::aarch64 ? "virt" : "q35", "-accel",
                           m.accel == Accel::kvm ? "kvm" : "tcg", "-cpu", cpu_model(m), "-smp",
                           std::to_string(m.cpus), "-m", std::to_string(m.memory_mib) + "M"});
  // No default devices (NIC, VGA and their option ROMs); the serial console on stdio.
  argv.insert(argv.end(), {"-nodefaults", "-nographic", "-no-reboot", "-serial",
                           m.console == Console::serial ? "stdio" : "mon:stdio"});
  argv.insert(
      argv.end(),
      {"-drive",
       "if=pflash,format=" + m.firmware.format +
           ",unit=0,readonly=on,file=" + escaped(m.firmware.code),
       "-drive", "if=pflash,format=" + m.firmware.format + ",unit=1,file=" + escaped(m.vars)});
  add_drive(argv, m.os, true);
  if (m.data) add_drive(argv, *m.data, false);
  if (m.network == Network::user) {
    // User-mode networking out of the guest; nothing on the host is forwarded into it.
    argv.insert(argv.end(), {"-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0"});
  }
  argv.insert(argv.end(), m.extra.begin(), m.extra.end());
  return argv;
}

bool kvm_usable() {
  Fd kvm{::open("/dev/kvm", O_RDWR | O_CLOEXEC)};
  if (kvm.fd < 0 || ::ioctl(kvm.fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) return false;
  Fd vm{::ioctl(kvm.fd, KVM_CREATE_VM, 0)};
  return vm.fd >= 0 && cpu_has_virtualisation();
}

Accel choose_accel(Arch guest, Arch host, bool kvm_available, KvmMode mode) {
  if (mode == KvmMode::no) return Accel::tcg;
  if (guest == host && kvm_available) return Accel::kvm;
  if (mode == KvmMode::yes) {
    throw Error(guest != host ? "KVM cannot run an " + std::string(arch_name(guest)) +
                                    " guest on this " + std::string(arch_name(host)) + " host"
                              : "KVM is not usable here: /dev/kvm is missing, not writable, or "
                                "the CPU has no virtualisation",
                "set qemu.kvm to auto (OSBUILD_QEMU_KVM=auto) to fall back to TCG");
  }
  return Accel::tcg;
}

KvmMode parse_kvm_mode(const std::string& text, const std::string& source) {
  std::string t = to_lower(trim(text));
  if (t == "auto" || t.empty()) return KvmMode::automatic;
  if (t == "yes" || t == "true" || t == "on" || t == "1") return KvmMode::yes;
  if (t == "no" || t == "false" || t == "off" || t == "0") return KvmMode::no;
  throw UsageError("qemu.kvm from " + source + ": expected auto, yes or no, got '" + text + "'",
                   "fix or unset " + source);
}

std::vector<std::string> overlay_command(const Drive& base, const fs::path& overlay) {
  return {"qemu-img",
          "create",
          "-q",
          "-f",
          "qcow2",
          "-F",
          base.format,
          "-b",
          fs::absolute(base.file).string(),
          overlay.string()};
}

void copy_sparse_file(const fs::path& from, const fs::path& to) {
  Fd in{::open(from.c_str(), O_RDONLY | O_CLOEXEC)};
  Fd out{::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (in.fd < 0 || out.fd < 0) {
    throw Error("cannot copy " + from.string() + " to " + to.string() + ": " +
                std::strerror(errno));
  }
  std::array<char, 65536> block{};
  off_t at = 0;
  for (;;) {
    ssize_t n = ::pread(in.fd, block.data(), block.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error("cannot read " + from.string() + ": " + std::strerror(errno));
    if (n == 0) break;
    bool zero = std::all_of(block.begin(), block.begin() + n, [](char c) { return c == 0; });
    if (!zero && ::pwrite(out.fd, block.data(), static_cast<std::size_t>(n), at) != n) {
      throw Error("cannot write " + to.string() + ": " + std::strerror(errno));
    }
    at += n;
  }
  if (::ftruncate(out.fd, at) != 0) {
    throw Error("cannot write " + to.string() + ": " + std::strerror(errno));
  }
}

std::string plain_console_line(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\x1b') {
      // CSI: ESC [ parameters final-byte; other escapes: ESC and one character.
      if (i + 1 < line.size() && line[i + 1] == '[') {
        i += 2;
        while (i < line.size() && (line[i] < 0x40 || line[i] > 0x7e)) ++i;
      } else {
        ++i;
      }
      continue;
    }
    if (c == '\r' || (static_cast<unsigned char>(c) < 0x20 && c != '\t')) continue;
    out += c;
  }
  return out;
}

}  // namespace osbuild::vm
