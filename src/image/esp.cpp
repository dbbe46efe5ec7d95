#include "osbuild/image/esp.h"

#include <fmt/format.h>

#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"

namespace osbuild::image {

namespace fs = std::filesystem;

const std::vector<std::string>& grub_modules() {
  static const std::vector<std::string> modules = {
      "configfile", "echo",  "ext2",   "fat",  "part_gpt", "linux", "normal", "reboot",
      "halt",       "sleep", "search", "probe", "regexp",  "test",  "loadenv"};
  return modules;
}

std::string grub_platform(Arch arch) {
  return arch == Arch::x86_64 ? "x86_64-efi" : "arm64-efi";
}

std::string efi_boot_file(Arch arch) {
  return arch == Arch::x86_64 ? "BOOTX64.EFI" : "BOOTAA64.EFI";
}

std::string grub_modules_setting(Arch arch) {
  return fmt::format("image.grub-{}-modules", arch_name(arch));
}

std::string grub_debian_package(Arch arch) {
  return arch == Arch::x86_64 ? "grub-efi-amd64-bin" : "grub-efi-arm64-bin:arm64";
}

fs::path checked_grub_modules(const fs::path& dir, Arch arch) {
  std::error_code ec;
  if (fs::is_regular_file(dir / "kernel.img", ec)) return dir;
  std::string install = arch == Arch::x86_64
                            ? "apt-get install grub-efi-amd64-bin grub-common"
                            : "dpkg --add-architecture arm64 && apt-get update && apt-get install "
                              "grub-efi-arm64-bin:arm64";
  throw Error(fmt::format("GRUB's {} modules are not in {} (no kernel.img there)",
                          grub_platform(arch), dir.string()),
              fmt::format("install {} ({}), or point {} (OSBUILD_GRUB_{}_MODULES) at a folder "
                          "that holds them",
                          grub_debian_package(arch), install, grub_modules_setting(arch),
                          arch == Arch::x86_64 ? "X86_64" : "AARCH64"));
}

Json grub_identity(const fs::path& dir) {
  std::string digests;
  std::vector<std::string> files = {"kernel.img", "moddep.lst"};
  for (const auto& m : grub_modules()) files.push_back(m + ".mod");
  for (const auto& f : files) {
    auto digest = hash_file(dir / f, HashAlgorithm::sha256);
    digests += f + " " + (digest.ok() ? digest.value() : "missing") + "\n";
  }
  return {{"path", dir.string()}, {"sha256", sha256_hex(digests)}};
}

namespace {

std::size_t number_of(const DiskPlan& plan, PartitionRole role, char bank) {
  for (std::size_t i = 0; i < plan.partitions.size(); ++i) {
    const auto& p = plan.partitions[i];
    if (p.role == role && p.bank == bank) return i + 1;
  }
  return 0;
}

std::vector<char> banks_of(const DiskPlan& plan) {
  std::vector<char> banks;
  for (char b : {'A', 'B'}) {
    if (number_of(plan, PartitionRole::boot, b) != 0) banks.push_back(b);
  }
  return banks;
}

// GRUB script has no arithmetic: one line per number of tries left takes one.
std::string pick_bank(char bank, bool first) {
  std::string out =
      fmt::format("  {} [ \"$b\" = {} ]; then\n", first ? "if" : "elif", bank);
  out += fmt::format("    if [ \"${0}_ok\" = 1 ]; then set bank={0}; break; fi\n", bank);
  for (int tries = 3; tries >= 1; --tries) {
    out += fmt::format(
        "    if [ \"${0}_tries\" = {1} ]; then set {0}_tries={2}; set bank={0}; break; fi\n", bank,
        tries, tries - 1);
  }
  return out;
}

}  // namespace

std::string grub_selector(const DiskPlan& plan) {
  std::vector<char> banks = banks_of(plan);
  std::size_t esp = number_of(plan, PartitionRole::efi, 'A');
  std::string keys = "boot_order";
  std::string tries;
  std::string order;
  for (char b : banks) order += order.empty() ? std::string(1, b) : std::string(" ") + b;
  std::string defaults = fmt::format("set boot_order=\"{}\"", order);
  for (char b : banks) {
    keys += fmt::format(" {0}_ok {0}_tries", b);
    tries += fmt::format(" {}_tries", b);
    defaults += fmt::format("; set {0}_ok={1}; set {0}_tries=0", b, b == 'A' ? 1 : 0);
  }
  std::string out =
      "# The A/B selector (docs/boot.md): the first bank of boot_order that is good or has tries\n"
      "# left boots; a try is taken before it boots. grubenv is the record of this choice.\n"
      "set timeout=0\n"
      "regexp --set=1:disk '^\\(([^,)]+)' \"$cmdpath\"\n";
  out += fmt::format("set envfile=\"($disk,gpt{})/EFI/BOOT/grubenv\"\n", esp);
  out += defaults + "\n";
  out += fmt::format("if [ -s \"$envfile\" ]; then load_env --file \"$envfile\" {}; fi\n", keys);
  out += "set bank=\"\"\nfor b in $boot_order; do\n";
  for (std::size_t i = 0; i < banks.size(); ++i) out += pick_bank(banks[i], i == 0);
  out += "  fi\ndone\n";
  out += fmt::format("if [ -s \"$envfile\" ]; then save_env --file \"$envfile\"{}; fi\n", tries);
  for (char b : banks) {
    out += fmt::format("if [ \"$bank\" = {} ]; then set root=\"($disk,gpt{})\"; fi\n", b,
                       number_of(plan, PartitionRole::boot, b));
  }
  out +=
      "if [ -z \"$bank\" ]; then echo \"osbuild: no bootable bank\"; sleep 30; reboot; fi\n"
      "probe --set=boot_uuid --part-uuid \"$root\"\n"
      "export boot_uuid\n"
      "configfile /grub/grub.cfg\n"
      "echo \"osbuild: boot of bank $bank failed\"; sleep 30; reboot\n";
  return out;
}

void make_esp(const EspRequest& req, Tools& tools) {
  fs::create_directories(req.work);
  fs::path efi = req.work / efi_boot_file(req.arch);
  std::vector<std::string> mkimage = {"grub-mkimage", "-d", req.grub_modules.string(), "-O",
                                      grub_platform(req.arch), "-p", "/EFI/BOOT", "-o",
                                      efi.string()};
  mkimage.insert(mkimage.end(), grub_modules().begin(), grub_modules().end());
  tools.run(mkimage);
  write_file_atomic(req.work / "grub.cfg", req.selector, Durability::cache);
  write_file_atomic(req.work / "grubenv", req.grubenv, Durability::cache);
  fs::remove(req.out);
  tools.run({"mkfs.fat", "--invariant", "-i", req.volume_id, "-n", "EFI-SYSTEM", "-C",
             req.out.string(), std::to_string(req.size_bytes / 1024)});
  std::string image = req.out.string();
  tools.run({"mmd", "-i", image, "::/EFI", "::/EFI/BOOT"});
  for (const auto& name : {efi_boot_file(req.arch), std::string("grub.cfg"), std::string("grubenv")}) {
    tools.run({"mcopy", "-i", image, (req.work / name).string(), "::/EFI/BOOT/" + name});
  }
}

}  // namespace osbuild::image
