#pragma once
// The partition plan: Bottlerocket's partyplanner, scaled from GiB to the MiB that
// `os-image-size-mib` gives. Per GiB of OS image: BOOT 20 MiB, ROOT 460, HASH 5, RESERVED 15
// (less the 5 MiB EFI partition of its bank), PRIVATE 24 (less the GPT and BIOS-BOOT); the
// rounding left over goes to PRIVATE. Partitions start on MiB boundaries.
//
//   BIOS-BOOT | EFI BOOT-A ROOT-A HASH-A RESERVED-A | EFI-BACKUP BOOT-B … RESERVED-B | PRIVATE |
//   DATA
//
// One bank (in-place-updates = false) doubles each partition of the bank. `split` puts a 1 MiB
// DATA on the OS disk (the fallback type) and the real one on a second disk; `unified` appends
// `data-image-size-mib` of DATA to the OS disk.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/config/model.h"
#include "osbuild/image/gpt.h"

namespace osbuild::image {

enum class PartitionRole { bios_boot, efi, boot, root, hash, reserved, private_, data };

struct PlannedPartition {
  std::string name;  // GPT label: BOTTLEROCKET-ROOT-A, …
  PartitionRole role = PartitionRole::data;
  char bank = 0;  // 'A', 'B' or 0 for partitions outside the banks
  Guid type;
  std::uint64_t start_mib = 0;
  std::uint64_t size_mib = 0;
  std::uint64_t attributes = 0;
};

struct DiskPlan {
  std::uint64_t size_mib = 0;
  std::vector<PlannedPartition> partitions;
  const PlannedPartition& find(PartitionRole role, char bank = 'A') const;
};

struct ImagePlan {
  DiskPlan os;
  std::optional<DiskPlan> data;  // the second disk of the split plan
};

// The plan for these settings, or a failure that says which partition does not fit and the
// smallest os-image-size-mib / data-image-size-mib that works.
Result<ImagePlan> plan_image(const config::ImageSettings& settings);

// The GPT of a planned disk; partition and disk GUIDs derived from `seed` and the label.
GptDisk gpt_for(const DiskPlan& plan, const std::string& seed, const std::string& disk_label);
Guid partition_guid(const std::string& seed, const std::string& disk_label,
                    const std::string& name);

// Bottlerocket's partition type GUIDs.
namespace types {
Guid bios_boot();
Guid efi_system();
Guid efi_backup();  // Bottlerocket's placeholder for the unformatted EFI-BACKUP
Guid boot();
Guid root();
Guid hash();
Guid reserved();
Guid private_();
Guid data();
Guid data_fallback();
}  // namespace types

}  // namespace osbuild::image
