#include "progress.h"

#include <cstdio>

#include "osbuild/util/json_event.h"
#include "osbuild/util/units.h"

namespace osbuild::fetch {

namespace {

std::string format_rate(std::uint64_t bytes, std::chrono::steady_clock::duration elapsed) {
  double seconds = std::chrono::duration<double>(elapsed).count();
  if (seconds <= 0.0) return "-";
  return format_size(static_cast<std::uint64_t>(static_cast<double>(bytes) / seconds)) + "/s";
}

}  // namespace

Reporter::Reporter(Mode mode, bool verbose) : m_mode(mode), m_verbose(verbose) {}

void Reporter::set_total(std::size_t files, std::size_t present) {
  m_total = files;
  if (m_mode == Mode::json) {
    json_event("fetch", "plan",
               {{"sources", files + present}, {"present", present}, {"to_fetch", files}});
  }
}

void Reporter::line(const std::string& text) {
  clear_status();
  std::fprintf(stderr, "%s\n", text.c_str());
}

void Reporter::info(const std::string& message) {
  if (m_mode == Mode::json) {
    json_event("fetch", "info", {{"message", message}});
  } else if (m_mode != Mode::quiet) {
    line("fetch: " + message);
  }
}

void Reporter::present(const std::string& name) {
  if (m_mode == Mode::json) {
    json_event("fetch", "present", {{"name", name}});
  } else if (m_verbose && m_mode != Mode::quiet) {
    line("fetch: " + name + " is already in the store");
  }
}

void Reporter::retry(const std::string& name, const std::string& url, const std::string& reason,
                     std::chrono::milliseconds delay) {
  if (m_mode == Mode::json) {
    json_event("fetch", "retry",
               {{"name", name}, {"url", url}, {"reason", reason}, {"delay_ms", delay.count()}});
  } else if (m_mode != Mode::quiet) {
    line("fetch: " + reason + "; retrying in " + std::to_string(delay.count()) + " ms");
  }
}

void Reporter::fetched(const std::string& name, const std::string& url, std::uint64_t bytes) {
  ++m_done;
  if (m_mode == Mode::json) {
    json_event("fetch", "fetched", {{"name", name}, {"url", url}, {"bytes", bytes}});
  } else if (m_mode == Mode::plain || (m_mode == Mode::tty && m_verbose)) {
    line("fetch: fetched " + name + " (" + format_size(bytes) + ") from " + url);
  }
  draw_status();
}

void Reporter::failed(const std::string& name, const std::string& message) {
  ++m_done;
  if (m_mode == Mode::json) {
    json_event("fetch", "failed", {{"name", name}, {"message", message}});
  }
  draw_status();
}

void Reporter::add_bytes(std::uint64_t bytes) {
  m_bytes += bytes;
}

void Reporter::tick() {
  auto now = std::chrono::steady_clock::now();
  if (m_mode == Mode::tty && now - m_last_draw > std::chrono::milliseconds(100)) {
    draw_status();
  }
}

void Reporter::clear_status() {
  if (m_status_shown) {
    std::fputs("\r\033[K", stderr);
    m_status_shown = false;
  }
}

void Reporter::draw_status() {
  if (m_mode != Mode::tty || m_total == 0) return;
  m_last_draw = std::chrono::steady_clock::now();
  std::fprintf(stderr, "\r\033[Kfetch: %zu/%zu files, %s, %s", m_done, m_total,
               format_size(m_bytes).c_str(), format_rate(m_bytes, m_last_draw - m_start).c_str());
  std::fflush(stderr);
  m_status_shown = true;
}

void Reporter::summary(std::size_t fetched, std::size_t present, std::size_t failed) {
  auto elapsed = std::chrono::steady_clock::now() - m_start;
  double seconds = std::chrono::duration<double>(elapsed).count();
  if (m_mode == Mode::json) {
    json_event("fetch", "summary",
               {{"fetched", fetched},
                {"present", present},
                {"failed", failed},
                {"bytes", m_bytes},
                {"seconds", seconds}});
    return;
  }
  clear_status();
  if (m_mode == Mode::quiet || failed > 0) return;
  if (fetched == 0) {
    std::fprintf(stderr, "fetch: nothing to fetch, %zu source%s already present (%.2f s)\n",
                 present, present == 1 ? "" : "s", seconds);
    return;
  }
  char text[256];
  std::snprintf(text, sizeof text, "fetch: %zu fetched (%s, %s), %zu already present, %.2f s",
                fetched, format_size(m_bytes).c_str(), format_rate(m_bytes, elapsed).c_str(),
                present, seconds);
  std::fprintf(stderr, "%s\n", text);
}

}  // namespace osbuild::fetch
