// osbuild update: resolve each [[kit]] requirement, and the kits those kits require, to the
// highest matching v<semver> tag in its vendor's registry and write osbuild.lock (docs/kits.md).
#include <fmt/format.h>

#include "cli.h"
#include "osbuild/kit/kit.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json.h"
#include "osbuild/util/text.h"

namespace osbuild::cli {

namespace {

int run_update(Context& ctx) {
  config::Lock lock = kit::resolve_lock(ctx);
  auto path = ctx.root() / config::k_lock_file;
  std::string text = config::render_lock(lock);
  std::string before;
  if (auto old = read_file(path); old.ok()) before = old.value();
  if (ctx.settings.boolean("locked") && before != text) {
    // Like cargo's --locked: the lock may be checked, never changed.
    std::vector<std::string> changes;
    auto old = before.empty() ? std::optional<config::Lock>() : config::read_lock(ctx.root());
    for (const auto& k : lock.kits) {
      const config::LockedKit* was = old ? old->find(k.name) : nullptr;
      if (was == nullptr) {
        changes.push_back(fmt::format("{} {} would be added", k.name, k.version));
      } else if (was->version != k.version || was->digest != k.digest || was->vendor != k.vendor) {
        changes.push_back(fmt::format("{} {} ({}) would become {} ({})", k.name, was->version,
                                      was->digest.substr(0, 19), k.version,
                                      k.digest.substr(0, 19)));
      }
    }
    if (old) {
      for (const auto& k : old->kits) {
        if (lock.find(k.name) == nullptr) {
          changes.push_back(fmt::format("{} {} would be removed", k.name, k.version));
        }
      }
    }
    if (changes.empty()) changes.push_back("the file's text would change");
    throw Error("--locked: osbuild.lock is not up to date:\n  " + join(changes, "\n  "),
                "run `osbuild update` without --locked and commit osbuild.lock",
                ExitCode::verification);
  }
  if (before != text) write_file_atomic(path, text);
  if (ctx.json()) {
    Json kits = Json::array();
    for (const auto& e : lock.kits) {
      kits.push_back({{"name", e.name},
                      {"version", e.version},
                      {"vendor", e.vendor},
                      {"source", e.source},
                      {"digest", e.digest},
                      {"kits", kit::kits_json(e.kits)}});
    }
    fmt::print("{}\n",
               Json{{"lock", path.string()}, {"changed", before != text}, {"kits", kits}}.dump(2));
    return 0;
  }
  for (const auto& e : lock.kits) {
    fmt::print("  {} {} from {} ({})\n", e.name, e.version, e.source, e.digest.substr(0, 19));
  }
  fmt::print("{} osbuild.lock: {} kit(s)\n", before == text ? "unchanged" : "wrote",
             lock.kits.size());
  return 0;
}

}  // namespace

void setup_update(CLI::App& sub, CliState& state) {
  sub.callback([&state] {
    state.action = [&state] {
      Context ctx = open_context(state.options);
      return run_update(ctx);
    };
  });
}

}  // namespace osbuild::cli
