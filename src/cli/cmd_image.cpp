// osbuild image V [--arch A] [--oci]: the disk image, update images, image.json and SBOM of a
// built variant, and with --oci its root tree as an OCI image layout.
#include <memory>

#include "cli.h"
#include "osbuild/image/image.h"

namespace osbuild::cli {

void setup_image(CLI::App& sub, CliState& state) {
  auto options = std::make_shared<image::ImageOptions>();
  sub.add_option("variant", options->variant, "the variant to make the image of")->required();
  add_setting_flags(sub, state, {"arch"});
  sub.add_flag_callback(
      "--force", [options] { options->force = image::Force::yes; },
      "make the image even when the cache holds it");
  sub.add_flag_callback(
      "--explain", [options] { options->explain = image::Explain::yes; },
      "say why the image is made (which input changed)");
  sub.add_flag_callback(
      "--oci", [options] { options->oci = image::Oci::yes; },
      "also write the root tree as an OCI image layout in build/images/oci-<variant>/");
  sub.callback([&state, options] {
    state.action = [&state, options] {
      Context ctx = open_context(state.options);
      image::run_image(ctx, *options);
      return 0;
    };
  });
}

}  // namespace osbuild::cli
