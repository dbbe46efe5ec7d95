#pragma once
// The EFI system partition of bank A (docs/boot.md): GRUB made by grub-mkimage from Debian's
// modules as \EFI\BOOT\BOOTX64.EFI (BOOTAA64.EFI), the A/B selector \EFI\BOOT\grub.cfg, and the
// boot-state record \EFI\BOOT\grubenv, in a FAT image made reproducibly with mkfs.fat and mtools.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "osbuild/image/layout.h"
#include "osbuild/image/tools.h"
#include "osbuild/util/arch.h"
#include "osbuild/util/error.h"
#include "osbuild/util/json.h"

namespace osbuild::image {

// The modules built into the GRUB image: enough to read GPT, FAT and ext4, run the selector and
// load a kernel; no embedded configuration (GRUB's rescue parser knows no `if`).
const std::vector<std::string>& grub_modules();

// `x86_64-efi` or `arm64-efi`, and the file name UEFI firmware starts from removable media.
std::string grub_platform(Arch arch);
std::string efi_boot_file(Arch arch);

// The setting that names GRUB's module folder for `arch`, and the Debian package that fills it.
std::string grub_modules_setting(Arch arch);
std::string grub_debian_package(Arch arch);

// The module folder, checked: an Error naming the package to install when it lacks kernel.img.
std::filesystem::path checked_grub_modules(const std::filesystem::path& dir, Arch arch);

// {"path": dir, "sha256": one digest over kernel.img, moddep.lst and the modules used}: a new
// GRUB makes a new image.
Json grub_identity(const std::filesystem::path& dir);

// The A/B selector: reads grubenv, picks the first bank of boot_order that is good or has tries
// left (taking one), sets $root to its BOOT partition and $boot_uuid to that partition's GUID,
// then runs the BOOT partition's /grub/grub.cfg. Partition numbers come from the plan.
std::string grub_selector(const DiskPlan& plan);

struct EspRequest {
  std::filesystem::path out;  // the FAT image, made of the partition's size
  std::uint64_t size_bytes = 0;
  std::filesystem::path grub_modules;
  Arch arch = Arch::x86_64;
  std::string volume_id;  // 8 hex digits
  std::string selector;   // grub.cfg
  std::string grubenv;    // 1024 bytes
  std::filesystem::path work;
};

void make_esp(const EspRequest& req, Tools& tools);

}  // namespace osbuild::image
