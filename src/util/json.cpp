#include "osbuild/util/json.h"

namespace osbuild {

// nlohmann::json keeps objects in a std::map, so dump() already writes keys in sorted order.
std::string canonical_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::strict);
}

}  // namespace osbuild
