#include "osbuild/util/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <spdlog/version.h>
#include <unistd.h>

#include <cstdlib>

namespace osbuild::log {

namespace {

Level g_level = Level::warn;
Color g_color = Color::automatic;

#define OSBUILD_STRINGIFY_(x) #x
#define OSBUILD_STRINGIFY(x) OSBUILD_STRINGIFY_(x)

spdlog::color_mode escapes_mode() {
  return terminal_escapes(STDERR_FILENO) ? spdlog::color_mode::always : spdlog::color_mode::never;
}

std::shared_ptr<spdlog::logger> logger() {
  static auto instance = [] {
    auto l = spdlog::stderr_color_mt("osbuild", escapes_mode());
    l->set_pattern("osbuild: %l: %v");
    return l;
  }();
  return instance;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace:
      return spdlog::level::trace;
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
    case Level::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

void init(Level level) {
  g_level = level;
  logger()->set_level(to_spdlog(level));
  for (const auto& sink : logger()->sinks()) {
    if (auto color_sink = std::dynamic_pointer_cast<spdlog::sinks::stderr_color_sink_mt>(sink)) {
      color_sink->set_color_mode(escapes_mode());
    }
  }
  if (level <= Level::debug) {
    logger()->set_pattern("osbuild[%P] %H:%M:%S.%e %l: %v");
  }
}

Level parse_level(std::string_view text) {
  if (text == "trace") return Level::trace;
  if (text == "debug") return Level::debug;
  if (text == "warn" || text == "warning") return Level::warn;
  if (text == "error") return Level::error;
  if (text == "off") return Level::off;
  return Level::info;
}

bool enabled(Level level) {
  return level >= g_level;
}

Color parse_color(std::string_view text) {
  if (text == "always") return Color::always;
  if (text == "never") return Color::never;
  return Color::automatic;
}

void set_color(Color color) {
  g_color = color;
}

bool terminal_escapes(int fd) {
  switch (g_color) {
    case Color::always:
      return true;
    case Color::never:
      return false;
    case Color::automatic:
      break;
  }
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') {
    return false;
  }
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") {
    return false;
  }
  return ::isatty(fd) != 0;
}

std::string_view library_version() {
  return OSBUILD_STRINGIFY(SPDLOG_VER_MAJOR) "." OSBUILD_STRINGIFY(
      SPDLOG_VER_MINOR) "." OSBUILD_STRINGIFY(SPDLOG_VER_PATCH);
}

void write(Level level, std::string_view message) {
  logger()->log(to_spdlog(level), message);
}

}  // namespace osbuild::log
