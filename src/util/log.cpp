#include "osbuild/util/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace osbuild::log {

namespace {

Level g_level = Level::warn;

std::shared_ptr<spdlog::logger> logger() {
  static auto instance = [] {
    auto l = spdlog::stderr_color_mt("osbuild");
    l->set_pattern("osbuild: %l: %v");
    return l;
  }();
  return instance;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

void init(Level level) {
  g_level = level;
  logger()->set_level(to_spdlog(level));
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

bool enabled(Level level) { return level >= g_level; }

void write(Level level, std::string_view message) { logger()->log(to_spdlog(level), message); }

}  // namespace osbuild::log
