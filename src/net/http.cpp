#include "osbuild/net/http.h"

namespace osbuild::net {

std::string_view method_name(Method method) {
  switch (method) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::put:
      return "PUT";
    case Method::post:
      return "POST";
    case Method::patch:
      return "PATCH";
    case Method::del:
      return "DELETE";
  }
  return "GET";
}

std::string Response::header(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return {};
}

std::vector<std::string> Response::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers) {
    if (key == name) out.push_back(value);
  }
  return out;
}

Request policy_request(const TransferPolicy& policy, std::string url) {
  Request r;
  r.url = std::move(url);
  r.max_redirects = policy.max_redirects;
  r.connect_timeout_s = policy.connect_timeout_s;
  r.low_speed_limit = policy.low_speed_limit;
  r.low_speed_time_s = policy.low_speed_time_s;
  r.retries = policy.retries;
  return r;
}

std::optional<std::chrono::milliseconds> retry_delay(const TransferPolicy& policy,
                                                     const Request& request,
                                                     const Response& failed, double jitter01) {
  if (failed.outcome() != Outcome::transient || failed.attempt > request.retries) {
    return std::nullopt;
  }
  std::optional<std::chrono::seconds> retry_after;
  if (std::string value = failed.header("retry-after"); !value.empty()) {
    retry_after = parse_retry_after(value, std::chrono::system_clock::now());
  }
  return backoff_delay(policy, failed.attempt, jitter01, retry_after);
}

Response HttpClient::perform(Request request) {
  Response out;
  submit(std::move(request), [&out](Response& r) { out = std::move(r); });
  run(1);
  return out;
}

}  // namespace osbuild::net
