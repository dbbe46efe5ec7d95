// Finding UEFI firmware through QEMU's firmware descriptors (docs/interop/firmware.json in QEMU).
#include "osbuild/vm/firmware.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"

namespace osbuild::vm {

namespace {

bool contains(const Json& list, std::string_view value) {
  if (!list.is_array()) return false;
  return std::any_of(list.begin(), list.end(),
                     [&](const Json& v) { return v.is_string() && v.get<std::string>() == value; });
}

bool targets_arch(const Json& targets, Arch arch) {
  if (!targets.is_array()) return false;
  return std::any_of(targets.begin(), targets.end(), [&](const Json& t) {
    return t.is_object() && t.value("architecture", "") == arch_name(arch);
  });
}

std::string file_of(const Json& mapping, const char* key, std::string& format) {
  if (!mapping.contains(key) || !mapping[key].is_object()) return "";
  const Json& f = mapping[key];
  format = f.value("format", "raw");
  return f.value("filename", "");
}

bool files_exist(const Firmware& f) {
  std::error_code ec;
  return fs::is_regular_file(f.code, ec) && fs::is_regular_file(f.vars_template, ec);
}

// OVMF_CODE_4M.fd → OVMF_VARS_4M.fd, edk2-x86_64-code.fd → edk2-x86_64-vars.fd.
fs::path vars_beside(const fs::path& code) {
  std::string name = code.filename().string();
  for (const char* word : {"CODE", "code"}) {
    auto at = name.rfind(word);
    if (at != std::string::npos) {
      name.replace(at, 4, word[0] == 'C' ? "VARS" : "vars");
      return code.parent_path() / name;
    }
  }
  return {};
}

std::vector<std::string> shown_dirs(const std::vector<fs::path>& dirs) {
  std::vector<std::string> out;
  for (const auto& d : dirs) out.push_back(d.string());
  return out;
}

}  // namespace

std::optional<Firmware> parse_firmware_descriptor(const Json& doc, Arch arch,
                                                  const fs::path& path) {
  if (!doc.is_object() || !contains(doc.value("interface-types", Json()), "uefi")) {
    return std::nullopt;
  }
  const Json features = doc.value("features", Json::array());
  for (const char* unwanted : {"secure-boot", "requires-smm", "enrolled-keys"}) {
    if (contains(features, unwanted)) return std::nullopt;
  }
  if (!targets_arch(doc.value("targets", Json()), arch)) return std::nullopt;
  const Json mapping = doc.value("mapping", Json());
  if (!mapping.is_object() || mapping.value("device", "") != "flash") return std::nullopt;
  Firmware f;
  std::string vars_format;
  f.code = file_of(mapping, "executable", f.format);
  f.vars_template = file_of(mapping, "nvram-template", vars_format);
  if (f.code.empty() || f.vars_template.empty() || vars_format != f.format) return std::nullopt;
  f.source = path.string();
  return f;
}

std::vector<fs::path> default_descriptor_dirs() {
  std::vector<fs::path> dirs;
  if (const char* config = std::getenv("XDG_CONFIG_HOME"); config != nullptr && *config != '\0') {
    dirs.emplace_back(fs::path(config) / "qemu" / "firmware");
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    dirs.emplace_back(fs::path(home) / ".config" / "qemu" / "firmware");
  }
  dirs.emplace_back("/etc/qemu/firmware");
  dirs.emplace_back("/usr/share/qemu/firmware");
  return dirs;
}

std::optional<Firmware> find_firmware_descriptor(Arch arch, const std::vector<fs::path>& dirs) {
  std::map<std::string, fs::path> by_name;  // an earlier folder hides the same name later
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      if (entry.path().extension() == ".json" && by_name.count(name) == 0) {
        by_name.emplace(name, entry.path());
      }
    }
  }
  for (const auto& [name, path] : by_name) {
    auto text = read_file(path);
    if (!text.ok()) continue;
    Json doc = Json::parse(text.value(), nullptr, false);
    if (doc.is_discarded()) continue;
    auto f = parse_firmware_descriptor(doc, arch, path);
    if (f && files_exist(*f)) return f;
  }
  return std::nullopt;
}

Firmware builtin_firmware(Arch arch) {
  Firmware f;
  f.source = "built-in path";
  if (arch == Arch::aarch64) {
    f.code = "/usr/share/AAVMF/AAVMF_CODE.fd";
    f.vars_template = "/usr/share/AAVMF/AAVMF_VARS.fd";
  } else {
    f.code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
    f.vars_template = "/usr/share/OVMF/OVMF_VARS_4M.fd";
  }
  return f;
}

const char* firmware_package(Arch arch) {
  return arch == Arch::aarch64 ? "qemu-efi-aarch64" : "ovmf";
}

Firmware firmware_from_setting(const fs::path& value, Arch arch, const std::string& setting) {
  std::string hint = "fix or unset " + setting;
  if (value.extension() == ".json") {
    Json doc = Json::parse(read_file_or_throw(value), nullptr, false);
    auto f = parse_firmware_descriptor(doc, arch, value);
    if (!f) {
      throw Error(setting + ": " + value.string() + " is not a descriptor of UEFI firmware for " +
                      std::string(arch_name(arch)) + " without secure boot or SMM",
                  hint);
    }
    if (!files_exist(*f)) {
      throw Error(setting + ": " + value.string() + " names " + f->code.string() + " and " +
                      f->vars_template.string() + ", which are not both there",
                  hint);
    }
    return *f;
  }
  Firmware f{value, vars_beside(value), "raw", setting};
  if (!files_exist(f)) {
    throw Error(setting + ": no firmware code " + value.string() +
                    (f.vars_template.empty() ? " with CODE in its name"
                                             : " and variables " + f.vars_template.string()),
                hint + "; give a descriptor (.json) or a *CODE*.fd with its *VARS*.fd beside it");
  }
  return f;
}

Firmware resolve_firmware(Arch arch, const fs::path& setting_value, const std::string& setting,
                          const std::vector<fs::path>& dirs) {
  if (!setting_value.empty()) return firmware_from_setting(setting_value, arch, setting);
  if (auto f = find_firmware_descriptor(arch, dirs)) return *f;
  Firmware f = builtin_firmware(arch);
  if (!files_exist(f)) {
    throw Error("no UEFI firmware for " + std::string(arch_name(arch)) + ": no descriptor in " +
                    join(shown_dirs(dirs), ", ") + " fits, and " + f.code.string() + " is missing",
                "apt-get install " + std::string(firmware_package(arch)) + ", or set " + setting);
  }
  return f;
}

}  // namespace osbuild::vm
