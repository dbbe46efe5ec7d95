// The QEMU command line of a machine: both arches, KVM and TCG, the overlay, the data disk, and
// no network unless asked for.
#include <gtest/gtest.h>

#include <algorithm>

#include "osbuild/process/process.h"
#include "osbuild/util/fs.h"
#include "osbuild/vm/vm.h"

namespace osbuild::vm {
namespace {

Machine x86_machine() {
  Machine m;
  m.arch = Arch::x86_64;
  m.firmware = {"/fw/OVMF_CODE_4M.fd", "/fw/OVMF_VARS_4M.fd", "raw", "test"};
  m.vars = "/run/efivars.fd";
  m.os = {"os", "/run/os.qcow2", "qcow2"};
  return m;
}

std::string line(const Machine& m) {
  return process::command_text(qemu_command(m));
}

// The value that follows `option` in the command, or "" (the first one).
std::string after(const std::vector<std::string>& argv, const std::string& option) {
  auto it = std::find(argv.begin(), argv.end(), option);
  return it == argv.end() || it + 1 == argv.end() ? "" : *(it + 1);
}

TEST(QemuCommand, X86UnderTcg) {
  Machine m = x86_machine();
  auto argv = qemu_command(m);
  EXPECT_EQ(argv.front(), "qemu-system-x86_64");
  EXPECT_EQ(after(argv, "-machine"), "q35");
  EXPECT_EQ(after(argv, "-accel"), "tcg");
  EXPECT_EQ(after(argv, "-cpu"), "max");
  EXPECT_EQ(after(argv, "-smp"), "1");
  EXPECT_EQ(after(argv, "-m"), "512M");
  EXPECT_EQ(line(m),
            "qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 1 -m 512M -nodefaults "
            "-nographic -no-reboot -serial stdio "
            "-drive if=pflash,format=raw,unit=0,readonly=on,file=/fw/OVMF_CODE_4M.fd "
            "-drive if=pflash,format=raw,unit=1,file=/run/efivars.fd "
            "-drive if=none,id=os,format=qcow2,file=/run/os.qcow2 "
            "-device virtio-blk-pci,drive=os,bootindex=0");
}

TEST(QemuCommand, X86UnderKvmUsesTheHostCpu) {
  Machine m = x86_machine();
  m.accel = Accel::kvm;
  m.cpus = 2;
  m.memory_mib = 1024;
  auto argv = qemu_command(m);
  EXPECT_EQ(after(argv, "-accel"), "kvm");
  EXPECT_EQ(after(argv, "-cpu"), "host");
  EXPECT_EQ(after(argv, "-smp"), "2");
  EXPECT_EQ(after(argv, "-m"), "1024M");
}

TEST(QemuCommand, Aarch64VirtWithImpdefPointerAuthUnderTcg) {
  Machine m = x86_machine();
  m.arch = Arch::aarch64;
  m.firmware = {"/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_VARS.fd", "raw", "t"};
  auto argv = qemu_command(m);
  EXPECT_EQ(argv.front(), "qemu-system-aarch64");
  EXPECT_EQ(after(argv, "-machine"), "virt");
  EXPECT_EQ(after(argv, "-cpu"), "max,pauth-impdef=on");
  EXPECT_NE(line(m).find("-drive if=pflash,format=raw,unit=0,readonly=on,"
                         "file=/usr/share/AAVMF/AAVMF_CODE.fd"),
            std::string::npos);
  m.accel = Accel::kvm;
  EXPECT_EQ(after(qemu_command(m), "-cpu"), "host");
}

TEST(QemuCommand, DataDiskIsSecondAndNotBootable) {
  Machine m = x86_machine();
  m.data = Drive{"data", "/run/data.qcow2", "qcow2"};
  std::string l = line(m);
  auto os = l.find("-device virtio-blk-pci,drive=os,bootindex=0");
  auto data = l.find(
      "-drive if=none,id=data,format=qcow2,file=/run/data.qcow2 "
      "-device virtio-blk-pci,drive=data");
  ASSERT_NE(os, std::string::npos);
  ASSERT_NE(data, std::string::npos);
  EXPECT_LT(os, data);
  EXPECT_EQ(l.find("drive=data,bootindex"), std::string::npos);
}

TEST(QemuCommand, NoNetworkUnlessAsked) {
  Machine m = x86_machine();
  std::string l = line(m);
  EXPECT_NE(l.find("-nodefaults"), std::string::npos);  // no default NIC either
  EXPECT_EQ(l.find("-netdev"), std::string::npos);
  EXPECT_EQ(l.find("-nic"), std::string::npos);
  EXPECT_EQ(l.find("net-pci"), std::string::npos);
  m.network = Network::user;
  l = line(m);
  EXPECT_NE(l.find("-netdev user,id=net0 -device virtio-net-pci,netdev=net0"), std::string::npos);
  EXPECT_EQ(l.find("hostfwd"), std::string::npos);
}

TEST(QemuCommand, InteractiveConsoleCarriesTheMonitorAndExtraArgumentsComeLast) {
  Machine m = x86_machine();
  m.console = Console::serial_with_monitor;
  m.extra = {"-d", "guest_errors"};
  auto argv = qemu_command(m);
  EXPECT_EQ(after(argv, "-serial"), "mon:stdio");
  EXPECT_EQ(argv[argv.size() - 2], "-d");
  EXPECT_EQ(argv.back(), "guest_errors");
}

TEST(QemuCommand, CommasInPathsAreDoubled) {
  Machine m = x86_machine();
  m.os.file = "/a,b/os.qcow2";
  EXPECT_NE(line(m).find("file=/a,,b/os.qcow2"), std::string::npos);
}

TEST(QemuOverlay, BacksOntoTheImageInItsFormat) {
  EXPECT_EQ(process::command_text(overlay_command({"os", "/img/disk.img", "raw"}, "/w/os.qcow2")),
            "qemu-img create -q -f qcow2 -F raw -b /img/disk.img /w/os.qcow2");
  EXPECT_EQ(process::command_text(overlay_command({"os", "/img/disk.vmdk", "vmdk"}, "/w/os.qcow2")),
            "qemu-img create -q -f qcow2 -F vmdk -b /img/disk.vmdk /w/os.qcow2");
}

TEST(QemuAccel, KvmOnlyForTheHostArchWhenUsable) {
  EXPECT_EQ(choose_accel(Arch::x86_64, Arch::x86_64, true, KvmMode::automatic), Accel::kvm);
  EXPECT_EQ(choose_accel(Arch::x86_64, Arch::x86_64, false, KvmMode::automatic), Accel::tcg);
  EXPECT_EQ(choose_accel(Arch::aarch64, Arch::x86_64, true, KvmMode::automatic), Accel::tcg);
  EXPECT_EQ(choose_accel(Arch::x86_64, Arch::x86_64, true, KvmMode::no), Accel::tcg);
  EXPECT_EQ(choose_accel(Arch::x86_64, Arch::x86_64, true, KvmMode::yes), Accel::kvm);
  EXPECT_THROW(choose_accel(Arch::aarch64, Arch::x86_64, true, KvmMode::yes), Error);
  EXPECT_THROW(choose_accel(Arch::x86_64, Arch::x86_64, false, KvmMode::yes), Error);
}

TEST(QemuAccel, KvmModeParses) {
  EXPECT_EQ(parse_kvm_mode("auto", "x"), KvmMode::automatic);
  EXPECT_EQ(parse_kvm_mode("Yes", "x"), KvmMode::yes);
  EXPECT_EQ(parse_kvm_mode("off", "x"), KvmMode::no);
  EXPECT_THROW(parse_kvm_mode("maybe", "--kvm"), UsageError);
}

TEST(QemuRun, JudgesTheRunOfACiBoot) {
  process::Result ok;
  EXPECT_EQ(judge_run(ok, true, "hello", std::chrono::seconds(60)), std::nullopt);
  auto problem = judge_run(ok, false, "hello", std::chrono::seconds(60));
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem, "the guest powered off without 'hello' appearing on the console");
  process::Result timed_out;
  timed_out.timed_out = true;
  timed_out.exit_code = 143;
  EXPECT_EQ(*judge_run(timed_out, false, "hello", std::chrono::seconds(60)),
            "'hello' did not appear on the console within 60 s");
  EXPECT_EQ(*judge_run(timed_out, true, "hello", std::chrono::seconds(60)),
            "the console showed 'hello' but the guest did not power off within 60 s");
  process::Result failed;
  failed.exit_code = 1;
  EXPECT_EQ(*judge_run(failed, false, "hello", std::chrono::seconds(60)),
            "QEMU exited with status 1 before the console showed 'hello'");
}

TEST(QemuRun, ConsoleLinesLoseEscapesAndCarriageReturns) {
  EXPECT_EQ(plain_console_line("\x1b[2J\x1b[01;01HBdsDxe: loading\r"), "BdsDxe: loading");
  EXPECT_EQ(plain_console_line("\x1b"
                               "cplain"),
            "plain");
  EXPECT_EQ(plain_console_line("tab\tkept"), "tab\tkept");
}

TEST(QemuFiles, SparseCopyKeepsTheBytesAndTheSize) {
  TempDir dir;
  std::string data(200000, '\0');
  data.replace(100000, 5, "VARS!");
  data.back() = 'x';
  write_file_atomic(dir.path() / "in", data);
  copy_sparse_file(dir.path() / "in", dir.path() / "out");
  EXPECT_EQ(read_file(dir.path() / "out").value(), data);
}

}  // namespace
}  // namespace osbuild::vm
