#include "osbuild/image/boot_state.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "osbuild/image/fat.h"
#include "osbuild/image/gpt.h"
#include "osbuild/image/layout.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"

namespace osbuild::image {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_grubenv_header = "# GRUB Environment Block\n";
constexpr const char* k_grubenv_path = "EFI/BOOT/grubenv";

bool is_bank_key(const std::string& key, std::string_view suffix) {
  return key.size() == 1 + suffix.size() && std::isupper(static_cast<unsigned char>(key[0])) &&
         key.compare(1, std::string::npos, suffix) == 0;
}

std::vector<char> order_of(const BootState& state) {
  std::vector<char> order;
  auto it = state.find("boot_order");
  if (it == state.end()) return order;
  for (const auto& word : split(it->second, ' ')) {
    if (word.size() == 1) order.push_back(word[0]);
  }
  return order;
}

std::string order_text(const std::vector<char>& order) {
  std::string out;
  for (char b : order) out += out.empty() ? std::string(1, b) : std::string(" ") + b;
  return out;
}

void require_bank(const BootState& state, char bank) {
  auto banks = banks_of(state);
  if (std::find(banks.begin(), banks.end(), bank) == banks.end()) {
    throw UsageError(fmt::format("the boot-state record has no bank {} (banks: {})",
                                 std::string(1, bank), order_text(banks)));
  }
}

// The EFI system partition of the primary GPT: number, first byte, size.
GrubenvLocation find_esp(int fd, const fs::path& disk) {
  const ReadGpt gpt = read_gpt(fd, disk.string());  // kept: `esp` points into it
  const ReadPartition* esp = gpt.find_type(types::efi_system());
  if (esp == nullptr) {
    throw Error(fmt::format("{} has no EFI system partition", disk.string()),
                "make the disk with `osbuild image`, which puts GRUB and grubenv on EFI-SYSTEM");
  }
  GrubenvLocation loc;
  loc.esp_number = esp->number;
  loc.esp_offset = esp->offset();
  loc.esp_size = esp->size();
  return loc;
}

}  // namespace

BootState initial_boot_state(const std::vector<char>& banks) {
  BootState state{{"boot_order", order_text(banks)}};
  for (char b : banks) {
    state[std::string(1, b) + "_ok"] = b == 'A' ? "1" : "0";
    state[std::string(1, b) + "_tries"] = "0";
  }
  return state;
}

std::string format_grubenv(const BootState& state) {
  std::string out(k_grubenv_header);
  for (const auto& [key, value] : state) out += key + "=" + value + "\n";
  if (out.size() > k_grubenv_size) {
    throw Error(fmt::format("the boot-state record needs {} bytes; GRUB's block holds {}",
                            out.size(), k_grubenv_size));
  }
  out.append(k_grubenv_size - out.size(), '#');
  return out;
}

Result<BootState> parse_grubenv(std::string_view block) {
  if (block.size() != k_grubenv_size) {
    return Failure{fmt::format("grubenv is {} bytes, not {}", block.size(), k_grubenv_size)};
  }
  if (block.substr(0, k_grubenv_header.size()) != k_grubenv_header) {
    return Failure{"grubenv does not start with \"# GRUB Environment Block\""};
  }
  BootState state;
  for (const auto& line : split(std::string(block.substr(k_grubenv_header.size())), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) return Failure{"grubenv has a line without '=': " + line};
    state[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return state;
}

std::vector<char> banks_of(const BootState& state) {
  std::vector<char> banks;
  for (const auto& [key, value] : state) {
    if (is_bank_key(key, "_ok")) banks.push_back(key[0]);
  }
  return banks;
}

Result<BootState> set_boot_key(BootState state, const std::string& key, const std::string& value) {
  auto banks = banks_of(state);
  if (key == "boot_order") {
    std::vector<char> order;
    for (const auto& word : split(value, ' ')) {
      if (word.empty()) continue;
      bool known = word.size() == 1 && std::count(banks.begin(), banks.end(), word[0]) == 1;
      if (!known || std::count(order.begin(), order.end(), word[0]) != 0) {
        return Failure{fmt::format("boot_order = \"{}\": expected the banks {} in some order",
                                   value, order_text(banks))};
      }
      order.push_back(word[0]);
    }
    if (order.empty()) return Failure{"boot_order is empty: no bank would boot"};
    state[key] = order_text(order);
    return state;
  }
  bool ok_key = is_bank_key(key, "_ok");
  bool tries_key = is_bank_key(key, "_tries");
  if ((!ok_key && !tries_key) || std::count(banks.begin(), banks.end(), key[0]) == 0) {
    std::string keys = "boot_order";
    for (char b : banks) keys += fmt::format(", {0}_ok, {0}_tries", b);
    return Failure{fmt::format("no boot-state key {}; the keys are {}", key, keys)};
  }
  bool valid = ok_key ? (value == "0" || value == "1")
                      : (value.size() == 1 && value[0] >= '0' && value[0] <= '3');
  if (!valid) {
    return Failure{fmt::format("{} = \"{}\": expected {}", key, value,
                               ok_key ? "0 or 1" : "0, 1, 2 or 3 (the selector counts down)")};
  }
  state[key] = value;
  return state;
}

BootState prefer_bank(BootState state, char bank) {
  require_bank(state, bank);
  std::vector<char> order = {bank};
  for (char b : order_of(state)) {
    if (b != bank) order.push_back(b);
  }
  for (char b : banks_of(state)) {
    if (std::count(order.begin(), order.end(), b) == 0) order.push_back(b);
  }
  state["boot_order"] = order_text(order);
  return state;
}

BootState try_bank(BootState state, char bank) {
  state = prefer_bank(std::move(state), bank);
  state[std::string(1, bank) + "_ok"] = "0";
  state[std::string(1, bank) + "_tries"] = "1";
  return state;
}

BootState mark_good(BootState state, char bank) {
  require_bank(state, bank);
  state[std::string(1, bank) + "_ok"] = "1";
  return state;
}

namespace {

char bank_letter(const std::string& text, const char* flag) {
  if (text.size() != 1 || !std::isalpha(static_cast<unsigned char>(text[0]))) {
    throw UsageError(fmt::format("{} {}: expected a bank letter, A or B", flag, text));
  }
  return static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
}

}  // namespace

BootState apply_changes(BootState state, const BootStateChanges& changes) {
  if (!changes.try_bank.empty()) state = try_bank(std::move(state), bank_letter(changes.try_bank, "--try"));
  if (!changes.prefer.empty()) state = prefer_bank(std::move(state), bank_letter(changes.prefer, "--prefer"));
  if (!changes.mark_good.empty()) {
    state = mark_good(std::move(state), bank_letter(changes.mark_good, "--mark-good"));
  }
  for (const auto& assignment : changes.set) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos) {
      throw UsageError(fmt::format("--set {}: expected KEY=VALUE", assignment),
                       "for example --set B_tries=1");
    }
    auto next = set_boot_key(std::move(state), assignment.substr(0, eq), assignment.substr(eq + 1));
    if (!next.ok()) throw UsageError("--set " + assignment + ": " + next.error());
    state = std::move(next).value();
  }
  return state;
}

std::string boot_state_text(const BootState& state) {
  std::string out;
  for (const auto& [key, value] : state) out += key + "=" + value + "\n";
  Json j = boot_state_json(state);
  out += j["next"].is_null() ? "next boot: no bank is bootable\n"
                             : "next boot: bank " + j["next"].get<std::string>() + "\n";
  return out;
}

Json boot_state_json(const BootState& state) {
  Json out = Json::object();
  for (const auto& [key, value] : state) out[key] = value;
  // The bank the selector would boot next, as grub.cfg decides it.
  std::string next;
  for (char b : order_of(state)) {
    std::string s(1, b);
    auto ok = state.find(s + "_ok");
    auto tries = state.find(s + "_tries");
    if ((ok != state.end() && ok->second == "1") ||
        (tries != state.end() && tries->second != "0" && !tries->second.empty())) {
      next = s;
      break;
    }
  }
  out["next"] = next.empty() ? Json() : Json(next);
  return out;
}

GrubenvLocation locate_grubenv(const fs::path& disk) {
  Fd fd{::open(disk.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) throw Error(fmt::format("cannot open {}: {}", disk.string(), std::strerror(errno)));
  GrubenvLocation loc = find_esp(fd.fd, disk);
  auto file = locate_fat_file(fd.fd, loc.esp_offset, loc.esp_size, k_grubenv_path);
  if (!file.ok()) {
    throw Error(fmt::format("{}: no /{} on the EFI system partition (partition {}): {}",
                            disk.string(), k_grubenv_path, loc.esp_number, file.error()),
                "make the disk with `osbuild image`, which writes the boot-state record");
  }
  loc.file_size = file.value().size;
  for (auto [at, length] : file.value().extents) loc.extents.emplace_back(loc.esp_offset + at, length);
  if (loc.file_size != k_grubenv_size) {
    throw Error(fmt::format("{}: /{} is {} bytes; GRUB's environment block is {}", disk.string(),
                            k_grubenv_path, loc.file_size, k_grubenv_size));
  }
  return loc;
}

BootState read_boot_state(const fs::path& disk) {
  GrubenvLocation loc = locate_grubenv(disk);
  Fd fd{::open(disk.c_str(), O_RDONLY | O_CLOEXEC)};
  std::string block;
  for (auto [at, length] : loc.extents) block += pread_exact(fd.fd, at, length, disk.string());
  return parse_grubenv(block).value_or_throw(disk.string() + ": /" + k_grubenv_path);
}

void write_boot_state(const fs::path& disk, const BootState& state) {
  std::string block = format_grubenv(state);
  GrubenvLocation loc = locate_grubenv(disk);
  Fd fd{::open(disk.c_str(), O_WRONLY | O_CLOEXEC)};
  if (fd.fd < 0) throw Error(fmt::format("cannot write {}: {}", disk.string(), std::strerror(errno)));
  std::size_t done = 0;
  for (auto [at, length] : loc.extents) {
    if (::pwrite(fd.fd, block.data() + done, length, static_cast<off_t>(at)) !=
        static_cast<ssize_t>(length)) {
      throw Error(fmt::format("cannot write {}: {}", disk.string(), std::strerror(errno)));
    }
    done += length;
  }
  if (::fsync(fd.fd) != 0) {
    throw Error(fmt::format("cannot sync {}: {}", disk.string(), std::strerror(errno)));
  }
}

}  // namespace osbuild::image
