#pragma once
// A client for Bazel's HTTP remote-cache protocol (docs/remote-cache.md): `<base>/ac/<key>` holds
// an action result (the JSON document the local store keeps under ac/), `<base>/cas/<sha256>` the
// raw bytes of a blob. Any HTTP/1.1 server that answers GET, PUT and HEAD serves it: nginx with
// WebDAV, bazel-remote, an object store behind a proxy.
//
// The remote is an optimisation and never a reason for a build to fail: time-outs are short, and
// after the first transport error, server error or refused request it is skipped for the rest of
// the run with one warning. Every blob is verified against its digest and size before it enters
// the local store; a corrupt or partial entry is a miss, reported once and never used.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/net/http.h"
#include "osbuild/store/store.h"
#include "osbuild/util/error.h"
#include "osbuild/util/json.h"

namespace osbuild::store {

// A configured remote: the base URL without credentials or a trailing slash, and the credentials
// the URL carried (percent-decoded).
struct RemoteUrl {
  std::string base;  // "https://cache.example.com/osbuild"
  std::string user;
  std::string password;
  bool has_credentials() const { return !user.empty() || !password.empty(); }
};

// Parses `http(s)://[user[:password]@]host[:port][/prefix]`. A query or fragment, another scheme,
// or a missing host is a failure naming the (redacted) URL.
Result<RemoteUrl> parse_remote_url(std::string_view url);

// One output an action result names.
struct RemoteOutput {
  std::string path;    // "artifact.tar"
  std::string digest;  // sha256, lowercase hex
  std::uint64_t size = 0;
};

// Checks the body of an `ac/` entry before anything it names is fetched: a JSON object whose
// "outputs" is a non-empty array of {path, digest, size}, each path a plain file name, each digest
// a sha256 and each size a non-negative integer. The failure says what was wrong.
Result<std::vector<RemoteOutput>> validate_action_entry(std::string_view body);

struct RemoteOptions {
  std::string url;     // as configured (cache.remote); credentials allowed
  bool upload = true;  // cache.remote-upload: false never writes
  long connect_timeout_s = 2;
  long request_timeout_ms = 10'000;  // ac/ entries, HEAD, /status: the whole request
  long blob_timeout_ms = 600'000;    // one blob transfer, start to end
  long stall_timeout_s = 5;          // a transfer below 1 byte/s for this long is given up
  int parallel = 4;                  // blob transfers at once
};

struct RemoteStats {
  std::uint64_t local_hits = 0;   // found in the local store
  std::uint64_t remote_hits = 0;  // fetched from the remote
  std::uint64_t misses = 0;       // found in neither
  std::uint64_t bytes_down = 0;
  std::uint64_t bytes_up = 0;
  std::uint64_t corrupt = 0;  // remote entries rejected by verification
  std::uint64_t uploads = 0;  // action results written
};

// What `<base>/status` answered (bazel-remote serves JSON there; nginx serves nothing).
struct RemoteStatus {
  bool reachable = false;
  long http_status = 0;
  std::optional<Json> status;  // the parsed body when it was JSON
  std::string error;           // why it was not reachable
};

class BlobSink;

class RemoteCache {
 public:
  using Warn = std::function<void(const std::string&)>;

  // Throws an Error naming the setting when the URL does not parse. The first talks HTTP through
  // libcurl, the second through `http` (not owned; a fake in unit tests).
  RemoteCache(RemoteOptions options, Store& local, Warn warn);
  RemoteCache(RemoteOptions options, Store& local, Warn warn, net::HttpClient* http);
  ~RemoteCache();
  RemoteCache(const RemoteCache&) = delete;
  RemoteCache& operator=(const RemoteCache&) = delete;

  // The base URL without credentials, for messages.
  const std::string& display_url() const { return m_url.base; }
  bool upload_enabled() const { return m_options.upload; }
  // False once the remote was skipped for this run.
  bool active() const { return !m_disabled.load(); }

  // Looks `key` up remotely; on a hit the blobs it names and then the action result are in the
  // local store and true is returned. A key asked once and missed is not asked again.
  bool fetch(const std::string& key);
  // Writes the local action result under `key` and its blobs: blobs first (those HEAD reports
  // present are skipped), the action result last. Nothing when uploads are off.
  void upload(const std::string& key);

  void count_local_hit();
  void count_miss();
  RemoteStats stats() const;

  RemoteStatus status();

 private:
  enum class Verdict { good, corrupt, failed };
  struct BlobFetch {
    RemoteOutput output;
    std::unique_ptr<BlobSink> sink;
    net::Response response;
  };
  net::Request request(net::Method method, std::string url, bool blob) const;
  std::vector<net::Response> perform(std::vector<net::Request> requests);
  net::Response perform(net::Request request);
  std::vector<BlobFetch> missing_blobs(const std::vector<RemoteOutput>& outputs);
  void fetch_blobs(std::vector<BlobFetch>& blobs);
  Verdict check_blob(const BlobFetch& blob, const std::string& action);
  std::optional<std::vector<RemoteOutput>> blobs_to_put(const std::vector<RemoteOutput>& outputs);
  bool fetch_entry(const std::string& key);
  void upload_entry(const std::string& key);
  // Skips the remote for the rest of the run; only the first call warns.
  void disable(const std::string& reason);
  // A corrupt entry: reported once, counted, its digest remembered so an upload replaces it.
  void reject(const std::string& what, const std::string& why,
              const std::optional<std::string>& digest = {});
  std::string url_of(std::string_view ns, std::string_view name) const;

  RemoteOptions m_options;
  RemoteUrl m_url;
  Store& m_local;
  Warn m_warn;
  net::HttpClient* m_http = nullptr;
  std::unique_ptr<net::HttpClient> m_owned_http;
  std::atomic<bool> m_disabled{false};
  mutable std::mutex m_mutex;
  std::mutex m_http_mutex;  // one caller of m_http at a time
  RemoteStats m_stats;
  std::set<std::string> m_missed;     // keys asked and not found
  std::set<std::string> m_reported;   // entries reported as corrupt
  std::set<std::string> m_bad_blobs;  // digests the remote holds corrupt: re-upload them
};

}  // namespace osbuild::store
