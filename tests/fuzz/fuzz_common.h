#pragma once
// What every fuzz target shares: the contract that a parser of untrusted input either succeeds or
// throws osbuild::Error (which main prints with the file, the problem and a hint). Any other
// exception reaches main as "internal: ..." and is a bug, so it aborts and libFuzzer keeps the
// input; so does a broken invariant.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "osbuild/util/error.h"

namespace osbuild::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void check(bool ok, const char* what, std::string_view detail = {}) {
  if (!ok) fail(what, detail);
}

// Runs `fn`; osbuild::Error is an accepted outcome (true means it returned normally).
template <typename Fn>
bool errors_only(Fn&& fn) {
  try {
    fn();
    return true;
  } catch (const Error&) {
    return false;
  } catch (const std::exception& e) {
    fail("an exception other than osbuild::Error escaped", e.what());
  }
}

}  // namespace osbuild::fuzz
