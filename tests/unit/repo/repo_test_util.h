#pragma once
// What the repo unit tests share: a repository's URLs in memory and times written as RFC 3339.
#include <string>

#include "osbuild/repo/client.h"
#include "osbuild/util/units.h"

namespace osbuild::repo::test_util {

inline const std::string k_meta = "http://repo.test/metadata/dev/x86_64/";
inline const std::string k_targets = "http://repo.test/targets/";

inline Time at(const char* text) {
  return parse_rfc3339(text).value();
}

}  // namespace osbuild::repo::test_util
