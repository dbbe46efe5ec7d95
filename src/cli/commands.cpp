#include "cli.h"

namespace osbuild::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"fetch", "bring every source the packages need into the content store, verified", setup_fetch},
      {"build", "compile packages in dependency order, sandboxed and cached by content", setup_build},
      {"image", "make the verity-protected disk image, update images and SBOM of a built variant", setup_image},
      {"qemu", "boot the image of a variant under UEFI in QEMU; with --expect, as a CI test", setup_qemu},
      {"publish", "build a kit and push it to its vendor's OCI registry", setup_publish},
      {"update", "resolve each [[kit]] to the newest matching version and write osbuild.lock", setup_update},
      {"plan", "show the action graph for a variant: what would run, with keys", setup_plan},
      {"repo", "add the image to a signed TUF repository; validate, check-expirations, refresh", setup_repo},
      {"release", "every stage in order for a variant: fetch, build, image, repo; one summary", setup_release},
      {"keys", "generate signing keys for TUF repositories", setup_keys},
      {"root", "edit a repository's root role: init, add-key, remove-key, set-threshold, expire, sign", setup_root},
      {"config", "show every setting with its value and where it came from", setup_config},
      {"cache", "inspect, verify and trim the local content store", setup_cache},
      {"toolchains", "list the toolchains and explain which one a target gets", setup_toolchains},
      {"doctor", "which external tools are present; how to install the missing ones", setup_doctor},
      {"completions", "print a completion script for bash, zsh or fish", setup_completions},
      {"docs", "print the man page or the command and configuration references", setup_docs},
      {"help", "print the help of a command: `osbuild help build variant`", setup_help},
  };
  return list;
}

}  // namespace osbuild::cli
