#pragma once
// The HTTP seam: a request, a response, and a client that runs requests (several at once),
// retrying transient failures with the transfer policy's backoff. CurlHttpClient is the real one
// (libcurl's multi interface, bound on first use); tests use an in-memory fake.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "osbuild/net/policy.h"

namespace osbuild::net {

enum class Method { get, head, put, post, patch, del };
std::string_view method_name(Method method);

// libcurl result codes the callers look at (the values are libcurl's CURLcode).
namespace code {
inline constexpr int ok = 0;
inline constexpr int couldnt_connect = 7;
inline constexpr int partial_file = 18;
inline constexpr int write_error = 23;
inline constexpr int timed_out = 28;
inline constexpr int range_error = 33;
inline constexpr int file_couldnt_read = 37;
inline constexpr int got_nothing = 52;
inline constexpr int recv_error = 56;
}  // namespace code

struct Response {
  int code = code::ok;  // libcurl's result: ok when an answer arrived whole
  std::string error;    // libcurl's words when code is not ok
  long status = 0;      // the HTTP status; 0 when none arrived (and for file://)
  std::vector<std::pair<std::string, std::string>> headers;  // of the last response, names lower case
  std::string body;            // unless the request had a sink
  std::uint64_t received = 0;  // body bytes taken by the memory body or the sink
  std::uint64_t sent = 0;      // request body bytes sent
  bool too_large = false;      // the body passed the request's max_body: the transfer was stopped
  bool sink_failed = false;    // the sink refused the body (a local write failed)
  int attempt = 1;             // which attempt this answer came from

  // The last value of a header (lower-case name); empty when absent.
  std::string header(std::string_view name) const;
  std::vector<std::string> header_values(std::string_view name) const;
  bool ok() const { return code == code::ok && (status == 0 || (status >= 200 && status < 300)); }
  bool missing() const { return code == code::ok && (status == 404 || status == 410); }
  Outcome outcome() const { return sink_failed ? Outcome::fatal : classify(code, status); }
};

// Where a resumable body starts: Range: bytes=<offset>- and If-Range: <if_range>.
struct Resume {
  std::uint64_t offset = 0;
  std::string if_range;
};

// A response body's destination other than memory (a file, a hash, a stream).
class BodySink {
 public:
  virtual ~BodySink() = default;
  // Before each attempt (counting from 1): where the body should start, or nullopt when the sink
  // cannot take this attempt (it could not open its file, or it already passed bytes on).
  virtual std::optional<Resume> open(int attempt) = 0;
  // The first byte of a body is about to arrive; `head` has the status and headers. False
  // stops the transfer as a local failure.
  virtual bool begin(const Response& head) = 0;
  virtual bool write(std::string_view data) = 0;
};

struct BasicAuth {
  std::string user;
  std::string password;
};

struct Request {
  Method method = Method::get;
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent by put, post and patch unless body_file is set
  std::filesystem::path body_file;
  std::optional<BasicAuth> auth;
  bool netrc = false;        // without auth: ~/.netrc (or $NETRC) may hold the host's credentials
  bool allow_file = false;   // file:// URLs are read (the fetch stage's folder lookasides)
  std::optional<long> max_redirects;  // followed up to this many (http and https only); none: a
                                      // redirect is the answer
  long connect_timeout_s = 30;
  long timeout_ms = 0;       // the whole transfer; 0: no limit
  long low_speed_limit = 1;  // bytes/s; below it for low_speed_time_s the transfer is given up
  long low_speed_time_s = 0;  // 0: no stall limit
  int retries = 0;            // transient failures retried with the client's policy
  std::uint64_t max_body = std::numeric_limits<std::uint64_t>::max();
  BodySink* sink = nullptr;   // the body goes here instead of Response::body
  std::function<void(std::uint64_t)> on_progress;  // body bytes as they arrive
  // A failed attempt that will be retried after `delay`.
  std::function<void(const Response& failed, std::chrono::milliseconds delay)> on_retry;
};

// A GET with the policy's limits: redirects, connect and stall time-outs, retries.
Request policy_request(const TransferPolicy& policy, std::string url);

// After attempt `failed.attempt` failed: the wait before the next one, or nullopt when the failure
// is not transient or the request's retries are spent. Retry-After is honoured.
std::optional<std::chrono::milliseconds> retry_delay(const TransferPolicy& policy,
                                                     const Request& request,
                                                     const Response& failed, double jitter01);

// One caller at a time: submit() and run() share one queue, so a client used from several
// threads needs its user to take turns (store::RemoteCache does).
class HttpClient {
 public:
  using Done = std::function<void(Response&)>;
  virtual ~HttpClient() = default;
  // Queues a request; `done` is called from run() once it ended (after its retries). `done` may
  // submit more.
  virtual void submit(Request request, Done done) = 0;
  // Runs what was submitted, at most `parallel` transfers at once, until nothing is left.
  // `tick` is called about ten times a second while transfers run.
  virtual void run(std::size_t parallel, const std::function<void()>& tick = {}) = 0;
  // One request to its end.
  Response perform(Request request);
};

// libcurl's multi interface; libcurl is loaded by the first transfer, not before.
class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(TransferPolicy policy = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  void submit(Request request, Done done) override;
  void run(std::size_t parallel, const std::function<void()>& tick = {}) override;

 private:
  struct Engine;
  std::unique_ptr<Engine> m_engine;
};

}  // namespace osbuild::net
