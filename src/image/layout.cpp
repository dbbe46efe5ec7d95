#include "osbuild/image/layout.h"

#include <fmt/format.h>

namespace osbuild::image {

namespace {

constexpr std::uint64_t k_mib_sectors = (1 << 20) / k_sector_size;
constexpr std::uint64_t k_gpt_mib = 1;  // at each end
constexpr std::uint64_t k_bios_mib = 4;
constexpr std::uint64_t k_efi_mib = 5;  // per bank
constexpr std::uint64_t k_split_data_a_mib = 1;

Guid guid(const char* text) {
  return Guid::parse(text).value_or_throw("built-in GUID");
}

std::int64_t scaled(std::uint64_t os_mib, std::int64_t per_gib) {
  return static_cast<std::int64_t>(os_mib) * per_gib / 1024;
}

struct BankSizes {
  std::int64_t boot, root, hash, reserved, efi;
};

BankSizes bank_sizes(std::uint64_t os_mib, int factor) {
  return {factor * scaled(os_mib, 20), factor * scaled(os_mib, 460), factor * scaled(os_mib, 5),
          factor * (scaled(os_mib, 15) - static_cast<std::int64_t>(k_efi_mib)),
          factor * static_cast<std::int64_t>(k_efi_mib)};
}

// What does not fit with these settings, or empty.
std::string misfit(const config::ImageSettings& s) {
  int banks = s.in_place_updates ? 2 : 1;
  BankSizes b = bank_sizes(s.os_image_size_mib, 3 - banks);
  std::int64_t data_a = s.partition_plan == config::PartitionPlan::split
                            ? static_cast<std::int64_t>(k_split_data_a_mib)
                            : static_cast<std::int64_t>(s.data_image_size_mib);
  std::int64_t used =
      2 * k_gpt_mib + k_bios_mib + banks * (b.efi + b.boot + b.root + b.hash + b.reserved);
  std::int64_t os_private = static_cast<std::int64_t>(s.os_image_size_mib) - used -
                            (s.partition_plan == config::PartitionPlan::split ? data_a : 0);
  const std::pair<const char*, std::int64_t> parts[] = {{"BOOT", b.boot},
                                                        {"ROOT", b.root},
                                                        {"HASH", b.hash},
                                                        {"RESERVED", b.reserved},
                                                        {"PRIVATE", os_private}};
  for (const auto& [name, mib] : parts) {
    if (mib < 1) return fmt::format("{} would get {} MiB", name, mib);
  }
  if (s.partition_plan == config::PartitionPlan::split &&
      s.data_image_size_mib < 2 * k_gpt_mib + 1) {
    return fmt::format("DATA would get {} MiB",
                       static_cast<std::int64_t>(s.data_image_size_mib) - 2);
  }
  return {};
}

void add(DiskPlan& plan, std::uint64_t& at, std::string name, PartitionRole role, char bank,
         Guid type, std::uint64_t mib, std::uint64_t attributes = 0) {
  plan.partitions.push_back({std::move(name), role, bank, type, at, mib, attributes});
  at += mib;
}

void add_bank(DiskPlan& plan, std::uint64_t& at, const BankSizes& b, char bank) {
  std::string s(1, bank);
  // EFI-BACKUP gets a placeholder type, as partyplanner gives it, so that firmware never takes
  // it for a second EFI system partition.
  add(plan, at, bank == 'A' ? "EFI-SYSTEM" : "EFI-BACKUP", PartitionRole::efi, bank,
      bank == 'A' ? types::efi_system() : types::efi_backup(), static_cast<std::uint64_t>(b.efi));
  // Bank A boots first: priority 1, marked successful (Bottlerocket's `-A set:48 -A set:56`).
  add(plan, at, "BOTTLEROCKET-BOOT-" + s, PartitionRole::boot, bank, types::boot(),
      static_cast<std::uint64_t>(b.boot), bank == 'A' ? gptprio_attributes(1, 0, true) : 0);
  add(plan, at, "BOTTLEROCKET-ROOT-" + s, PartitionRole::root, bank, types::root(),
      static_cast<std::uint64_t>(b.root));
  add(plan, at, "BOTTLEROCKET-HASH-" + s, PartitionRole::hash, bank, types::hash(),
      static_cast<std::uint64_t>(b.hash));
  add(plan, at, "BOTTLEROCKET-RESERVED-" + s, PartitionRole::reserved, bank, types::reserved(),
      static_cast<std::uint64_t>(b.reserved));
}

}  // namespace

namespace types {
Guid bios_boot() {
  return guid("21686148-6449-6e6f-744e-656564454649");
}
Guid efi_system() {
  return guid("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
}
Guid efi_backup() {
  return guid("b39ce39c-0a00-b4ab-2d11-f18f8237a21c");
}
Guid boot() {
  return guid("6b636168-7420-6568-2070-6c616e657421");
}
Guid root() {
  return guid("5526016a-1a97-4ea4-b39a-b7c8c6ca4502");
}
Guid hash() {
  return guid("598f10af-c955-4456-6a99-7720068a6cea");
}
Guid reserved() {
  return guid("0c5d99a5-d331-4147-baef-08e2b855bdc9");
}
Guid private_() {
  return guid("440408bb-eb0b-4328-a6e5-a29038fad706");
}
Guid data() {
  return guid("626f7474-6c65-6474-6861-726d61726b73");
}
Guid data_fallback() {
  return guid("69040874-417d-4e26-a764-7885f22007ea");
}
}  // namespace types

const PlannedPartition& DiskPlan::find(PartitionRole role, char bank) const {
  for (const auto& p : partitions) {
    if (p.role == role && (p.bank == bank || p.bank == 0)) return p;
  }
  throw Error("internal: the plan has no such partition");
}

Result<ImagePlan> plan_image(const config::ImageSettings& s) {
  if (auto why = misfit(s); !why.empty()) {
    config::ImageSettings probe = s;
    std::uint32_t mib = s.os_image_size_mib;
    while (!misfit(probe).empty() && probe.os_image_size_mib < (1u << 20)) {
      probe.os_image_size_mib = ++mib;
      if (why.rfind("DATA", 0) == 0) probe.data_image_size_mib = 2 * k_gpt_mib + 1;
    }
    if (why.rfind("DATA", 0) == 0) {
      return Failure{
          fmt::format("data-image-size-mib = {} is too small: {}; it must be at least {}",
                      s.data_image_size_mib, why, 2 * k_gpt_mib + 1)};
    }
    return Failure{
        fmt::format("os-image-size-mib = {} is too small for the partition plan: {}; "
                    "it must be at least {}",
                    s.os_image_size_mib, why, probe.os_image_size_mib)};
  }
  bool split = s.partition_plan == config::PartitionPlan::split;
  int banks = s.in_place_updates ? 2 : 1;
  BankSizes b = bank_sizes(s.os_image_size_mib, 3 - banks);
  ImagePlan plan;
  plan.os.size_mib = s.os_image_size_mib + (split ? 0 : s.data_image_size_mib);
  std::uint64_t at = k_gpt_mib;
  add(plan.os, at, "BIOS-BOOT", PartitionRole::bios_boot, 0, types::bios_boot(), k_bios_mib);
  add_bank(plan.os, at, b, 'A');
  if (banks == 2) add_bank(plan.os, at, b, 'B');
  std::uint64_t data_a = split ? k_split_data_a_mib : s.data_image_size_mib;
  add(plan.os, at, "BOTTLEROCKET-PRIVATE", PartitionRole::private_, 0, types::private_(),
      plan.os.size_mib - k_gpt_mib - data_a - at);
  add(plan.os, at, "BOTTLEROCKET-DATA", PartitionRole::data, 0,
      split ? types::data_fallback() : types::data(), data_a);
  if (split) {
    DiskPlan data;
    data.size_mib = s.data_image_size_mib;
    std::uint64_t d = k_gpt_mib;
    add(data, d, "BOTTLEROCKET-DATA", PartitionRole::data, 0, types::data(),
        s.data_image_size_mib - 2 * k_gpt_mib);
    plan.data = std::move(data);
  }
  return plan;
}

Guid partition_guid(const std::string& seed, const std::string& disk_label,
                    const std::string& name) {
  return derive_guid(seed, "partition:" + disk_label + ":" + name);
}

GptDisk gpt_for(const DiskPlan& plan, const std::string& seed, const std::string& disk_label) {
  GptDisk disk;
  disk.size_bytes = plan.size_mib << 20;
  disk.disk_guid = derive_guid(seed, "disk:" + disk_label);
  for (const auto& p : plan.partitions) {
    disk.partitions.push_back({p.name, p.type, partition_guid(seed, disk_label, p.name),
                               p.start_mib * k_mib_sectors,
                               (p.start_mib + p.size_mib) * k_mib_sectors - 1, p.attributes});
  }
  return disk;
}

}  // namespace osbuild::image
