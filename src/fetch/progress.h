#pragma once
// What the fetch stage tells the user: one status line on a terminal, plain lines otherwise,
// nothing with -q, one JSON object per line with --json.
#include <chrono>
#include <cstdint>
#include <string>

namespace osbuild::fetch {

class Reporter {
 public:
  enum class Mode { tty, plain, quiet, json };
  Reporter(Mode mode, bool verbose);

  void set_total(std::size_t files, std::size_t present);
  void info(const std::string& message);
  void present(const std::string& name);
  void retry(const std::string& name, const std::string& url, const std::string& reason,
             std::chrono::milliseconds delay);
  void fetched(const std::string& name, const std::string& url, std::uint64_t bytes);
  void failed(const std::string& name, const std::string& message);
  void add_bytes(std::uint64_t bytes);
  // Redraws the terminal status line, at most ten times a second.
  void tick();
  void summary(std::size_t fetched, std::size_t present, std::size_t failed);

 private:
  void line(const std::string& text);
  void clear_status();
  void draw_status();

  Mode m_mode;
  bool m_verbose;
  std::size_t m_total = 0;
  std::size_t m_done = 0;
  std::uint64_t m_bytes = 0;
  bool m_status_shown = false;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point m_last_draw{};
};

}  // namespace osbuild::fetch
