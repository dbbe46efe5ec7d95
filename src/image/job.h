#pragma once
// One image being made: everything the steps share (src/image/, private to the module).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "osbuild/config/model.h"
#include "osbuild/image/layout.h"
#include "osbuild/image/record.h"
#include "osbuild/image/tools.h"
#include "osbuild/image/updog.h"
#include "osbuild/image/verity.h"
#include "osbuild/store/store.h"

namespace osbuild::image {

namespace fs = std::filesystem;

struct ImageJob {
  const config::Variant& variant;
  const VariantRecord& record;
  std::vector<const PackageRecord*> closure;
  ImagePlan plan;
  Arch arch;
  std::string os_name;
  std::string version;
  std::int64_t epoch = 0;
  std::string
      seed;  // name, variant, arch and version: every GUID, UUID and the salt derive from it
  std::string prefix;  // <name>-<variant>-<arch>-<version>, Bottlerocket's file name prefix
  fs::path work;       // work/image/<arch>-<variant> in the build folder
  store::Store& store;
  Tools& tools;
  fs::path grub_modules;  // GRUB's <platform>-efi module folder, checked (esp.h)
  RepoTrust repo;         // the repository the update agent reads (updog.h)
};

// The identity the update agent's files carry.
UpdateIdentity update_identity(const ImageJob& job);

// What making the image produced: file name → path in the work dir, and the facts image.json
// records.
struct MadeImage {
  std::map<std::string, fs::path> files;  // by role: disk, data, boot, root, verity, sbom
  VerityResult verity;
  VerityParams verity_params;
  std::uint64_t root_bytes = 0;
  std::uint64_t boot_bytes = 0;
  std::vector<std::string> boot_files;        // kernel and initrd found in the packages
  std::map<std::string, fs::path> artifacts;  // package name → its verified artifact.tar
  std::string kernel_command_line;
  bool os_release_added = false;
};

MadeImage make_image(const ImageJob& job);

// The verified artifact.tar of a package of the closure; an error naming the build to run when
// the store no longer holds it.
fs::path artifact_of(const ImageJob& job, const PackageRecord& pkg);

// image.json: names, files, digests, partitions, verity, packages.
Json describe_image(const ImageJob& job, const MadeImage& made,
                    const std::map<std::string, std::string>& file_digests, const std::string& key);

// The file names Bottlerocket gives each output.
std::string output_name(const ImageJob& job, const std::string& role);

}  // namespace osbuild::image
