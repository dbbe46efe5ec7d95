// image.json: what the repo stage publishes and what a person checks, in one document.
#include "job.h"
#include "osbuild/util/hash.h"

namespace osbuild::image {

namespace {

std::string role_name(PartitionRole role) {
  switch (role) {
    case PartitionRole::bios_boot:
      return "bios-boot";
    case PartitionRole::efi:
      return "efi";
    case PartitionRole::boot:
      return "boot";
    case PartitionRole::root:
      return "root";
    case PartitionRole::hash:
      return "hash";
    case PartitionRole::reserved:
      return "reserved";
    case PartitionRole::private_:
      return "private";
    case PartitionRole::data:
      return "data";
  }
  return "";
}

void add_partitions(Json& out, const DiskPlan& plan, const GptDisk& gpt, const std::string& disk) {
  for (std::size_t i = 0; i < gpt.partitions.size(); ++i) {
    const auto& p = gpt.partitions[i];
    Json entry = {{"disk", disk},
                  {"number", i + 1},
                  {"name", p.name},
                  {"role", role_name(plan.partitions[i].role)},
                  {"type-guid", p.type.str()},
                  {"guid", p.guid.str()},
                  {"first-lba", p.first_lba},
                  {"last-lba", p.last_lba},
                  {"offset", p.first_lba * k_sector_size},
                  {"size", (p.last_lba - p.first_lba + 1) * k_sector_size},
                  {"attributes", p.attributes}};
    if (plan.partitions[i].bank != 0) entry["bank"] = std::string(1, plan.partitions[i].bank);
    out.push_back(entry);
  }
}

}  // namespace

Json describe_image(const ImageJob& job, const MadeImage& made,
                    const std::map<std::string, std::string>& file_digests,
                    const std::string& key) {
  const auto& s = job.variant.image;
  Json files = Json::object();
  Json digests = Json::object();
  for (const char* role : {"disk", "data", "boot", "root", "verity", "sbom"}) {
    bool present = made.files.count(role) != 0;
    files[role] = present ? Json(output_name(job, role)) : Json(nullptr);
    if (present) digests[output_name(job, role)] = file_digests.at(role);
  }
  GptDisk os = gpt_for(job.plan.os, job.seed, "os");
  Json disks = {{"os", {{"guid", os.disk_guid.str()}, {"size", os.size_bytes}}}};
  Json partitions = Json::array();
  add_partitions(partitions, job.plan.os, os, "os");
  if (job.plan.data) {
    GptDisk data = gpt_for(*job.plan.data, job.seed, "data");
    disks["data"] = {{"guid", data.disk_guid.str()}, {"size", data.size_bytes}};
    add_partitions(partitions, *job.plan.data, data, "data");
  }
  Json packages = Json::array();
  for (const auto* pkg : job.closure) {
    packages.push_back({{"name", pkg->name},
                        {"version", pkg->version},
                        {"license", pkg->license},
                        {"artifact", pkg->artifact}});
  }
  return {{"name", job.os_name},
          {"variant", job.variant.name},
          {"arch", arch_name(job.arch)},
          {"version", job.version},
          {"source-date-epoch", job.epoch},
          {"key", key},
          {"format", config::image_format_name(s.format)},
          {"root-filesystem", config::root_filesystem_name(s.root_filesystem)},
          {"partition-plan", config::partition_plan_name(s.partition_plan)},
          {"in-place-updates", s.in_place_updates},
          {"os-image-size-mib", s.os_image_size_mib},
          {"data-image-size-mib", s.data_image_size_mib},
          {"files", files},
          {"sha256", digests},
          {"root-hash", made.verity.root_hash},
          {"salt", to_hex(made.verity_params.salt.data(), made.verity_params.salt.size())},
          {"verity",
           {{"version", 1},
            {"hash", "sha256"},
            {"data-block-size", k_verity_block_size},
            {"hash-block-size", k_verity_block_size},
            {"data-blocks", made.verity.data_blocks},
            {"hash-start-block", 1},
            {"uuid", made.verity_params.uuid.str()}}},
          {"sizes",
           {{"root-filesystem", made.root_bytes},
            {"verity", made.verity.hash_bytes},
            {"boot-filesystem", made.boot_bytes}}},
          {"kernel-command-line", made.kernel_command_line},
          {"boot-files", made.boot_files},
          {"disks", disks},
          {"partitions", partitions},
          {"packages", packages}};
}

}  // namespace osbuild::image
