// osbuild release V: fetch, build, image and repo in one run, one line and one timer per stage.
#include <fmt/format.h>

#include <chrono>

#include "osbuild/pipeline/pipeline.h"
#include "osbuild/util/units.h"
#include "osbuild/workspace/records.h"

namespace osbuild::pipeline {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string describe_fetch(const FetchResult& r) {
  std::string text = fmt::format("{} source(s) fetched ({}), {} already in the store",
                                 r.sources.fetched, format_size(r.sources.bytes), r.sources.present);
  if (r.kits.kits > 0) {
    text += fmt::format("; {} kit(s), {} layer(s) downloaded", r.kits.kits, r.kits.downloaded);
  }
  return text;
}

std::string describe_build(const build::BuildSummary& s) {
  std::string text = fmt::format("{} package(s): {} built, {} cached", s.total, s.built, s.cached);
  if (s.skipped > 0) text += fmt::format(", {} skipped for this platform", s.skipped);
  return text;
}

std::string describe_image(const Context& ctx, const image::ImageSummary& s) {
  switch (s.outcome) {
    case image::ImageOutcome::made:
      return "made " + ctx.shown(s.dir);
    case image::ImageOutcome::restored:
      return "restored from the cache into " + ctx.shown(s.dir);
    case image::ImageOutcome::up_to_date:
      return "up to date: " + ctx.shown(s.dir);
  }
  return ctx.shown(s.dir);
}

std::string describe_repo(const Context& ctx, const repo::PublishSummary& s) {
  return fmt::format("published {} to {}: {} target(s) written ({}), {} in the repository{}",
                     s.version, ctx.shown(s.output), s.new_targets, format_size(s.bytes),
                     s.total_targets, s.created ? " (new repository)" : "");
}

class Release {
 public:
  Release(Context& ctx, const ReleaseOptions& options) : m_ctx(ctx), m_options(options) {
    m_result.variant = options.variant.empty() ? ctx.settings.str("variant") : options.variant;
    if (m_result.variant.empty()) {
      throw UsageError("osbuild release needs a variant",
                       "name one: `osbuild release <variant>`, or set BUILDSYS_VARIANT");
    }
  }

  ReleaseResult run(std::exception_ptr& error) {
    auto started = Clock::now();
    const std::string& variant = m_result.variant;
    bool force = m_options.force == Force::yes;
    try {
      stage("fetch", [&] {
        fetch::FetchOptions o;
        o.variant = variant;
        return describe_fetch(fetch(m_ctx, o));
      });
      stage("build", [&] {
        build::BuildOptions o;
        o.target = build::BuildTarget::variant;
        o.name = variant;
        o.force = force ? build::Force::yes : build::Force::no;
        return describe_build(build(m_ctx, o));
      });
      stage("image", [&] {
        image::ImageOptions o;
        o.variant = variant;
        o.force = force ? image::Force::yes : image::Force::no;
        auto s = image(m_ctx, o);
        m_result.outputs.image_dir = s.dir;
        if (auto record = workspace::find_image_record(s.dir)) {
          m_result.outputs.disk = record->file("disk");
        }
        return describe_image(m_ctx, s);
      });
      stage("repo", [&] {
        repo::RepoOptions o;
        o.target.variant = variant;
        for (const auto& k : m_options.keys) o.target.keys.emplace_back(k);
        o.force = force ? repo::Force::yes : repo::Force::no;
        auto s = repo::run_repo(m_ctx, o);
        m_result.outputs.repo = s.output;
        m_result.outputs.metadata = s.metadata_dir;
        return describe_repo(m_ctx, s);
      });
    } catch (const Error&) {
      error = std::current_exception();
    }
    m_result.seconds = seconds_since(started);
    return m_result;
  }

 private:
  template <typename Body>
  void stage(const char* name, Body body) {
    if (m_options.on_stage) m_options.on_stage(name);
    auto start = Clock::now();
    try {
      std::string what = body();
      m_result.stages.push_back({name, what, seconds_since(start), false});
    } catch (const Error& e) {
      m_result.stages.push_back({name, e.what(), seconds_since(start), true});
      throw;
    }
  }

  Context& m_ctx;
  const ReleaseOptions& m_options;
  ReleaseResult m_result;
};

}  // namespace

ReleaseResult release(Context& ctx, const ReleaseOptions& options, std::exception_ptr& error) {
  return Release(ctx, options).run(error);
}

}  // namespace osbuild::pipeline
