// `osbuild cache stats | verify | gc`: the local content store (docs/cache.md).
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli.h"
#include "osbuild/store/remote.h"
#include "osbuild/store/store.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/units.h"

namespace osbuild::cli {

namespace {

// The cache works outside a project too: settings then come from flags, environment and
// built-in defaults. Inside one, a project that does not load is an error, as for `config show`.
config::Settings cache_settings(const GlobalOptions& options) {
  auto ctx = open_context_if_inside(options);
  return ctx ? std::move(ctx->settings) : resolve_settings(options, nullptr);
}

bool json(const CliState& state) {
  return state.options.output == OutputMode::json;
}

store::Store open_store(const CliState& state, const config::Settings& settings) {
  store::Store store(settings.str("cache.dir"));
  bool quiet = state.options.verbosity == Verbosity::quiet;
  store.set_warning_handler([quiet](const std::string& message) {
    if (!quiet) {
      std::fprintf(stderr, "osbuild: %s\n", message.c_str());
    }
  });
  return store;
}

// `cache stats --remote`: what the server says about itself where it can (bazel-remote's /status).
int remote_stats(const CliState& state, const config::Settings& settings) {
  const auto& url = settings.str("cache.remote");
  if (url.empty()) {
    throw UsageError(
        "no remote cache is configured: set [cache] remote in osbuild.toml, "
        "OSBUILD_REMOTE_CACHE, or pass --remote-cache URL");
  }
  auto store = open_store(state, settings);
  store::RemoteCache remote({url}, store, [](const std::string&) {});
  auto answer = remote.status();
  if (!answer.reachable) {
    throw Error("remote cache " + remote.display_url() + " is not reachable: " + answer.error,
                "check the URL, the server, and the network; builds go on without it");
  }
  if (json(state)) {
    Json doc = {{"url", remote.display_url()},
                {"http_status", answer.http_status},
                {"status", answer.status ? *answer.status : Json(nullptr)}};
    json_event("cache", "remote_stats", doc);
    return 0;
  }
  std::printf("remote cache    %s\n", remote.display_url().c_str());
  if (answer.status) {
    for (const auto& [name, value] : answer.status->items()) {
      std::printf("%-15s %s\n", name.c_str(),
                  value.is_string() ? value.get<std::string>().c_str() : value.dump().c_str());
    }
  } else {
    std::printf(
        "status          none: GET /status answered HTTP %ld (nginx and plain HTTP stores "
        "have no status endpoint; bazel-remote serves one)\n",
        answer.http_status);
  }
  return 0;
}

int stats(const CliState& state, bool remote) {
  auto settings = cache_settings(state.options);
  if (remote) {
    return remote_stats(state, settings);
  }
  auto store = open_store(state, settings);
  auto s = store.stats();
  std::uint64_t max = settings.size("cache.max-size");
  std::uint64_t total = s.cas_bytes + s.ac_bytes;
  if (json(state)) {
    Json doc = {{"dir", store.root().string()},
                {"cas", {{"entries", s.cas_entries}, {"bytes", s.cas_bytes}}},
                {"ac", {{"entries", s.ac_entries}, {"bytes", s.ac_bytes}}},
                {"total_bytes", total},
                {"max_bytes", max}};
    json_event("cache", "stats", doc);
    return 0;
  }
  auto count = [](std::uint64_t n) { return static_cast<unsigned long long>(n); };
  std::printf("cache           %s\n", store.root().c_str());
  std::printf("blobs           %llu (%s)\n", count(s.cas_entries),
              format_size(s.cas_bytes).c_str());
  std::printf("action results  %llu (%s)\n", count(s.ac_entries), format_size(s.ac_bytes).c_str());
  std::printf("total           %s of %s (cache.max-size)\n", format_size(total).c_str(),
              format_size(max).c_str());
  return 0;
}

int verify(const CliState& state) {
  auto settings = cache_settings(state.options);
  auto store = open_store(state, settings);
  auto report = store.verify();
  int status =
      static_cast<int>(report.removed.empty() ? ExitCode::success : ExitCode::verification);
  if (json(state)) {
    Json doc = {
        {"dir", store.root().string()}, {"checked", report.checked}, {"removed", report.removed}};
    json_event("cache", "verify", doc);
    return status;
  }
  for (const auto& line : report.removed) {
    std::printf("%s\n", line.c_str());
  }
  std::printf("checked %llu entries in %s, %zu corrupt\n",
              static_cast<unsigned long long>(report.checked), store.root().c_str(),
              report.removed.size());
  return status;
}

int gc(const CliState& state, const std::string& max_size) {
  auto settings = cache_settings(state.options);
  std::uint64_t max = settings.size("cache.max-size");
  if (!max_size.empty()) {
    auto parsed = parse_size(max_size);
    if (!parsed) {
      throw UsageError("--max-size: " + parsed.error());
    }
    max = parsed.value();
  }
  auto store = open_store(state, settings);
  auto report = store.gc(max);
  if (json(state)) {
    Json doc = {{"dir", store.root().string()},
                {"max_bytes", max},
                {"removed_entries", report.removed_entries},
                {"removed_bytes", report.removed_bytes},
                {"removed_temp_files", report.removed_temp_files},
                {"remaining_bytes", report.remaining_bytes}};
    json_event("cache", "gc", doc);
    return 0;
  }
  auto n = report.removed_entries;
  std::printf("removed %llu %s (%s) and %llu stale temporary files; %s left of %s\n",
              static_cast<unsigned long long>(n), n == 1 ? "entry" : "entries",
              format_size(report.removed_bytes).c_str(),
              static_cast<unsigned long long>(report.removed_temp_files),
              format_size(report.remaining_bytes).c_str(), format_size(max).c_str());
  return 0;
}

}  // namespace

void setup_cache(CLI::App& sub, CliState& state) {
  sub.require_subcommand(1);
  sub.fallthrough();  // global flags such as --json may follow `cache stats`
  auto* stats_cmd = sub.add_subcommand("stats", "count the entries and bytes in the store");
  auto remote = std::make_shared<bool>(false);
  stats_cmd->add_flag("--remote", *remote,
                      "ask the remote cache (cache.remote) about itself: bazel-remote's /status");
  add_setting_flags(*stats_cmd, state, {"cache.remote"});
  stats_cmd->callback(
      [&state, remote] { state.action = [&state, remote] { return stats(state, *remote); }; });
  auto* verify_cmd = sub.add_subcommand(
      "verify", "re-hash every entry and remove corrupt ones (exit status 3 when any were found)");
  verify_cmd->callback([&state] { state.action = [&state] { return verify(state); }; });
  auto* gc_cmd = sub.add_subcommand("gc", "evict least recently used entries down to a size");
  auto max_size = std::make_shared<std::string>();
  gc_cmd->add_option("--max-size", *max_size,
                     "target size (default: cache.max-size, e.g. '20 GiB')");
  gc_cmd->callback(
      [&state, max_size] { state.action = [&state, max_size] { return gc(state, *max_size); }; });
}

}  // namespace osbuild::cli
