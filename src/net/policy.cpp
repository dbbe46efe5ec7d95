#include "osbuild/net/policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "osbuild/util/error.h"
#include "osbuild/util/text.h"
#include "osbuild/version.h"

namespace osbuild::net {

namespace {

Outcome classify_status(long status) {
  if (status == 0 || (status >= 200 && status < 300)) {
    return Outcome::ok;
  }
  if (status == 404 || status == 410) {
    return Outcome::missing;
  }
  if (status == 408 || status == 425 || status == 429 || (status >= 500 && status != 501)) {
    return Outcome::transient;
  }
  return Outcome::permanent;
}

}  // namespace

const std::string& user_agent() {
  static const std::string agent = std::string("osbuild/") + OSBUILD_VERSION;
  return agent;
}

TransferPolicy TransferPolicy::from_settings(const config::Settings& s) {
  TransferPolicy p;
  p.retries = static_cast<int>(s.integer("fetch.retries"));
  p.backoff_base = std::chrono::milliseconds(s.integer("fetch.backoff-ms"));
  p.backoff_max = std::chrono::milliseconds(s.integer("fetch.backoff-max-ms"));
  p.connect_timeout_s = s.integer("fetch.connect-timeout");
  p.low_speed_time_s = s.integer("fetch.low-speed-time");
  p.low_speed_limit = s.integer("fetch.low-speed-limit");
  p.max_redirects = s.integer("fetch.max-redirects");
  p.host_connections = s.integer("fetch.host-connections");
  return p;
}

TransferPolicy TransferPolicy::from_environment(const config::Environment& env) {
  return from_settings(config::Settings::resolve(nullptr, {}, env));
}

Outcome classify(int curl_code, long http_status) {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_OK:
      return classify_status(http_status);
    case CURLE_FILE_COULDNT_READ_FILE:
      return Outcome::missing;
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_RANGE_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:
      return Outcome::transient;
    case CURLE_WRITE_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
      return Outcome::fatal;
    default:
      return Outcome::permanent;
  }
}

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok:
      return "ok";
    case Outcome::missing:
      return "missing";
    case Outcome::permanent:
      return "permanent";
    case Outcome::transient:
      return "transient";
    case Outcome::fatal:
      return "fatal";
  }
  return "permanent";
}

std::chrono::milliseconds backoff_delay(const TransferPolicy& policy, int attempt, double jitter01,
                                        std::optional<std::chrono::seconds> retry_after) {
  int exponent = std::clamp(attempt - 1, 0, 30);
  double raw = static_cast<double>(policy.backoff_base.count()) * std::ldexp(1.0, exponent);
  double capped = std::min(raw, static_cast<double>(policy.backoff_max.count()));
  double factor = 0.5 + 0.5 * std::clamp(jitter01, 0.0, 1.0);
  auto delay = std::chrono::milliseconds(static_cast<long long>(capped * factor));
  if (retry_after) {
    auto wanted = std::chrono::milliseconds(std::min(*retry_after, policy.retry_after_max));
    delay = std::max(delay, wanted);
  }
  return delay;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    return seconds < 0 ? std::nullopt : std::optional(std::chrono::seconds(seconds));
  }
  std::string text(value);
  time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) {
    return std::nullopt;
  }
  auto diff = std::chrono::system_clock::from_time_t(when) - now;
  auto secs = std::chrono::ceil<std::chrono::seconds>(diff);
  return std::max(secs, std::chrono::seconds(0));
}

}  // namespace osbuild::net
