#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace osbuild {

using Json = nlohmann::json;

// Sorted keys, no insignificant white space, UTF-8 as is: the form every action key hashes.
std::string canonical_json(const Json& value);

}  // namespace osbuild
