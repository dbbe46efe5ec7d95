#pragma once
// What the repo unit tests share: a repository's URLs in memory and times written as RFC 3339.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "osbuild/repo/client.h"
#include "osbuild/util/units.h"

namespace osbuild::repo::test_util {

inline const std::string k_meta = "http://repo.test/metadata/dev/x86_64/";
inline const std::string k_targets = "http://repo.test/targets/";

inline Time at(const char* text) {
  return parse_rfc3339(text).value();
}

// The message of the verification failure `fn` throws, or "no error".
inline std::string verification_error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), ExitCode::verification) << e.what();
    return e.what();
  }
  return "no error";
}

}  // namespace osbuild::repo::test_util
