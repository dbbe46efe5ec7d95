#pragma once
// What the build stage tells the user: plain lines, one status line on a terminal (done/total,
// running packages, elapsed), one JSON event per line with --json, and --timings at the end.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "osbuild/util/json.h"

namespace osbuild::build {

struct StepOutcome;

class BuildReporter {
 public:
  enum class Mode { tty, plain, quiet, json };
  using Clock = std::chrono::steady_clock;

  BuildReporter(Mode mode, std::string arch, std::size_t total);
  ~BuildReporter();
  BuildReporter(const BuildReporter&) = delete;
  BuildReporter& operator=(const BuildReporter&) = delete;

  // A line for humans (plain and tty modes only).
  void say(const std::string& line);
  void explain(const std::string& package, const std::string& reason);
  void cached(const std::string& package, const std::string& artifact);
  void started(const std::string& package);
  void finished(const std::string& package, const std::string& artifact,
                const std::vector<StepOutcome>& steps);
  // A package whose build failed, with its report; one stopped by an interrupt (Ctrl-C) is
  // counted but not reported: the build says "interrupted" once, at the end.
  void failed(const std::string& package, const std::string& report);
  // Stops the status line; the final summary comes after.
  void stop();

  // Critical path (longest chain of build times through `deps`) and the slowest packages.
  struct Timing {
    std::string package;
    double seconds = 0;
  };
  std::vector<Timing> critical_path(
      const std::map<std::string, std::vector<std::string>>& deps) const;
  std::vector<Timing> slowest(std::size_t count) const;
  double elapsed() const;
  Mode mode() const { return m_mode; }
  // An event of the --json stream, stage "build", with the seconds since the build began as
  // "time" (json mode only; docs/json.md).
  void event(std::string_view name, Json fields = Json::object());

 private:
  void clear_status();
  void draw_status();
  void ticker();

  Mode m_mode;
  std::string m_arch;
  std::size_t m_total;
  std::size_t m_done = 0;
  std::set<std::string> m_running;
  std::map<std::string, Clock::time_point> m_started;
  std::map<std::string, double> m_seconds;
  Clock::time_point m_start = Clock::now();
  bool m_status_shown = false;
  bool m_stopping = false;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::thread m_ticker;
};

}  // namespace osbuild::build
