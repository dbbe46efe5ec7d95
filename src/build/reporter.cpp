#include "reporter.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "osbuild/process/process.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/log.h"
#include "package_build.h"

namespace osbuild::build {

BuildReporter::BuildReporter(Mode mode, std::string arch, std::size_t total)
    : m_mode(mode), m_arch(std::move(arch)), m_total(total) {
  // The status line is redrawn with escapes: NO_COLOR, --color=never or TERM=dumb make it plain.
  if (m_mode == Mode::tty && !log::terminal_escapes(STDERR_FILENO)) {
    m_mode = Mode::plain;
  }
  if (m_mode == Mode::tty) {
    m_ticker = std::thread([this] { ticker(); });
  }
  event("start", {{"arch", m_arch}, {"packages", m_total}});
}

BuildReporter::~BuildReporter() {
  stop();
}

void BuildReporter::stop() {
  {
    std::lock_guard guard(m_mutex);
    if (m_stopping) {
      return;
    }
    m_stopping = true;
    clear_status();
  }
  m_wake.notify_all();
  if (m_ticker.joinable()) {
    m_ticker.join();
  }
}

double BuildReporter::elapsed() const {
  return std::chrono::duration<double>(Clock::now() - m_start).count();
}

// The status line is redrawn once a second so that the elapsed time moves while builds run.
void BuildReporter::ticker() {
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    m_wake.wait_for(lock, std::chrono::seconds(1));
    if (!m_stopping) {
      draw_status();
    }
  }
}

void BuildReporter::clear_status() {
  if (m_status_shown) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    m_status_shown = false;
  }
}

void BuildReporter::draw_status() {
  if (m_mode != Mode::tty || m_running.empty()) {
    clear_status();
    return;
  }
  std::string running;
  for (const auto& name : m_running) {
    running += (running.empty() ? "" : ", ") + name;
  }
  if (running.size() > 60) {
    running = running.substr(0, 57) + "...";
  }
  std::fprintf(stderr, "\r\033[K[%zu/%zu] building %s · %.0fs", m_done, m_total, running.c_str(),
               elapsed());
  std::fflush(stderr);
  m_status_shown = true;
}

void BuildReporter::event(std::string_view name, Json fields) {
  if (m_mode != Mode::json) {
    return;
  }
  fields["time"] = std::round(elapsed() * 1000) / 1000;
  json_event("build", name, fields);
}

void BuildReporter::say(const std::string& line) {
  std::lock_guard guard(m_mutex);
  if (m_mode == Mode::json || m_mode == Mode::quiet) {
    return;
  }
  clear_status();
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
  draw_status();
}

void BuildReporter::explain(const std::string& package, const std::string& reason) {
  say(fmt::format("explain: {}: {}", package, reason));
  std::lock_guard guard(m_mutex);
  event("explain", {{"package", package}, {"reason", reason}});
}

void BuildReporter::cached(const std::string& package, const std::string& artifact) {
  std::lock_guard guard(m_mutex);
  ++m_done;
  event("cached", {{"package", package}, {"artifact", artifact}});
}

void BuildReporter::started(const std::string& package) {
  say(fmt::format("building {}", package));
  std::lock_guard guard(m_mutex);
  m_running.insert(package);
  m_started[package] = Clock::now();
  event("started", {{"package", package}});
  draw_status();
}

void BuildReporter::finished(const std::string& package, const std::string& artifact,
                             const std::vector<StepOutcome>& steps) {
  double seconds = 0;
  {
    std::lock_guard guard(m_mutex);
    seconds = std::chrono::duration<double>(Clock::now() - m_started[package]).count();
    m_seconds[package] = seconds;
    m_running.erase(package);
    ++m_done;
    Json step_list = Json::array();
    for (const auto& step : steps) {
      step_list.push_back({{"name", step.name}, {"reused", step.reused}});
    }
    event("finished", {{"package", package},
                       {"artifact", artifact},
                       {"seconds", std::round(seconds * 1000) / 1000},
                       {"steps", step_list}});
  }
  std::string step_text;
  for (const auto& step : steps) {
    step_text += fmt::format("{}{} {}", step_text.empty() ? "; steps: " : ", ", step.name,
                             step.reused ? "reused" : "ran");
  }
  say(fmt::format("built {} in {:.1f}s ({}{})", package, seconds, artifact.substr(0, 12),
                  step_text));
}

void BuildReporter::failed(const std::string& package, const std::string& report) {
  std::lock_guard guard(m_mutex);
  m_running.erase(package);
  if (m_started.count(package) != 0U) {
    m_seconds[package] = std::chrono::duration<double>(Clock::now() - m_started[package]).count();
  }
  ++m_done;
  if (process::interrupted()) {
    // Killed by the interrupt, not failed: its exit status (143) and log tail would only bury
    // the one line that matters, "build interrupted", printed once at the end.
    event("interrupted", {{"package", package}});
    return;
  }
  clear_status();
  std::fputs(("osbuild: " + report).c_str(), stderr);
  std::fflush(stderr);
  event("failed", {{"package", package}, {"report", report}});
  draw_status();
}

std::vector<BuildReporter::Timing> BuildReporter::critical_path(
    const std::map<std::string, std::vector<std::string>>& deps) const {
  std::lock_guard guard(m_mutex);
  // Longest chain ending at each package, memoised; packages that did not run count 0 s.
  std::map<std::string, std::pair<double, std::string>> best;  // total, predecessor
  std::function<double(const std::string&)> longest = [&](const std::string& name) -> double {
    if (auto it = best.find(name); it != best.end()) {
      return it->second.first;
    }
    double own = m_seconds.count(name) != 0U ? m_seconds.at(name) : 0.0;
    std::pair<double, std::string> result{own, ""};
    if (auto it = deps.find(name); it != deps.end()) {
      for (const auto& dep : it->second) {
        double total = longest(dep) + own;
        if (total > result.first) {
          result = {total, dep};
        }
      }
    }
    best[name] = result;
    return result.first;
  };
  std::string end;
  double end_total = -1;
  for (const auto& [name, unused] : deps) {
    if (double t = longest(name); t > end_total) {
      end_total = t;
      end = name;
    }
  }
  std::vector<Timing> path;
  for (std::string at = end; !at.empty(); at = best[at].second) {
    path.push_back({at, m_seconds.count(at) != 0U ? m_seconds.at(at) : 0.0});
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<BuildReporter::Timing> BuildReporter::slowest(std::size_t count) const {
  std::lock_guard guard(m_mutex);
  std::vector<Timing> all;
  for (const auto& [name, seconds] : m_seconds) {
    all.push_back({name, seconds});
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Timing& a, const Timing& b) { return a.seconds > b.seconds; });
  if (all.size() > count) {
    all.resize(count);
  }
  return all;
}

}  // namespace osbuild::build
