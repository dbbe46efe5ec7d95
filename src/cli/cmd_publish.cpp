// osbuild publish kit K: build the kit's packages, push them to the vendor's OCI registry as one
// layer per package, a config blob, one manifest per arch and an image index tagged v<version>
// (kit::run_publish); this file parses the command line and prints what was pushed.
#include <fmt/format.h>

#include <memory>

#include "cli.h"
#include "osbuild/pipeline/pipeline.h"
#include "osbuild/util/json_event.h"

namespace osbuild::cli {

namespace {

using Outcome = oci::BlobPush::Outcome;

const char* outcome_word(Outcome o) {
  switch (o) {
    case Outcome::present:
      return "skipped (already in the registry)";
    case Outcome::mounted:
      return "mounted";
    case Outcome::uploaded:
      return "pushed";
  }
  return "";
}

const char* outcome_key(Outcome o) {
  switch (o) {
    case Outcome::present:
      return "skipped";
    case Outcome::mounted:
      return "mounted";
    case Outcome::uploaded:
      return "pushed";
  }
  return "";
}

void print_json(const kit::PublishSummary& s) {
  Json blobs = Json::array();
  for (const auto& b : s.blobs) {
    blobs.push_back({{"blob", b.what},
                     {"digest", b.digest},
                     {"size", b.size},
                     {"result", outcome_key(b.outcome)}});
  }
  json_event("publish", "summary",
             {{"kit", s.kit},
              {"version", s.version},
              {"arch", std::string(arch_name(s.arch))},
              {"registry", s.registry},
              {"repository", s.repository},
              {"tag", s.tag},
              {"manifest", s.manifest},
              {"index", s.index},
              {"blobs", blobs},
              {"bytes_sent", s.bytes_sent}});
}

void print_human(const kit::PublishSummary& s) {
  fmt::print("  manifest {} ({})\n  index    {} tagged {}\n", s.manifest, arch_name(s.arch),
             s.index, s.tag);
  std::size_t mounted = s.count(Outcome::mounted);
  fmt::print("published {}/{}:{}: {} blob(s) pushed, {} skipped{}, {} bytes sent\n", s.registry,
             s.repository, s.tag, s.count(Outcome::uploaded), s.count(Outcome::present),
             mounted > 0 ? fmt::format(", {} mounted from another kit", mounted) : "",
             s.bytes_sent);
}

int publish_kit(CliState& state, const kit::PublishOptions& options) {
  Context ctx = open_context(state.options);
  kit::PublishObserver observer;
  if (ctx.json()) {
    observer.started = [](const kit::PublishSummary& s) {
      json_event("publish", "started",
                 {{"kit", s.kit},
                  {"tag", s.tag},
                  {"arch", arch_name(s.arch)},
                  {"registry", s.registry},
                  {"repository", s.repository}});
    };
    observer.pushed = [](const kit::PublishedBlob& b) {
      json_event("publish", "blob",
                 {{"blob", b.what},
                  {"digest", b.digest},
                  {"size", b.size},
                  {"result", outcome_key(b.outcome)}});
    };
  } else {
    observer.started = [](const kit::PublishSummary& s) {
      fmt::print("publishing kit {} {} for {} to {}/{}\n", s.kit, s.tag, arch_name(s.arch),
                 s.registry, s.repository);
    };
    observer.pushed = [](const kit::PublishedBlob& b) {
      fmt::print("  {:<24} {} {} ({} bytes)\n", b.what, outcome_word(b.outcome),
                 b.digest.substr(0, 19), b.size);
    };
  }
  auto summary = pipeline::publish_kit(ctx, options, observer);
  if (ctx.json()) {
    print_json(summary);
  } else {
    print_human(summary);
  }
  return 0;
}

}  // namespace

void setup_publish(CLI::App& sub, CliState& state) {
  auto options = std::make_shared<kit::PublishOptions>();
  auto* kit = sub.add_subcommand("kit", "build a kit and push it to its vendor's OCI registry");
  kit->add_option("name", options->kit, "the kit to publish (kits/<name>/kit.toml)")->required();
  kit->add_option("--vendor", options->vendor,
                  "publish to this vendor's registry instead of the kit's own vendor");
  add_setting_flags(*kit, state, {"arch"});
  kit->callback([&state, options] {
    state.action = [&state, options] { return publish_kit(state, *options); };
  });
  sub.require_subcommand(1);
}

}  // namespace osbuild::cli
