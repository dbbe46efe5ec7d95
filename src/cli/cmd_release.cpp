// osbuild release V: every stage in order (fetch, build, image, repo), each as its own command
// would run it, then one summary: what each stage did, how long it took, where the outputs are.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>

#include "cli.h"
#include "osbuild/build/build.h"
#include "osbuild/fetch/fetch.h"
#include "osbuild/image/image.h"
#include "osbuild/kit/kit.h"
#include "osbuild/repo/repo.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json.h"
#include "osbuild/util/units.h"

namespace osbuild::cli {

namespace {

namespace fs = std::filesystem;

struct ReleaseArgs {
  std::string variant;
  bool force = false;
  std::vector<std::string> keys;
};

struct StageRecord {
  std::string name;
  std::string what;  // one line: what the stage did
  double seconds = 0;
  bool failed = false;
};

struct Outputs {
  fs::path image_dir;
  fs::path disk;
  fs::path repo;
  fs::path metadata;
};

std::string shown(const Context& ctx, const fs::path& p) {
  auto rel = p.lexically_relative(ctx.root());
  return rel.empty() || rel.string().starts_with("..") ? p.string() : rel.string();
}

std::string describe_fetch(const fetch::FetchSummary& s) {
  return fmt::format("{} source(s) fetched ({}), {} already in the store", s.fetched,
                     format_size(s.bytes), s.present);
}

std::string describe_build(const build::BuildSummary& s) {
  std::string text = fmt::format("{} package(s): {} built, {} cached", s.total, s.built, s.cached);
  if (s.skipped > 0) text += fmt::format(", {} skipped for this platform", s.skipped);
  return text;
}

std::string describe_image(const Context& ctx, const image::ImageSummary& s) {
  switch (s.outcome) {
    case image::ImageOutcome::made:
      return "made " + shown(ctx, s.dir);
    case image::ImageOutcome::restored:
      return "restored from the cache into " + shown(ctx, s.dir);
    case image::ImageOutcome::up_to_date:
      return "up to date: " + shown(ctx, s.dir);
  }
  return shown(ctx, s.dir);
}

std::string describe_repo(const Context& ctx, const repo::PublishSummary& s) {
  return fmt::format("published {} to {}: {} target(s) written ({}), {} in the repository{}",
                     s.version, shown(ctx, s.output), s.new_targets, format_size(s.bytes),
                     s.total_targets, s.created ? " (new repository)" : "");
}

// The disk image named by image.json, when the image stage wrote one.
fs::path disk_of(const fs::path& image_dir) {
  auto text = read_file(image_dir / "image.json");
  if (!text) return {};
  Json doc = Json::parse(text.value(), nullptr, false);
  if (doc.is_discarded() || !doc.contains("files") || !doc["files"].contains("disk") ||
      !doc["files"]["disk"].is_string()) {
    return {};
  }
  return image_dir / doc["files"]["disk"].get<std::string>();
}

class Release {
 public:
  Release(CliState& state, const ReleaseArgs& args)
      : m_ctx(open_context(state.options)), m_args(args) {
    if (m_args.variant.empty()) m_args.variant = m_ctx.settings.str("variant");
    if (m_args.variant.empty()) {
      throw UsageError("osbuild release needs a variant",
                       "name one: `osbuild release <variant>`, or set BUILDSYS_VARIANT");
    }
  }

  int run() {
    auto started = Clock::now();
    try {
      stage("fetch", [&] {
        fetch::FetchOptions o;
        o.variant = m_args.variant;
        kit::fetch_kits(m_ctx);
        return describe_fetch(fetch::run_fetch(m_ctx, o));
      });
      stage("build", [&] {
        build::BuildOptions o;
        o.target = build::BuildTarget::variant;
        o.name = m_args.variant;
        o.force = m_args.force ? build::Force::yes : build::Force::no;
        return describe_build(build::run_build(m_ctx, o));
      });
      stage("image", [&] {
        image::ImageOptions o;
        o.variant = m_args.variant;
        o.force = m_args.force ? image::Force::yes : image::Force::no;
        auto s = image::run_image(m_ctx, o);
        m_outputs.image_dir = s.dir;
        m_outputs.disk = disk_of(s.dir);
        return describe_image(m_ctx, s);
      });
      stage("repo", [&] {
        repo::RepoOptions o;
        o.target.variant = m_args.variant;
        for (const auto& k : m_args.keys) o.target.keys.emplace_back(k);
        o.force = m_args.force ? repo::Force::yes : repo::Force::no;
        auto s = repo::run_repo(m_ctx, o);
        m_outputs.repo = s.output;
        m_outputs.metadata = s.metadata_dir;
        return describe_repo(m_ctx, s);
      });
    } catch (const Error&) {
      summary(seconds_since(started));
      throw;
    }
    summary(seconds_since(started));
    return 0;
  }

 private:
  using Clock = std::chrono::steady_clock;

  static double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  void stage(const char* name, const std::function<std::string()>& body) {
    if (!m_ctx.json() && m_ctx.options.verbosity != Verbosity::quiet) {
      std::printf("==> %s\n", name);
      std::fflush(stdout);
    }
    auto start = Clock::now();
    try {
      std::string what = body();
      m_stages.push_back({name, what, seconds_since(start), false});
    } catch (const Error& e) {
      m_stages.push_back({name, e.what(), seconds_since(start), true});
      throw;
    }
  }

  void summary(double total) const {
    if (m_ctx.json()) {
      Json stages = Json::array();
      for (const auto& s : m_stages) {
        stages.push_back({{"stage", s.name},
                          {"result", s.failed ? "failed" : "ok"},
                          {"what", s.what},
                          {"seconds", std::round(s.seconds * 1000) / 1000}});
      }
      Json doc{{"event", "release"},
               {"variant", m_args.variant},
               {"arch", m_ctx.settings.str("arch")},
               {"stages", stages},
               {"seconds", std::round(total * 1000) / 1000},
               {"image", m_outputs.image_dir.string()},
               {"disk", m_outputs.disk.string()},
               {"repository", m_outputs.repo.string()},
               {"metadata", m_outputs.metadata.string()}};
      std::printf("%s\n", doc.dump().c_str());
      return;
    }
    if (m_ctx.options.verbosity == Verbosity::quiet) return;
    std::printf("\nrelease %s for %s\n", m_args.variant.c_str(),
                m_ctx.settings.str("arch").c_str());
    for (const auto& s : m_stages) {
      std::printf("  %-6s %7.1fs  %s%s\n", s.name.c_str(), s.seconds, s.failed ? "failed: " : "",
                  s.what.c_str());
    }
    std::printf("  %-6s %7.1fs\n", "total", total);
    if (m_outputs.image_dir.empty() && m_outputs.repo.empty()) return;
    std::printf("outputs\n");
    if (!m_outputs.disk.empty())
      std::printf("  disk image  %s\n", shown(m_ctx, m_outputs.disk).c_str());
    if (!m_outputs.image_dir.empty()) {
      std::printf("  images      %s/\n", shown(m_ctx, m_outputs.image_dir).c_str());
    }
    if (!m_outputs.repo.empty()) {
      std::printf("  repository  %s/\n", shown(m_ctx, m_outputs.repo).c_str());
      std::printf("  metadata    %s/\n", shown(m_ctx, m_outputs.metadata).c_str());
    }
  }

  Context m_ctx;
  ReleaseArgs m_args;
  std::vector<StageRecord> m_stages;
  Outputs m_outputs;
};

}  // namespace

void setup_release(CLI::App& sub, CliState& state) {
  auto args = std::make_shared<ReleaseArgs>();
  sub.add_option("variant", args->variant, "the variant to release (default: BUILDSYS_VARIANT)");
  add_setting_flags(sub, state,
                    {"arch", "jobs", "publish.repo", "publish.infra-config-path",
                     "publish.expiration-policy-path", "publish.wave-policy-path",
                     "release-start-time"});
  sub.add_option("-k,--key", args->keys,
                 "a PEM signing key, instead of Infra.toml's signing_keys; repeat for thresholds");
  sub.add_flag("--force", args->force,
               "build and make the image even when cached; replace the version when published");
  sub.callback(
      [&state, args] { state.action = [&state, args] { return Release(state, *args).run(); }; });
}

}  // namespace osbuild::cli
