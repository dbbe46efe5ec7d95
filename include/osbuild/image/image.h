#pragma once
// The image stage: a built variant turned into the files a machine boots and an update repository
// ships (docs/image.md). Root tree from the run-time closure → root file system → dm-verity →
// boot partition → GPT disk(s) → qcow2/vmdk, update images, image.json and an SPDX SBOM, all in
// build/images/<arch>-<variant>/<version>/, cached in the store by the action key.
#include <filesystem>
#include <functional>
#include <string>

#include "osbuild/image/updog.h"
#include "osbuild/workspace/context.h"

namespace osbuild::image {

enum class Force { no, yes };
enum class Explain { no, yes };
enum class Oci { no, yes };  // also write build/images/oci-<variant>/ (docs/image.md)

struct ImageOptions {
  std::string variant;
  Force force = Force::no;
  Explain explain = Explain::no;
  Oci oci = Oci::no;
  // The repository the image will be published to, with its trusted root, for the update agent
  // (docs/image.md). The pipeline supplies it (pipeline::image); it is called once the variant and
  // its build record have been checked, before the image's key is computed.
  std::function<RepoTrust()> repo;
};

enum class ImageOutcome { made, restored, up_to_date };

struct ImageSummary {
  ImageOutcome outcome = ImageOutcome::made;
  std::filesystem::path dir;  // build/images/<arch>-<variant>/<version>
  std::string key;
};

ImageSummary run_image(const Context& ctx, const ImageOptions& options);

}  // namespace osbuild::image
