#pragma once
// The debug log, behind one header: only log.cpp includes spdlog. User-facing progress goes through
// the Reporter of each stage, not through here.
#include <fmt/format.h>

#include <string_view>

namespace osbuild::log {

enum class Level { trace, debug, info, warn, error, off };

void init(Level level);
Level parse_level(std::string_view text);  // unknown text gives Level::info
bool enabled(Level level);
void write(Level level, std::string_view message);

// Terminal escapes (colours, status lines redrawn in place): `--color` decides, and under `auto`
// they go only to a terminal, never when NO_COLOR is set (https://no-color.org) or TERM=dumb.
enum class Color { automatic, always, never };
Color parse_color(std::string_view text);  // "auto", "always", "never"; anything else: automatic
void set_color(Color color);
// Whether escapes may be written to this file descriptor.
bool terminal_escapes(int fd);

// The spdlog version osbuild was built with, for `osbuild --version`.
std::string_view library_version();

template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::debug)) {
    write(Level::debug, fmt::format(format, std::forward<Args>(args)...));
  }
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::info)) {
    write(Level::info, fmt::format(format, std::forward<Args>(args)...));
  }
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::warn)) {
    write(Level::warn, fmt::format(format, std::forward<Args>(args)...));
  }
}

}  // namespace osbuild::log
