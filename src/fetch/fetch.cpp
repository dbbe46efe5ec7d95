#include "osbuild/fetch/fetch.h"

#include <unistd.h>

#include <map>

#include "downloader.h"
#include "git.h"
#include "osbuild/fetch/lookaside.h"
#include "osbuild/net/url.h"
#include "osbuild/process/process.h"
#include "osbuild/store/sources.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/log.h"
#include "osbuild/util/text.h"

namespace osbuild::fetch {

using store::external_file_key;
using store::git_source_key;
using store::indexed_and_sound;
using store::StatCache;
using store::store_and_index;
using net::file_url_path;
using net::redact_url;

namespace {

struct ExternalItem {
  const config::ExternalFile* file = nullptr;
  std::string name;
  std::string label;
};

struct GitItem {
  const config::GitSource* source = nullptr;
  std::string label;
};

struct SourceList {
  std::vector<ExternalItem> files;
  std::vector<GitItem> gits;
};

std::string describe(const std::string& what, const std::string& package,
                     const config::SourceLocation& where) {
  std::string text = what + " (package " + package;
  if (!where.file.empty()) text += ", " + where.str();
  return text + ")";
}

// Checks what the config loader should already have refused; a fetch must never trust a bad pin.
std::optional<std::string> pin_problem(const config::ExternalFile& f, const std::string& name) {
  if (!is_lower_hex(f.sha512, 128)) {
    return "sha512 must be 128 lowercase hex digits, got " + std::to_string(f.sha512.size()) +
           " characters";
  }
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
    return "file name '" + name + "' must be a single path component; set path";
  }
  return std::nullopt;
}

SourceList collect_sources(const std::vector<const config::Package*>& packages) {
  SourceList list;
  std::map<std::string, bool> seen;
  std::vector<std::string> problems;
  for (const auto* p : packages) {
    for (const auto& f : p->external_files) {
      std::string name = external_file_name(f);
      std::string label = describe(name, p->name, f.where);
      if (auto problem = pin_problem(f, name)) problems.push_back(label + ": " + *problem);
      if (!seen.emplace("file:" + f.sha512, true).second) continue;
      list.files.push_back({&f, name, label});
    }
    for (const auto& g : p->git_sources) {
      std::string label = describe("git " + redact_url(g.url) + " @ " + g.rev, p->name, g.where);
      if (!is_lower_hex(g.rev, 40)) {
        problems.push_back(label + ": rev '" + g.rev + "' is not a 40-hex commit id; pin it: " +
                           "`git ls-remote " + redact_url(g.url) + " " + g.rev + "` prints the id");
      }
      if (!seen.emplace("git:" + g.url + "@" + g.rev, true).second) continue;
      list.gits.push_back({&g, label});
    }
  }
  if (!problems.empty()) {
    throw UsageError("bad source pins:\n  " + join(problems, "\n  "),
                     "fix the package.toml entries named above");
  }
  return list;
}

// The configured lookaside caches as base URLs; a folder that does not exist is a mistake.
std::vector<std::string> lookaside_bases(const Context& ctx) {
  const auto& setting = ctx.settings.get("sources.lookaside");
  std::vector<std::string> bases;
  for (const auto& entry : split(setting.value, ',')) {
    if (trim(entry).empty()) continue;
    auto base = lookaside_base(entry, ctx.root());
    if (!base) {
      throw UsageError("sources.lookaside from " + setting.source + ": " + base.error(),
                       "fix the entry in " + setting.source);
    }
    if (auto folder = file_url_path(base.value()); folder && !fs::is_directory(*folder)) {
      throw UsageError("lookaside folder " + folder->string() +
                           " does not exist (sources.lookaside "
                           "entry '" +
                           std::string(trim(entry)) + "' from " + setting.source + ")",
                       "create the folder or fix the entry in " + setting.source);
    }
    bases.push_back(base.value());
  }
  return bases;
}

Reporter::Mode reporter_mode(const Context& ctx) {
  if (ctx.json()) return Reporter::Mode::json;
  if (ctx.options.verbosity == Verbosity::quiet) return Reporter::Mode::quiet;
  return log::terminal_escapes(STDERR_FILENO) ? Reporter::Mode::tty : Reporter::Mode::plain;
}

long parallel_downloads(const Context& ctx) {
  const auto& jobs = ctx.settings.get("jobs");
  return jobs.origin == config::Origin::builtin ? 8L : ctx.settings.integer("jobs");
}

std::string fetch_command(const FetchOptions& options) {
  return options.variant.empty() ? "osbuild fetch" : "osbuild fetch --variant " + options.variant;
}

[[noreturn]] void fail_offline(const std::vector<std::string>& missing,
                               const FetchOptions& options) {
  throw Error("offline, and " + std::to_string(missing.size()) + " source" +
                  (missing.size() == 1 ? " is" : "s are") + " not in the store:\n  " +
                  join(missing, "\n  "),
              "run `" + fetch_command(options) +
                  "` with network access, then run again with --offline; or put the files "
                  "into a lookaside cache (sources.lookaside) as <name>/<sha512>/<name>");
}

// The packages whose sources the run fetches.
std::vector<const config::Package*> packages_to_fetch(const config::Project& project,
                                                      const FetchOptions& options) {
  if (options.packages.empty()) return select_packages(project, options.variant);
  std::vector<const config::Package*> out;
  for (const auto& name : options.packages) out.push_back(&project.package(name));
  return out;
}

}  // namespace

// The stage's state while it runs.
class FetchRun {
 public:
  FetchRun(const Context& ctx, const FetchOptions& options)
      : m_ctx(ctx),
        m_options(options),
        // Sources can always be fetched again and the store re-hashes what it serves, so a fetch
        // does not pay an fsync per file: a crash costs a re-fetch, never a wrong file.
        m_store(ctx.cache_dir(), Durability::cache),
        m_stats(ctx.cache_dir() / "fetch" / "stat-cache.json"),
        m_reporter(reporter_mode(ctx), ctx.options.verbosity == Verbosity::verbose) {
    m_store.set_warning_handler([this](const std::string& m) { m_reporter.info(m); });
  }

  FetchSummary run() {
    SourceList sources = collect_sources(packages_to_fetch(m_ctx.project, m_options));
    std::vector<std::string> bases = lookaside_bases(m_ctx);
    std::vector<const ExternalItem*> files = missing_files(sources);
    std::vector<const GitItem*> gits = missing_gits(sources);
    m_stats.save();
    if (m_ctx.settings.boolean("offline") && (!files.empty() || !gits.empty())) {
      std::vector<std::string> missing;
      for (const auto* f : files) {
        missing.push_back(f->label + ": sha512 " + f->file->sha512.substr(0, 16) + "...");
      }
      for (const auto* g : gits) missing.push_back(g->label);
      fail_offline(missing, m_options);
    }
    if (files.empty() && gits.empty() && m_options.report == Report::quiet_when_present) {
      return m_summary;
    }
    m_reporting = true;
    for (const auto& name : m_present_unreported) m_reporter.present(name);
    m_reporter.set_total(files.size() + gits.size(), m_summary.present);
    if (!files.empty() || !gits.empty()) {
      fs::create_directories(tmp_dir());
      bool waited = false;
      auto lock = FileLock::acquire(tmp_dir() / "lock", FileLock::Wait::yes,
                                    [this, &waited](const std::string& holder) {
                                      waited = true;
                                      m_reporter.info("waiting for " + holder + " to finish");
                                    });
      if (waited) {  // the other run may have fetched some of them
        std::erase_if(files, [this](const ExternalItem* f) { return now_present(*f); });
      }
      download(files, bases);
      fetch_gits(gits);
      m_stats.save();
    }
    m_reporter.summary(m_summary.fetched, m_summary.present, m_failures.size());
    if (!m_failures.empty()) throw_failures(files.size() + gits.size());
    return m_summary;
  }

 private:
  fs::path tmp_dir() const { return m_ctx.cache_dir() / "tmp" / "fetch"; }

  std::vector<const ExternalItem*> missing_files(const SourceList& sources) {
    std::vector<const ExternalItem*> out;
    for (const auto& item : sources.files) {
      bool rehashed = false;
      if (indexed_and_sound(m_store, m_stats, external_file_key(item.file->sha512),
                            m_options.verify, item.file->sha512, rehashed)) {
        note_present(item.name, rehashed);
      } else {
        out.push_back(&item);
      }
    }
    return out;
  }

  std::vector<const GitItem*> missing_gits(const SourceList& sources) {
    std::vector<const GitItem*> out;
    for (const auto& item : sources.gits) {
      bool rehashed = false;
      const auto& g = *item.source;
      if (indexed_and_sound(m_store, m_stats, git_source_key(g.url, g.rev), m_options.verify, "",
                            rehashed)) {
        note_present(item.label, rehashed);
      } else {
        out.push_back(&item);
      }
    }
    return out;
  }

  bool now_present(const ExternalItem& item) {
    bool rehashed = false;
    if (!indexed_and_sound(m_store, m_stats, external_file_key(item.file->sha512), VerifyMode::stat,
                           item.file->sha512, rehashed)) {
      return false;
    }
    note_present(item.name, rehashed);
    return true;
  }

  void note_present(const std::string& name, bool rehashed) {
    ++m_summary.present;
    if (rehashed) ++m_summary.rehashed;
    if (m_options.report == Report::quiet_when_present && !m_reporting) {
      m_present_unreported.push_back(name);  // said only if the run fetches something
    } else {
      m_reporter.present(name);
    }
  }

  DownloadJob make_job(const ExternalItem& item, const std::vector<std::string>& bases) const {
    const auto& f = *item.file;
    DownloadJob job;
    job.name = item.name;
    job.label = item.label;
    job.sha512 = f.sha512;
    job.upstream = redact_url(f.url);
    job.partial = tmp_dir() / (f.sha512.substr(0, 64) + ".partial");
    bool fallback = m_ctx.settings.boolean("sources.upstream-fallback");
    if (!f.force_upstream) {
      for (const auto& base : bases) {
        job.candidates.push_back({lookaside_url(base, item.name, f.sha512), Place::lookaside});
      }
    }
    if (f.force_upstream || fallback) {
      job.candidates.push_back({f.url, Place::upstream});
    }
    return job;
  }

  void download(const std::vector<const ExternalItem*>& files,
                const std::vector<std::string>& bases) {
    std::vector<DownloadJob> jobs;
    for (const auto* item : files) jobs.push_back(make_job(*item, bases));
    auto store = [this](DownloadJob& job) {
      Json description = {{"kind", "external-file"},
                          {"sha512", job.sha512},
                          {"name", job.name},
                          {"url", redact_url(job.from_url)}};
      store_and_index(m_store, m_stats, job.partial, external_file_key(job.sha512), description);
    };
    Downloader(net::TransferPolicy::from_settings(m_ctx.settings),
               parallel_downloads(m_ctx), m_reporter)
        .run(jobs, store);
    for (auto& job : jobs) {
      if (job.done) {
        ++m_summary.fetched;
        m_summary.bytes += job.bytes;
      } else {
        note_failure(job);
      }
    }
  }

  void note_failure(DownloadJob& job) {
    if (job.candidates.empty()) job.failures.push_back("no lookaside cache is configured");
    bool upstream_tried = !job.candidates.empty() && job.candidates.back().place == Place::upstream;
    if (!upstream_tried) {
      job.failures.push_back("upstream " + job.upstream + " not tried: upstream fallback is off");
    }
    m_hint_lookaside |= job.only_missing && !upstream_tried;
    m_hint_disk |= job.disk_failed;
    m_failures.push_back(job.label + ":\n    " + join(job.failures, "\n    "));
  }

  void fetch_gits(const std::vector<const GitItem*>& gits) {
    for (const auto* item : gits) {
      if (process::interrupted()) {
        m_failures.push_back(item->label + ":\n    interrupted");
        continue;
      }
      const auto& g = *item->source;
      fs::path tar = tmp_dir() / (git_source_key(g.url, g.rev) + ".tar");
      try {
        auto exported = export_git_tree(m_ctx.cache_dir() / "git", g.url, g.rev, tar, 0);
        Json description = {{"kind", "git"},
                            {"url", redact_url(g.url)},
                            {"rev", g.rev},
                            {"tree", exported.tree},
                            {"entries", exported.entries}};
        auto size = fs::file_size(tar);
        store_and_index(m_store, m_stats, tar, git_source_key(g.url, g.rev), description);
        ++m_summary.fetched;
        m_reporter.fetched(item->label, redact_url(g.url), size);
      } catch (const Error& e) {
        std::string text = e.what();
        if (!e.hint().empty()) text += "\n    hint: " + e.hint();
        m_failures.push_back(item->label + ":\n    " + text);
        m_reporter.failed(item->label, e.what());
      }
      std::error_code ec;
      fs::remove(tar, ec);
    }
  }

  [[noreturn]] void throw_failures(std::size_t attempted) const {
    if (process::interrupted()) {
      throw Error("fetch interrupted",
                  "run again: finished files are kept and interrupted downloads resume",
                  ExitCode::interrupted);
    }
    bool mismatch = false;
    for (const auto& f : m_failures) mismatch |= f.find("sha512 mismatch") != std::string::npos;
    std::string what = "cannot fetch " + std::to_string(m_failures.size()) + " of " +
                       std::to_string(attempted) + " source" + (attempted == 1 ? "" : "s") +
                       ":\n  " + join(m_failures, "\n  ");
    std::string hint =
        m_hint_disk ? "free some space in " + m_ctx.cache_dir().string() +
                          " (or set OSBUILD_CACHE_DIR elsewhere) and run `osbuild fetch` again"
        : m_hint_lookaside
            ? "put the files into a lookaside cache (sources.lookaside), or allow upstream "
              "downloads with --upstream-source-fallback or BUILDSYS_UPSTREAM_SOURCE_FALLBACK=true"
            : "fix the causes above and run `osbuild fetch` again; finished files are kept and "
              "interrupted downloads resume";
    throw Error(what, hint, mismatch ? ExitCode::verification : ExitCode::failure);
  }

  const Context& m_ctx;
  const FetchOptions& m_options;
  store::Store m_store;
  StatCache m_stats;
  Reporter m_reporter;
  FetchSummary m_summary;
  bool m_reporting = false;  // under Report::quiet_when_present: once something is to be fetched
  std::vector<std::string> m_present_unreported;
  std::vector<std::string> m_failures;
  bool m_hint_lookaside = false;
  bool m_hint_disk = false;
};

FetchSummary run_fetch(const Context& ctx, const FetchOptions& options) {
  FetchRun run(ctx, options);
  return run.run();
}

}  // namespace osbuild::fetch
