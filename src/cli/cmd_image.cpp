// osbuild image V [--arch A] [--oci]: the disk image, update images, image.json and SBOM of a
// built variant, and with --oci its root tree as an OCI image layout.
// osbuild image boot-state DISK [--try B] [--prefer A] [--mark-good B] [--set KEY=VALUE]: the A/B
// boot-state record (grubenv) on the disk's EFI system partition (docs/boot.md).
// osbuild image update DISK [--repo URL] [--version V] [--now T]: an update from the repository
// written into the disk's inactive bank, as updog would on the machine (docs/update.md).
#include <cstdio>
#include <memory>

#include "cli.h"
#include "osbuild/image/boot_state.h"
#include "osbuild/image/image.h"
#include "osbuild/pipeline/pipeline.h"
#include "osbuild/update/update.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/units.h"

namespace osbuild::cli {

namespace {

struct BootStateArgs {
  std::string disk;
  image::BootStateChanges changes;
};

// A boot-state record as an event's fields: grubenv's own variables (A_ok, boot_order, …) are
// data, kept under "grubenv"; "next" is the bank the selector boots next (docs/json.md).
Json boot_state_fields(const Json& record) {
  Json grubenv = record;
  Json next = grubenv["next"];
  grubenv.erase("next");
  return {{"grubenv", grubenv}, {"next", next}};
}

int boot_state(const CliState& state, const BootStateArgs& args) {
  image::BootState record = image::read_boot_state(args.disk);
  if (!args.changes.empty()) {
    record = image::apply_changes(std::move(record), args.changes);
    image::write_boot_state(args.disk, record);
  }
  if (state.options.output == OutputMode::json) {
    json_event("image", "boot_state", boot_state_fields(image::boot_state_json(record)));
  } else {
    std::fputs(image::boot_state_text(record).c_str(), stdout);
  }
  return 0;
}

void setup_boot_state(CLI::App& image, CliState& state) {
  auto args = std::make_shared<BootStateArgs>();
  auto* sub = image.add_subcommand(
      "boot-state", "print or change the A/B boot-state record (grubenv) of a raw disk image");
  sub->fallthrough();
  sub->add_option("disk", args->disk, "the raw disk image (.img)")->required();
  sub->add_option("--try", args->changes.try_bank,
                  "boot this bank once next: boot_order puts it first, <bank>_ok=0, tries 1");
  sub->add_option("--prefer", args->changes.prefer, "put this bank first in boot_order");
  sub->add_option("--mark-good", args->changes.mark_good,
                  "record that this bank booted successfully (<bank>_ok=1)");
  sub->add_option("--set", args->changes.set, "set one key: boot_order, A_ok, A_tries, B_ok, B_tries")
      ->type_name("KEY=VALUE");
  sub->callback([&state, args] {
    state.action = [&state, args] { return boot_state(state, *args); };
  });
}

struct UpdateArgs {
  update::Request request;
  std::string now;
};

// Settings come from flags, the environment and the project when run inside one (the network
// settings of `fetch` apply to the repository's URLs); a disk is updated from anywhere.
int apply_update(const CliState& state, const UpdateArgs& args) {
  update::Request request = args.request;
  if (!args.now.empty()) {
    request.now = parse_rfc3339(args.now).value_or_throw("--now " + args.now);
  }
  auto ctx = open_context_if_inside(state.options);
  config::Settings settings = ctx ? std::move(ctx->settings) : resolve_settings(state.options, nullptr);
  update::Outcome outcome = update::apply_update(settings, process::system_runner(), request);
  if (state.options.output == OutputMode::json) {
    Json fields = update::outcome_json(outcome);
    fields["boot_state"] = boot_state_fields(fields["boot_state"]);
    json_event("image", "update", fields);
  } else {
    std::fputs(update::outcome_text(outcome, request.disk).c_str(), stdout);
  }
  return 0;
}

void setup_image_update(CLI::App& image, CliState& state) {
  auto args = std::make_shared<UpdateArgs>();
  auto* sub = image.add_subcommand(
      "update", "write an update from the repository into the inactive bank of a raw disk image");
  sub->fallthrough();
  sub->add_option("disk", args->request.disk, "the raw disk image (.img) to update")->required();
  sub->add_option("--repo", args->request.repo_url,
                  "the repository: a URL or folder holding metadata/ and targets/ (default: the "
                  "disk's /etc/updog.toml)");
  sub->add_option("--version", args->request.version,
                  "install this version (waves do not apply); default: the newest the disk's wave allows");
  sub->add_option("--now", args->now,
                  "judge expiry and waves at this time (RFC 3339, e.g. 2027-01-01T00:00:00Z)");
  sub->add_flag("--allow-downgrade", args->request.allow_downgrade,
                "install an older version than the disk runs");
  sub->add_flag("--ignore-waves", args->request.ignore_waves,
                "take the newest version whatever the disk's wave");
  sub->add_flag("--check", args->request.check_only, "say what would be installed; write nothing");
  sub->callback([&state, args] {
    state.action = [&state, args] { return apply_update(state, *args); };
  });
}

}  // namespace

void setup_image(CLI::App& sub, CliState& state) {
  auto options = std::make_shared<image::ImageOptions>();
  sub.fallthrough();
  sub.add_option("variant", options->variant, "the variant to make the image of");
  add_setting_flags(sub, state, {"arch", "publish.repo", "publish.infra-config-path"});
  sub.add_flag_callback(
      "--force", [options] { options->force = image::Force::yes; },
      "make the image even when the cache holds it");
  sub.add_flag_callback(
      "--explain", [options] { options->explain = image::Explain::yes; },
      "say why the image is made (which input changed)");
  sub.add_flag_callback(
      "--oci", [options] { options->oci = image::Oci::yes; },
      "also write the root tree as an OCI image layout in build/images/oci-<variant>/");
  sub.callback([&state, options, &sub] {
    if (!sub.get_subcommands().empty()) return;
    if (options->variant.empty()) {
      throw UsageError("osbuild image needs a variant", "osbuild image <variant> [--arch A]");
    }
    state.action = [&state, options] {
      Context ctx = open_context(state.options);
      pipeline::image(ctx, *options);
      return 0;
    };
  });
  setup_boot_state(sub, state);
  setup_image_update(sub, state);
}

}  // namespace osbuild::cli
