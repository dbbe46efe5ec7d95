#include "osbuild/util/json_event.h"

#include <cstdio>
#include <mutex>
#include <stdexcept>

namespace osbuild {

namespace {

bool snake_case(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string json_event_line(std::string_view stage, std::string_view event, const Json& fields) {
  if (!fields.is_object()) {
    throw std::logic_error("json_event: fields of '" + std::string(event) + "' are not an object");
  }
  for (const char* reserved : {"schema", "stage", "event"}) {
    if (fields.contains(reserved)) {
      throw std::logic_error("json_event: '" + std::string(event) + "' sets the envelope's " +
                             reserved);
    }
  }
  for (const auto& [key, unused] : fields.items()) {
    if (!snake_case(key)) {
      throw std::logic_error("json_event: '" + std::string(event) + "' has the field '" + key +
                             "', which is not snake_case");
    }
  }
  std::string line = "{\"schema\":" + std::to_string(k_json_schema) +
                     ",\"stage\":" + Json(stage).dump() + ",\"event\":" + Json(event).dump();
  std::string rest = fields.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (rest.size() > 2) line += "," + rest.substr(1, rest.size() - 2);
  return line + "}";
}

void json_event(std::string_view stage, std::string_view event, const Json& fields) {
  static std::mutex mutex;
  std::string text = json_event_line(stage, event, fields) + "\n";
  std::lock_guard guard(mutex);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace osbuild
