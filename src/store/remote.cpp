#include "osbuild/store/remote.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "osbuild/net/url.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"
#include "osbuild/util/units.h"

namespace osbuild::store {

namespace {

constexpr std::uint64_t k_max_action_bytes = 4u << 20;  // an ac/ entry is a few hundred bytes
constexpr std::uint64_t k_max_status_bytes = 1u << 20;

bool plain_file_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

}  // namespace

// A blob's body: into a temporary file in the store, hashed on the way. An error page is
// dropped.
class BlobSink : public net::BodySink {
 public:
  BlobSink(const fs::path& cas) : file(cas / "remote", Durability::cache) {}
  std::optional<net::Resume> open(int /*attempt*/) override { return net::Resume{}; }
  bool begin(const net::Response& head) override {
    m_discard = head.status < 200 || head.status >= 300;
    return true;
  }
  bool write(std::string_view data) override {
    if (m_discard) return true;
    hasher.update(data.data(), data.size());
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t w = ::write(file.fd(), data.data() + done, data.size() - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        write_errno = errno;
        return false;
      }
      done += static_cast<std::size_t>(w);
    }
    return true;
  }

  AtomicFile file;
  Hasher hasher{HashAlgorithm::sha256};
  int write_errno = 0;

 private:
  bool m_discard = false;
};

namespace {

// "what: <libcurl's words>" or "what: HTTP <status>".
std::string failure(const std::string& what, const net::Response& r) {
  if (r.code != net::code::ok) {
    return fmt::format("{}: {}", what, r.error);
  }
  return fmt::format("{}: HTTP {}", what, r.status);
}

}  // namespace

Result<RemoteUrl> parse_remote_url(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return Failure{
        "'" +
        std::string(url.substr(url.rfind('@') == std::string_view::npos ? 0 : url.rfind('@') + 1)) +
        "' is not a URL: expected http(s)://host[/prefix]"};
  }
  std::string scheme = to_lower(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = rest.substr(authority.size());
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  std::string redacted = scheme + "://" + std::string(authority) + std::string(path);
  if (scheme != "http" && scheme != "https") {
    return Failure{"unsupported scheme '" + scheme + "' in '" + redacted +
                   "': the remote cache speaks http:// or https://"};
  }
  if (authority.empty() || authority.front() == ':') {
    return Failure{"'" + redacted + "' names no host"};
  }
  for (char c : std::string(authority) + std::string(path)) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Failure{"'" + redacted + "' contains a space or control character"};
    }
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    return Failure{"'" + redacted + "' has a query or fragment: give only scheme, host and prefix"};
  }
  auto parsed = net::Url::parse(url);
  if (!parsed) {
    return Failure{parsed.error()};
  }
  const net::Url& u = parsed.value();
  std::string prefix = u.path();
  while (!prefix.empty() && prefix.back() == '/') {
    prefix.pop_back();
  }
  RemoteUrl out;
  out.user = u.user();
  out.password = u.password();
  std::string port = u.port();
  out.base = scheme + "://" + to_lower(u.host()) + (port.empty() ? "" : ":" + port) + prefix;
  return out;
}

Result<std::vector<RemoteOutput>> validate_action_entry(std::string_view body) {
  Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    return Failure{"not JSON"};
  }
  if (!doc.is_object() || !doc.contains("outputs") || !doc["outputs"].is_array()) {
    return Failure{"no \"outputs\" array"};
  }
  if (doc["outputs"].empty()) {
    return Failure{"\"outputs\" is empty"};
  }
  std::vector<RemoteOutput> out;
  std::set<std::string> paths;
  for (const auto& item : doc["outputs"]) {
    std::size_t n = out.size() + 1;
    if (!item.is_object()) {
      return Failure{fmt::format("output {} is not an object", n)};
    }
    RemoteOutput o;
    if (!item.contains("path") || !item["path"].is_string() ||
        !plain_file_name(item["path"].get<std::string>())) {
      return Failure{fmt::format("output {} has no plain file name as \"path\"", n)};
    }
    o.path = item["path"].get<std::string>();
    if (!paths.insert(o.path).second) {
      return Failure{fmt::format("output \"{}\" is listed twice", o.path)};
    }
    if (!item.contains("digest") || !item["digest"].is_string() ||
        !is_lower_hex(item["digest"].get<std::string>(), 64)) {
      return Failure{fmt::format("output \"{}\" has no sha256 \"digest\"", o.path)};
    }
    o.digest = item["digest"].get<std::string>();
    if (!item.contains("size") || !item["size"].is_number_unsigned()) {
      if (!(item.contains("size") && item["size"].is_number_integer() &&
            item["size"].get<std::int64_t>() >= 0)) {
        return Failure{fmt::format("output \"{}\" has no non-negative integer \"size\"", o.path)};
      }
    }
    o.size = item["size"].get<std::uint64_t>();
    out.push_back(std::move(o));
  }
  return out;
}

RemoteCache::RemoteCache(RemoteOptions options, Store& local, Warn warn)
    : RemoteCache(std::move(options), local, std::move(warn), nullptr) {}

RemoteCache::RemoteCache(RemoteOptions options, Store& local, Warn warn, net::HttpClient* http)
    : m_options(std::move(options)), m_local(local), m_warn(std::move(warn)), m_http(http) {
  auto parsed = parse_remote_url(m_options.url);
  if (!parsed) {
    throw Error("cache.remote: " + parsed.error(),
                "set cache.remote (--remote-cache, OSBUILD_REMOTE_CACHE, [cache] remote in "
                "osbuild.toml) to http(s)://host/prefix, or pass --no-remote-cache");
  }
  m_url = std::move(parsed).value();
  if (m_http == nullptr) {
    m_owned_http = std::make_unique<net::CurlHttpClient>();
    m_http = m_owned_http.get();
  }
}

RemoteCache::~RemoteCache() = default;

std::string RemoteCache::url_of(std::string_view ns, std::string_view name) const {
  return fmt::format("{}/{}/{}", m_url.base, ns, name);
}

net::Request RemoteCache::request(net::Method method, std::string url, bool blob) const {
  net::Request r;
  r.method = method;
  r.url = std::move(url);
  r.connect_timeout_s = m_options.connect_timeout_s;
  r.timeout_ms = blob ? m_options.blob_timeout_ms : m_options.request_timeout_ms;
  r.low_speed_limit = 1;
  r.low_speed_time_s = m_options.stall_timeout_s;
  if (m_url.has_credentials()) {
    r.auth = net::BasicAuth{m_url.user, m_url.password};
  } else {
    r.netrc = true;  // ~/.netrc, or the file $NETRC names, may hold the credentials for the host
  }
  r.headers.push_back("Expect:");  // no 100-continue round trip on PUT
  r.max_body = k_max_action_bytes;
  return r;
}

// Runs the requests, at most `parallel` at once; the answers in the same order. Packages build on
// several threads and an HttpClient serves one at a time, so their transfers take turns.
net::Response RemoteCache::perform(net::Request request) {
  std::vector<net::Request> one;
  one.push_back(std::move(request));
  return std::move(perform(std::move(one)).front());
}

std::vector<net::Response> RemoteCache::perform(std::vector<net::Request> requests) {
  std::lock_guard guard(m_http_mutex);
  std::vector<net::Response> out(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    m_http->submit(std::move(requests[i]), [&out, i](net::Response& r) { out[i] = std::move(r); });
  }
  m_http->run(static_cast<std::size_t>(std::max(1, m_options.parallel)));
  return out;
}

void RemoteCache::disable(const std::string& reason) {
  if (m_disabled.exchange(true)) {
    return;
  }
  m_warn(fmt::format("remote cache {} skipped: {}; building locally", m_url.base, reason));
}

void RemoteCache::reject(const std::string& what, const std::string& why,
                         const std::optional<std::string>& digest) {
  bool first = false;
  {
    std::lock_guard guard(m_mutex);
    ++m_stats.corrupt;
    first = m_reported.insert(what).second;
    if (digest) m_bad_blobs.insert(*digest);
  }
  if (first) {
    m_warn(fmt::format("remote cache {}: {} is corrupt ({}); treated as a miss", m_url.base, what,
                       why));
  }
}

// Whatever goes wrong in here (a full disk, an unexpected answer) skips the remote; it never
// reaches the build.
bool RemoteCache::fetch(const std::string& key) {
  try {
    return fetch_entry(key);
  } catch (const std::exception& e) {
    disable(e.what());
    return false;
  }
}

void RemoteCache::upload(const std::string& key) {
  try {
    upload_entry(key);
  } catch (const std::exception& e) {
    disable(e.what());
  }
}

// The blobs `outputs` names that the local store lacks, each into a temporary file in the store.
std::vector<RemoteCache::BlobFetch> RemoteCache::missing_blobs(
    const std::vector<RemoteOutput>& outputs) {
  fs::create_directories(m_local.root() / "cas");
  std::vector<BlobFetch> blobs;
  for (const auto& o : outputs) {
    std::error_code ec;
    if (m_local.has_blob(o.digest) && fs::file_size(m_local.blob_path(o.digest), ec) == o.size) {
      continue;  // get_blob verifies it when the build uses it
    }
    BlobFetch b;
    b.output = o;
    b.sink = std::make_unique<BlobSink>(m_local.root() / "cas");
    blobs.push_back(std::move(b));
  }
  return blobs;
}

void RemoteCache::fetch_blobs(std::vector<BlobFetch>& blobs) {
  std::vector<net::Request> requests;
  for (auto& b : blobs) {
    net::Request r = request(net::Method::get, url_of("cas", b.output.digest), true);
    r.max_body = b.output.size;
    r.sink = b.sink.get();
    requests.push_back(std::move(r));
  }
  auto responses = perform(std::move(requests));
  for (std::size_t i = 0; i < blobs.size(); ++i) blobs[i].response = std::move(responses[i]);
}

// Whether a downloaded blob is exactly what the action result lists; a corrupt one is rejected,
// a failed transfer skips the remote.
RemoteCache::Verdict RemoteCache::check_blob(const BlobFetch& b, const std::string& action) {
  const net::Response& r = b.response;
  const std::string& digest = b.output.digest;
  std::string what = "cas/" + digest;
  if (b.sink->write_errno != 0) {
    disable(fmt::format("cannot write {}: {}", b.sink->file.temp_path().string(),
                        std::strerror(b.sink->write_errno)));
    return Verdict::failed;
  }
  std::string why;
  if (r.missing()) {
    reject(action, "it names " + what + ", which the server does not hold");
    return Verdict::corrupt;
  }
  if (r.too_large) {
    why = fmt::format("more than the {} bytes the action result lists", b.output.size);
  } else if (r.code == net::code::partial_file) {
    why = fmt::format("the transfer ended after {} of {} bytes", r.received, b.output.size);
  } else if (!r.ok()) {
    disable(failure(what, r));
    return Verdict::failed;
  } else if (r.received != b.output.size) {
    why = fmt::format("{} bytes where the action result lists {}", r.received, b.output.size);
  } else if (std::string actual = b.sink->hasher.hex_digest(); actual != digest) {
    why = "its content hashes to " + actual;
  }
  if (!why.empty()) {
    reject(what, why, digest);
    return Verdict::corrupt;
  }
  return Verdict::good;
}

bool RemoteCache::fetch_entry(const std::string& key) {
  {
    std::lock_guard guard(m_mutex);
    if (m_disabled.load() || m_missed.count(key) != 0) return false;
  }
  auto miss = [&] {
    std::lock_guard guard(m_mutex);
    m_missed.insert(key);
    return false;
  };
  std::string what = "ac/" + key;
  net::Response ac = perform(request(net::Method::get, url_of("ac", key), false));
  if (ac.missing()) return miss();
  if (!ac.ok() && !ac.too_large) {
    disable(failure(what, ac));
    return false;
  }
  auto outputs = validate_action_entry(ac.too_large ? "" : ac.body);
  if (!outputs) {
    reject(what, ac.too_large ? "larger than any action result" : outputs.error());
    return miss();
  }
  auto blobs = missing_blobs(outputs.value());
  fetch_blobs(blobs);
  std::uint64_t bytes = ac.received;
  for (auto& b : blobs) {
    Verdict verdict = check_blob(b, what);
    if (verdict != Verdict::good) return verdict == Verdict::corrupt ? miss() : false;
    bytes += b.response.received;
  }
  // Verified: into the local store (which hashes once more), the action result last.
  for (auto& b : blobs) {
    m_local.adopt_file(b.sink->file.temp_path(), b.output.digest);
  }
  m_local.put_action(key, Json::parse(ac.body));
  std::lock_guard guard(m_mutex);
  ++m_stats.remote_hits;
  m_stats.bytes_down += bytes;
  return true;
}

// Which of `outputs` the server lacks (HEAD says 404) or holds corrupt; nullopt when a HEAD
// failed (the remote is then skipped).
std::optional<std::vector<RemoteOutput>> RemoteCache::blobs_to_put(
    const std::vector<RemoteOutput>& outputs) {
  std::set<std::string> bad;
  {
    std::lock_guard guard(m_mutex);
    bad = m_bad_blobs;
  }
  std::vector<RemoteOutput> to_put;
  std::vector<RemoteOutput> asked;
  std::vector<net::Request> heads;
  for (const auto& o : outputs) {
    if (bad.count(o.digest) != 0) {
      to_put.push_back(o);
      continue;
    }
    asked.push_back(o);
    heads.push_back(request(net::Method::head, url_of("cas", o.digest), false));
  }
  auto answers = perform(std::move(heads));
  for (std::size_t i = 0; i < asked.size(); ++i) {
    if (answers[i].missing()) {
      to_put.push_back(asked[i]);
    } else if (!answers[i].ok()) {
      disable(failure("cas/" + asked[i].digest, answers[i]));
      return std::nullopt;
    }
  }
  return to_put;
}

void RemoteCache::upload_entry(const std::string& key) {
  if (!m_options.upload || m_disabled.load()) {
    return;
  }
  auto result = m_local.get_action(key);
  if (!result) {
    return;
  }
  std::string body = result->dump();
  auto outputs = validate_action_entry(body);
  if (!outputs) {
    return;  // not something the protocol can carry
  }
  auto to_put = blobs_to_put(outputs.value());
  if (!to_put) {
    return;
  }
  std::vector<net::Request> puts;
  std::uint64_t bytes = 0;
  for (const auto& o : *to_put) {
    auto path = m_local.get_blob(o.digest);  // verified: a corrupt local blob is never sent
    if (!path) {
      return;
    }
    net::Request r = request(net::Method::put, url_of("cas", o.digest), true);
    r.body_file = *path;
    bytes += o.size;
    puts.push_back(std::move(r));
  }
  auto answers = perform(std::move(puts));
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i].ok()) {
      disable(failure("cas/" + (*to_put)[i].digest, answers[i]));
      return;
    }
  }
  net::Request put_ac = request(net::Method::put, url_of("ac", key), false);
  put_ac.body = body;
  net::Response ac = perform(std::move(put_ac));
  if (!ac.ok()) {
    disable(failure("ac/" + key, ac));
    return;
  }
  std::lock_guard guard(m_mutex);
  for (const auto& o : *to_put) m_bad_blobs.erase(o.digest);
  m_stats.bytes_up += bytes + body.size();
  ++m_stats.uploads;
}

void RemoteCache::count_local_hit() {
  std::lock_guard guard(m_mutex);
  ++m_stats.local_hits;
}

void RemoteCache::count_miss() {
  std::lock_guard guard(m_mutex);
  ++m_stats.misses;
}

RemoteStats RemoteCache::stats() const {
  std::lock_guard guard(m_mutex);
  return m_stats;
}

RemoteStatus RemoteCache::status() {
  net::Request req = request(net::Method::get, m_url.base + "/status", false);
  req.max_body = k_max_status_bytes;
  net::Response r = perform(std::move(req));
  RemoteStatus out;
  if (r.code != net::code::ok && !r.too_large) {
    out.error = failure("status", r);
    return out;
  }
  out.reachable = true;
  out.http_status = r.status;
  if (r.ok()) {
    Json doc = Json::parse(r.body, nullptr, false);
    if (!doc.is_discarded() && doc.is_object()) {
      out.status = std::move(doc);
    }
  }
  return out;
}

}  // namespace osbuild::store
