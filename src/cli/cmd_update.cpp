// osbuild update: resolve each [[kit]] requirement, and the kits those kits require, to the
// highest matching v<semver> tag in its vendor's registry and write osbuild.lock (docs/kits.md).
#include <fmt/format.h>

#include "cli.h"
#include "osbuild/kit/kit.h"
#include "osbuild/util/json_event.h"

namespace osbuild::cli {

namespace {

void print_json(const kit::UpdateSummary& s) {
  Json kits = Json::array();
  for (const auto& e : s.lock.kits) {
    kits.push_back({{"name", e.name},
                    {"version", e.version},
                    {"vendor", e.vendor},
                    {"source", e.source},
                    {"digest", e.digest},
                    {"kits", kit::kits_json(e.kits)}});
  }
  json_event("update", "lock", {{"lock", s.path.string()}, {"changed", s.changed}, {"kits", kits}});
}

void print_human(const kit::UpdateSummary& s) {
  for (const auto& e : s.lock.kits) {
    fmt::print("  {} {} from {} ({})\n", e.name, e.version, e.source, e.digest.substr(0, 19));
  }
  fmt::print("{} osbuild.lock: {} kit(s)\n", s.changed ? "wrote" : "unchanged", s.lock.kits.size());
}

}  // namespace

void setup_update(CLI::App& sub, CliState& state) {
  sub.callback([&state] {
    state.action = [&state] {
      Context ctx = open_context(state.options);
      auto summary = kit::run_update(ctx);
      ctx.json() ? print_json(summary) : print_human(summary);
      return 0;
    };
  });
}

}  // namespace osbuild::cli
