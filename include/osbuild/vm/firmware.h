#pragma once
// UEFI firmware for a VM: the code and the variable-store template, found the way QEMU's own
// tools find them, through the firmware descriptors (QEMU's docs/interop/firmware.json) in
// /etc/qemu/firmware and /usr/share/qemu/firmware, with Debian's well-known paths as the fallback.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/util/arch.h"
#include "osbuild/util/json.h"

namespace osbuild::vm {

namespace fs = std::filesystem;

struct Firmware {
  fs::path code;               // mapped read-only as pflash unit 0
  fs::path vars_template;      // copied; the copy is pflash unit 1
  std::string format = "raw";  // of both files
  std::string source;          // where it came from: a descriptor, a setting, "built-in path"
};

// The firmware a descriptor describes when it fits a plain UEFI boot on `arch`: interface uefi,
// a flash mapping with an executable and an nvram template, a target of that architecture, and
// none of the features secure-boot, requires-smm or enrolled-keys. nullopt otherwise.
std::optional<Firmware> parse_firmware_descriptor(const Json& doc, Arch arch, const fs::path& path);

// The folders QEMU searches for descriptors, most important first.
std::vector<fs::path> default_descriptor_dirs();

// The first fitting descriptor: files from all folders in the order of their names, a name in an
// earlier folder hiding the same name in a later one (as QEMU's firmware.json specifies). A
// descriptor whose files are missing is passed over.
std::optional<Firmware> find_firmware_descriptor(Arch arch, const std::vector<fs::path>& dirs);

// Debian's paths (packages ovmf and qemu-efi-aarch64), for a system without descriptors.
Firmware builtin_firmware(Arch arch);

// The firmware of a setting's value (qemu.firmware-<arch>): a descriptor (.json), or the code
// file, whose template is the file of the same name with CODE (code) turned into VARS (vars).
// Throws naming `setting` when the files are not there.
Firmware firmware_from_setting(const fs::path& value, Arch arch, const std::string& setting);

// The firmware to use: the setting when it is given (non-empty), else the first fitting
// descriptor, else the built-in paths. Throws naming the package to install when no files exist.
Firmware resolve_firmware(Arch arch, const fs::path& setting_value, const std::string& setting,
                          const std::vector<fs::path>& dirs);

// The Debian package that ships the firmware of `arch`.
const char* firmware_package(Arch arch);

}  // namespace osbuild::vm
