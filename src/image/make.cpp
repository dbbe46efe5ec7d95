// Making one image, step by step: tree, root file system and verity, boot partition, disks,
// update images, SBOM. Every step writes into the job's work dir.
#include <fmt/format.h>

#include <algorithm>
#include <future>

#include "job.h"
#include "osbuild/image/boot_state.h"
#include "osbuild/image/disk.h"
#include "osbuild/image/esp.h"
#include "osbuild/image/filesystem.h"
#include "osbuild/image/runnable.h"
#include "osbuild/image/sbom.h"
#include "osbuild/image/tree.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"
#include "osbuild/util/units.h"

namespace osbuild::image {

namespace {

std::uint64_t partition_bytes(const ImageJob& job, PartitionRole role) {
  return job.plan.os.find(role, 'A').size_mib << 20;
}

std::string manifest_of(const ImageJob& job) {
  return job.variant.manifest.string();
}

Error does_not_fit(const ImageJob& job, const std::string& what, const std::string& why,
                   std::string_view share) {
  return Error(fmt::format("{}: {}: {}", manifest_of(job), what, why),
               fmt::format("raise os-image-size-mib in [variant.image] (now {}; {} MiB of every "
                           "1024 go to {})",
                           job.variant.image.os_image_size_mib, share, what));
}

std::vector<std::uint8_t> derive_salt(const std::string& seed) {
  std::string hex = sha256_hex(seed + std::string(1, '\0') + "verity-salt");
  std::vector<std::uint8_t> salt;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    salt.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return salt;
}

// Which built packages ship a file of a given name, for the error of a program that cannot
// start: one of the run-time closure (installed where the loader does not look), or one built
// for the variant but not in the closure (a build-time dependency).
ProviderLookup providers_of(const ImageJob& job) {
  return [&job](const std::string& file_name) {
    std::vector<std::string> out;
    for (const auto& entry : job.record.packages) {
      const std::string& name = entry.first;  // a plain reference: lambdas may capture it
      auto blob = job.store.get_blob(entry.second.artifact);
      if (!blob) continue;
      bool in_closure = std::any_of(job.closure.begin(), job.closure.end(),
                                    [&](const PackageRecord* p) { return p->name == name; });
      for (const auto& path : tar_paths_named(*blob, file_name)) {
        out.push_back(fmt::format("{} (/{}{})", name, path,
                                  in_closure ? "" : ", not in the run-time closure"));
      }
    }
    return out;
  };
}

void build_tree(const ImageJob& job, MadeImage& made) {
  std::vector<TreeInput> inputs;
  for (const auto* pkg : job.closure) {
    fs::path blob = artifact_of(job, *pkg);
    inputs.push_back({pkg->name, blob});
    made.artifacts[pkg->name] = blob;
  }
  TreeSummary summary = assemble_tree(inputs, job.work / "root", job.epoch, manifest_of(job));
  // Every write into the tree from here on resolves inside it (rooted.h).
  RootedTree tree = rooted_tree(job.work / "root", summary);
  made.os_release_added = add_os_release(tree, job.os_name, job.version, job.epoch);
  add_files(tree, update_files(update_identity(job)), job.epoch);
  made.boot_files = move_boot_files(tree, job.work / "boot");
  add_mount_points(tree);
  clamp_tree(job.work / "root", job.epoch);
  check_runnable(job.work / "root", job.arch, providers_of(job), manifest_of(job));
}

void make_root(const ImageJob& job, MadeImage& made) {
  auto kind = job.variant.image.root_filesystem;
  fs::path out = job.work / ("root." + std::string(config::root_filesystem_name(kind)));
  FsRequest req{job.work / "root",
                out,
                partition_bytes(job, PartitionRole::root),
                derive_guid(job.seed, "fs:root"),
                derive_guid(job.seed, "fs:root:hash-seed"),
                "ROOT",
                job.epoch};
  auto size = make_filesystem(kind, req, job.tools);
  if (!size.ok()) throw does_not_fit(job, "ROOT", size.error(), "460");
  made.root_bytes = size.value();
  made.verity_params = {derive_salt(job.seed), derive_guid(job.seed, "verity")};
  std::uint64_t hash_room = partition_bytes(job, PartitionRole::hash);
  if (verity_hash_bytes(made.root_bytes / k_verity_block_size) > hash_room) {
    throw does_not_fit(
        job, "HASH",
        fmt::format("the hash tree of a {} root needs {} but the partition holds {}",
                    format_size(made.root_bytes),
                    format_size(verity_hash_bytes(made.root_bytes / 4096)), format_size(hash_room)),
        "5");
  }
  made.verity = write_verity(out, job.work / "root.verity", made.verity_params);
  made.files["root-image"] = out;
  made.files["verity-image"] = job.work / "root.verity";
}

std::string find_boot_file(const MadeImage& made, std::string_view prefix) {
  for (const auto& name : made.boot_files) {
    if (name.rfind(prefix, 0) == 0) return name;
  }
  return {};
}

// GRUB's configuration, as Bottlerocket writes it: the verity table names the root and hash
// partitions relative to the boot partition GRUB chose ($boot_uuid), so the same boot image
// serves either bank.
void make_boot(const ImageJob& job, MadeImage& made) {
  fs::path boot = job.work / "boot";
  fs::create_directories(boot / "grub");
  // The console first, as the arch needs it; then the variant's parameters.
  std::vector<std::string> params = {job.arch == Arch::x86_64 ? "console=ttyS0" : "console=ttyAMA0"};
  params.insert(params.end(), job.variant.kernel_parameters.begin(),
                job.variant.kernel_parameters.end());
  std::string line = join(params, " ") + " root=/dev/dm-0 rootwait ro ";
  std::string kernel = find_boot_file(made, "vmlinuz");
  std::string initrd = find_boot_file(made, "initrd");
  std::string grub = fmt::format(
      "set default=\"0\"\nset timeout=\"0\"\n\nmenuentry \"{} {}\" --unrestricted {{\n"
      "   linux ($root)/{} {}{}\n{}}}\n",
      job.os_name, job.version, kernel.empty() ? "vmlinuz" : kernel, line,
      dm_mod_create(made.verity, made.verity_params, "$boot_uuid"),
      initrd.empty() ? "" : "   initrd ($root)/" + initrd + "\n");
  write_file_atomic(boot / "grub" / "grub.cfg", grub, Durability::cache);
  // The same line for the disk as written, where bank A boots: a direct kernel boot uses it.
  Guid boot_a = partition_guid(job.seed, "os", job.plan.os.find(PartitionRole::boot, 'A').name);
  made.kernel_command_line = line + dm_mod_create(made.verity, made.verity_params, boot_a.str());
  write_file_atomic(boot / "cmdline", made.kernel_command_line + "\n", Durability::cache);
  clamp_tree(boot, job.epoch);
  FsRequest req{boot,
                job.work / "boot.ext4",
                partition_bytes(job, PartitionRole::boot),
                derive_guid(job.seed, "fs:boot"),
                derive_guid(job.seed, "fs:boot:hash-seed"),
                "BOOT",
                job.epoch};
  auto size = make_filesystem(config::RootFilesystem::ext4, req, job.tools);
  if (!size.ok()) throw does_not_fit(job, "BOOT", size.error(), "20");
  made.boot_bytes = size.value();
  made.files["boot-image"] = job.work / "boot.ext4";
}

// Bank A's EFI system partition: GRUB, the A/B selector and the boot-state record
// (docs/boot.md). EFI-BACKUP stays unformatted, as Bottlerocket leaves it.
void make_esp_image(const ImageJob& job, MadeImage& made) {
  const auto& os = job.plan.os;
  std::vector<char> banks;
  for (char b : {'A', 'B'}) {
    if (std::any_of(os.partitions.begin(), os.partitions.end(), [b](const PlannedPartition& p) {
          return p.role == PartitionRole::boot && p.bank == b;
        })) {
      banks.push_back(b);
    }
  }
  EspRequest req;
  req.out = job.work / "esp.fat";
  req.size_bytes = partition_bytes(job, PartitionRole::efi);
  req.grub_modules = job.grub_modules;
  req.arch = job.arch;
  req.volume_id = sha256_hex(job.seed + std::string(1, '\0') + "esp-volume-id").substr(0, 8);
  req.selector = grub_selector(os);
  req.grubenv = format_grubenv(initial_boot_state(banks));
  req.work = job.work / "esp";
  make_esp(req, job.tools);
  made.files["esp-image"] = req.out;
}

std::string disk_suffix(config::ImageFormat format) {
  return format == config::ImageFormat::raw ? ".img"
                                            : "." + std::string(config::image_format_name(format));
}

fs::path convert(const ImageJob& job, const fs::path& raw) {
  auto format = job.variant.image.format;
  if (format == config::ImageFormat::raw) return raw;
  fs::path out = raw;
  out.replace_extension(disk_suffix(format));
  std::vector<std::string> argv = {"qemu-img",
                                   "convert",
                                   "-q",
                                   "-f",
                                   "raw",
                                   "-O",
                                   std::string(config::image_format_name(format))};
  if (format == config::ImageFormat::vmdk) {
    argv.insert(argv.end(), {"-o", "subformat=streamOptimized"});
  }
  argv.insert(argv.end(), {raw.string(), out.string()});
  job.tools.run(argv);
  if (format == config::ImageFormat::vmdk) pin_vmdk_cid(out, job.seed);
  fs::remove(raw);
  return out;
}

void make_disks(const ImageJob& job, MadeImage& made) {
  const auto& os = job.plan.os;
  PartitionContents contents = {
      {os.find(PartitionRole::efi, 'A').name, made.files["esp-image"]},
      {os.find(PartitionRole::boot, 'A').name, made.files["boot-image"]},
      {os.find(PartitionRole::root, 'A').name, made.files["root-image"]},
      {os.find(PartitionRole::hash, 'A').name, made.files["verity-image"]}};
  // Named as the outputs are: a VMDK's descriptor names its own file.
  fs::path disk = job.work / (job.prefix + ".img");
  write_disk(disk, gpt_for(os, job.seed, "os"), contents);
  made.files["disk"] = convert(job, disk);
  if (job.plan.data) {
    fs::path data = job.work / (job.prefix + "-data.img");
    write_disk(data, gpt_for(*job.plan.data, job.seed, "data"), {});
    made.files["data"] = convert(job, data);
  }
}

// The three update images, by role.
std::map<std::string, fs::path> compress_updates(const ImageJob& job,
                                                 std::map<std::string, fs::path> sources) {
  std::map<std::string, fs::path> out;
  for (const auto& [role, source] :
       {std::pair{"boot", "boot-image"}, {"root", "root-image"}, {"verity", "verity-image"}}) {
    fs::path in = sources.at(source);
    out[role] = in.string() + ".lz4";
    job.tools.run({"lz4", "-9", "-q", "-f", in.string(), out[role].string()});
  }
  return out;
}

void write_sbom(const ImageJob& job, MadeImage& made) {
  SbomRequest req{job.prefix, job.os_name, job.version, job.epoch, output_name(job, "root"),
                  {},         job.closure, {},          {},        {}};
  req.root_sha512 = hash_file(made.files.at("root-image"), HashAlgorithm::sha512).value_or_throw();
  for (const auto* pkg : job.closure) {
    req.artifact_sha512[pkg->name] =
        hash_file(made.artifacts.at(pkg->name), HashAlgorithm::sha512).value_or_throw();
  }
  add_static_links(req, job.record,
                   [&job](const PackageRecord& pkg) { return artifact_of(job, pkg); });
  fs::path out = job.work / "sbom.spdx.json";
  write_file_atomic(out, make_sbom(req).dump(2) + "\n", Durability::cache);
  made.files["sbom"] = out;
}

}  // namespace

std::string output_name(const ImageJob& job, const std::string& role) {
  std::string fs_name(config::root_filesystem_name(job.variant.image.root_filesystem));
  std::string disk = disk_suffix(job.variant.image.format);
  if (role == "disk") return job.prefix + disk;
  if (role == "data") return job.prefix + "-data" + disk;
  if (role == "boot") return job.prefix + "-boot.ext4.lz4";
  if (role == "root") return job.prefix + "-root." + fs_name + ".lz4";
  if (role == "verity") return job.prefix + "-root.verity.lz4";
  if (role == "sbom") return job.prefix + ".spdx.json";
  throw Error("internal: no output named " + role);
}

UpdateIdentity update_identity(const ImageJob& job) {
  return {job.os_name, job.variant.name, job.arch, job.version, job.repo};
}

fs::path artifact_of(const ImageJob& job, const PackageRecord& pkg) {
  auto blob = job.store.get_blob(pkg.artifact);
  if (!blob) {
    job.store.note_missing_entry();  // so that the build this error asks for restores it
    throw Error(fmt::format("the artifact of {} ({}) is not in the store", pkg.name,
                            pkg.artifact.substr(0, 12)),
                fmt::format("run osbuild build variant {} --arch {}", job.variant.name,
                            arch_name(job.arch)));
  }
  return *blob;
}

MadeImage make_image(const ImageJob& job) {
  fs::remove_all(job.work);
  fs::create_directories(job.work);
  MadeImage made;
  build_tree(job, made);
  make_root(job, made);
  make_boot(job, made);
  make_esp_image(job, made);
  // lz4 -9 of the root is the slowest step: it runs beside the disks and the SBOM, which only
  // read the same files.
  auto updates = std::async(std::launch::async, compress_updates, std::cref(job), made.files);
  make_disks(job, made);
  write_sbom(job, made);
  for (auto& [role, file] : updates.get()) made.files[role] = file;
  return made;
}

}  // namespace osbuild::image
