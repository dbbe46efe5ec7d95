#pragma once
// When a failed transfer is worth another attempt, and how long to wait before it.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "osbuild/config/settings.h"

namespace osbuild::net {

// Transfer limits and retry policy. Every field can be set through the environment (documented in
// docs/fetch.md) so tests can make timeouts short. `connect_timeout_s` is the one spelling of the
// connect timeout across osbuild's clients.
struct TransferPolicy {
  int retries = 4;                                // OSBUILD_FETCH_RETRIES: attempts after the first
  std::chrono::milliseconds backoff_base{500};    // OSBUILD_FETCH_BACKOFF_MS
  std::chrono::milliseconds backoff_max{30'000};  // OSBUILD_FETCH_BACKOFF_MAX_MS
  std::chrono::seconds retry_after_max{120};      // longer Retry-After values are clamped
  long connect_timeout_s = 30;                    // OSBUILD_FETCH_CONNECT_TIMEOUT
  long low_speed_time_s = 30;                     // OSBUILD_FETCH_LOW_SPEED_TIME
  long low_speed_limit = 1024;                    // OSBUILD_FETCH_LOW_SPEED_LIMIT, bytes/s
  long max_redirects = 10;                        // OSBUILD_FETCH_MAX_REDIRECTS
  long host_connections = 8;                      // OSBUILD_FETCH_HOST_CONNECTIONS

  // From the fetch.* settings (OSBUILD_FETCH_* variables; config/settings.cpp declares them).
  static TransferPolicy from_settings(const config::Settings& settings);
  // The same from an environment alone; a value that is not a number throws a UsageError.
  static TransferPolicy from_environment(const config::Environment& env);
};

// The one User-Agent osbuild sends: "osbuild/<version>".
const std::string& user_agent();

enum class Outcome {
  ok,         // 2xx (or a local file that was read)
  missing,    // 404/410 or a local file that does not exist: try the next place
  permanent,  // 403, other 4xx, bad URL, TLS, redirect loop: no retry at this URL
  transient,  // reset, timeout, truncated body, 5xx, 429: retry with backoff
  fatal,      // the local disk failed (full, read-only): stop this file
};

// Classifies a finished transfer from libcurl's result code and the HTTP status (0 when none).
Outcome classify(int curl_code, long http_status);
std::string_view outcome_name(Outcome outcome);

// The wait before attempt `attempt + 1` after `attempt` failed (attempt counts from 1):
// base * 2^(attempt-1), capped at the maximum, scaled by a jitter factor in [0.5, 1.0]
// (`jitter01` in [0, 1) picks it). A Retry-After wins when it is longer, up to retry_after_max.
std::chrono::milliseconds backoff_delay(const TransferPolicy& policy, int attempt, double jitter01,
                                        std::optional<std::chrono::seconds> retry_after = {});

// Retry-After: delta-seconds or an HTTP date (RFC 9110 §10.2.3); nullopt when unparseable.
// A date in the past gives zero.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace osbuild::net
