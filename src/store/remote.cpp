#include "osbuild/store/remote.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>

#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"
#include "osbuild/version.h"

namespace osbuild::store {

namespace {

constexpr std::uint64_t k_max_action_bytes = 4u << 20;  // an ac/ entry is a few hundred bytes
constexpr std::uint64_t k_max_status_bytes = 1u << 20;

// "user:pass@" with "%40" for '@' and the like: percent-decoded.
std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0 &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool plain_file_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

void ensure_curl() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!ok) {
    throw Error("libcurl could not be initialised", "check the libcurl installation");
  }
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
  std::string scheme = lower(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  auto path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  RemoteUrl out;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    out.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      out.password = percent_decode(userinfo.substr(colon + 1));
    }
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
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  out.base = scheme + "://" + lower(authority) + std::string(path);
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

// One HTTP request, run alone or with others through a multi handle.
struct RemoteCache::Request {
  enum class Method { get, head, put };
  Method method = Method::get;
  std::string url;
  std::string what;  // "ac/<key>", "cas/<digest>", "status": for messages

  // GET: into `body` (up to `limit` bytes) or, for a blob, into `file`, hashed on the way.
  std::string body;
  std::uint64_t limit = k_max_action_bytes;
  std::unique_ptr<AtomicFile> file;
  std::unique_ptr<Hasher> hasher;
  std::uint64_t received = 0;
  bool too_long = false;
  int write_errno = 0;

  // PUT: from `body` or from the file at `source`.
  fs::path source;
  std::FILE* in = nullptr;
  std::size_t sent = 0;
  std::uint64_t upload_size = 0;

  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  CURLcode code = CURLE_OK;
  long http_status = 0;
  char errbuf[CURL_ERROR_SIZE] = {};

  ~Request() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (headers != nullptr) curl_slist_free_all(headers);
    if (in != nullptr) std::fclose(in);
  }

  bool ok() const { return code == CURLE_OK && http_status >= 200 && http_status < 300; }
  bool missing() const { return code == CURLE_OK && (http_status == 404 || http_status == 410); }
  // A transport error or an answer that is neither success nor "not found".
  std::string failure() const {
    if (code != CURLE_OK) {
      return fmt::format("{}: {}", what, errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code));
    }
    return fmt::format("{}: HTTP {}", what, http_status);
  }

  static std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
    auto* r = static_cast<Request*>(user);
    std::size_t n = size * count;
    long status = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status >= 300 || r->method == Method::put) {
      return n;  // an error page, or the server's words on an upload: discarded
    }
    if (r->received + n > r->limit) {
      r->too_long = true;
      return 0;  // more than the entry says: abort, treated as corrupt
    }
    r->received += n;
    if (r->file) {
      if (r->hasher) r->hasher->update(data, n);
      std::size_t done = 0;
      while (done < n) {
        ssize_t w = ::write(r->file->fd(), data + done, n - done);
        if (w < 0) {
          if (errno == EINTR) continue;
          r->write_errno = errno;
          return 0;
        }
        done += static_cast<std::size_t>(w);
      }
    } else {
      r->body.append(data, n);
    }
    return n;
  }

  static std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* r = static_cast<Request*>(user);
    std::size_t n = size * count;
    if (r->in != nullptr) {
      return std::fread(buffer, 1, n, r->in);
    }
    std::size_t left = r->body.size() - r->sent;
    std::size_t take = std::min(left, n);
    std::memcpy(buffer, r->body.data() + r->sent, take);
    r->sent += take;
    return take;
  }
};

RemoteCache::RemoteCache(RemoteOptions options, Store& local, Warn warn)
    : m_options(std::move(options)), m_local(local), m_warn(std::move(warn)) {
  auto parsed = parse_remote_url(m_options.url);
  if (!parsed) {
    throw Error("cache.remote: " + parsed.error(),
                "set cache.remote (--remote-cache, OSBUILD_REMOTE_CACHE, [cache] remote in "
                "osbuild.toml) to http(s)://host/prefix, or pass --no-remote-cache");
  }
  m_url = std::move(parsed).value();
  ensure_curl();
}

RemoteCache::~RemoteCache() = default;

std::string RemoteCache::url_of(std::string_view ns, std::string_view name) const {
  return fmt::format("{}/{}/{}", m_url.base, ns, name);
}

void RemoteCache::configure(Request& r, bool blob) {
  r.easy = curl_easy_init();
  if (r.easy == nullptr) {
    throw Error("libcurl could not create a transfer", "check the libcurl installation");
  }
  CURL* e = r.easy;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_USERAGENT, "osbuild/" OSBUILD_VERSION);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r.errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, m_options.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                   blob ? m_options.blob_timeout_ms : m_options.request_timeout_ms);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, m_options.stall_timeout_s);
  if (m_url.has_credentials()) {
    curl_easy_setopt(e, CURLOPT_USERNAME, m_url.user.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, m_url.password.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  } else {
    // ~/.netrc, or the file $NETRC names, may hold the credentials for the host.
    curl_easy_setopt(e, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
    if (const char* netrc = std::getenv("NETRC"); netrc != nullptr && *netrc != '\0') {
      curl_easy_setopt(e, CURLOPT_NETRC_FILE, netrc);
    }
  }
  r.headers = curl_slist_append(r.headers, "Expect:");  // no 100-continue round trip on PUT
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, r.headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Request::on_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &r);
  switch (r.method) {
    case Request::Method::get:
      break;
    case Request::Method::head:
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
      break;
    case Request::Method::put:
      curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(e, CURLOPT_READFUNCTION, &Request::on_read);
      curl_easy_setopt(e, CURLOPT_READDATA, &r);
      curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.upload_size));
      break;
  }
}

// Runs the requests, at most `parallel` at once. Each is bounded by its own time-outs.
void RemoteCache::perform(std::vector<Request*> requests) {
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) {
    throw Error("libcurl could not create a transfer", "check the libcurl installation");
  }
  std::deque<Request*> waiting(requests.begin(), requests.end());
  int active = 0;
  auto start_more = [&] {
    while (active < std::max(1, m_options.parallel) && !waiting.empty()) {
      curl_multi_add_handle(multi, waiting.front()->easy);
      waiting.pop_front();
      ++active;
    }
  };
  start_more();
  while (active > 0) {
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      break;
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Request* r = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &r);
      r->code = msg->data.result;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &r->http_status);
      curl_multi_remove_handle(multi, msg->easy_handle);
      --active;
    }
    start_more();
    if (active > 0) {
      curl_multi_poll(multi, nullptr, 0, 200, nullptr);
    }
  }
  for (Request* r : requests) {
    curl_multi_remove_handle(multi, r->easy);  // harmless for those already removed
  }
  curl_multi_cleanup(multi);
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

// Starts nothing: the GETs for the blobs `outputs` names that the local store lacks, each into
// a temporary file in the store, hashed on the way.
std::vector<std::unique_ptr<RemoteCache::Request>> RemoteCache::blob_requests(
    const std::vector<RemoteOutput>& outputs) {
  fs::create_directories(m_local.root() / "cas");
  std::vector<std::unique_ptr<Request>> blobs;
  for (const auto& o : outputs) {
    std::error_code ec;
    if (m_local.has_blob(o.digest) && fs::file_size(m_local.blob_path(o.digest), ec) == o.size) {
      continue;  // get_blob verifies it when the build uses it
    }
    auto r = std::make_unique<Request>();
    r->url = url_of("cas", o.digest);
    r->what = "cas/" + o.digest;
    r->limit = o.size;
    r->file = std::make_unique<AtomicFile>(m_local.root() / "cas" / "remote", Durability::cache);
    r->hasher = std::make_unique<Hasher>(HashAlgorithm::sha256);
    configure(*r, true);
    blobs.push_back(std::move(r));
  }
  return blobs;
}

// Whether a downloaded blob is exactly what the action result lists; a corrupt one is rejected,
// a failed transfer skips the remote.
RemoteCache::Verdict RemoteCache::check_blob(Request& r, const std::string& action) {
  std::string digest = r.what.substr(4);
  if (r.write_errno != 0) {
    disable(fmt::format("cannot write {}: {}", r.file->temp_path().string(),
                        std::strerror(r.write_errno)));
    return Verdict::failed;
  }
  std::string why;
  if (r.missing()) {
    reject(action, "it names " + r.what + ", which the server does not hold");
    return Verdict::corrupt;
  }
  if (r.too_long) {
    why = fmt::format("more than the {} bytes the action result lists", r.limit);
  } else if (r.code == CURLE_PARTIAL_FILE) {
    why = fmt::format("the transfer ended after {} of {} bytes", r.received, r.limit);
  } else if (!r.ok()) {
    disable(r.failure());
    return Verdict::failed;
  } else if (r.received != r.limit) {
    why = fmt::format("{} bytes where the action result lists {}", r.received, r.limit);
  } else if (std::string actual = r.hasher->hex_digest(); actual != digest) {
    why = "its content hashes to " + actual;
  }
  if (!why.empty()) {
    reject(r.what, why, digest);
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
  Request ac;
  ac.url = url_of("ac", key);
  ac.what = "ac/" + key;
  configure(ac, false);
  perform({&ac});
  if (ac.missing()) return miss();
  if (!ac.ok() && !ac.too_long) {
    disable(ac.failure());
    return false;
  }
  auto outputs = validate_action_entry(ac.too_long ? "" : ac.body);
  if (!outputs) {
    reject(ac.what, ac.too_long ? "larger than any action result" : outputs.error());
    return miss();
  }
  auto blobs = blob_requests(outputs.value());
  std::vector<Request*> list;
  for (auto& r : blobs) list.push_back(r.get());
  perform(list);
  std::uint64_t bytes = ac.received;
  for (auto& r : blobs) {
    Verdict verdict = check_blob(*r, ac.what);
    if (verdict != Verdict::good) return verdict == Verdict::corrupt ? miss() : false;
    bytes += r->received;
  }
  // Verified: into the local store (which hashes once more), the action result last.
  for (auto& r : blobs) {
    m_local.adopt_file(r->file->temp_path(), r->what.substr(4));
  }
  m_local.put_action(key, Json::parse(ac.body));
  std::lock_guard guard(m_mutex);
  ++m_stats.remote_hits;
  m_stats.bytes_down += bytes;
  return true;
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
  std::set<std::string> bad;
  {
    std::lock_guard guard(m_mutex);
    bad = m_bad_blobs;
  }
  // Which blobs the server lacks (or holds corrupt).
  std::vector<std::unique_ptr<Request>> heads;
  std::vector<RemoteOutput> to_put;
  for (const auto& o : outputs.value()) {
    if (bad.count(o.digest) != 0) {
      to_put.push_back(o);
      continue;
    }
    auto r = std::make_unique<Request>();
    r->method = Request::Method::head;
    r->url = url_of("cas", o.digest);
    r->what = "cas/" + o.digest;
    configure(*r, false);
    heads.push_back(std::move(r));
  }
  std::vector<Request*> list;
  for (auto& r : heads) list.push_back(r.get());
  perform(list);
  for (std::size_t i = 0, j = 0; i < outputs.value().size(); ++i) {
    const auto& o = outputs.value()[i];
    if (bad.count(o.digest) != 0) continue;
    Request& r = *heads[j++];
    if (r.missing()) {
      to_put.push_back(o);
    } else if (!r.ok()) {
      disable(r.failure());
      return;
    }
  }
  std::vector<std::unique_ptr<Request>> puts;
  std::uint64_t bytes = 0;
  for (const auto& o : to_put) {
    auto path = m_local.get_blob(o.digest);  // verified: a corrupt local blob is never sent
    if (!path) {
      return;
    }
    auto r = std::make_unique<Request>();
    r->method = Request::Method::put;
    r->url = url_of("cas", o.digest);
    r->what = "cas/" + o.digest;
    r->in = std::fopen(path->c_str(), "rbe");
    if (r->in == nullptr) {
      return;
    }
    r->upload_size = o.size;
    configure(*r, true);
    bytes += o.size;
    puts.push_back(std::move(r));
  }
  list.clear();
  for (auto& r : puts) list.push_back(r.get());
  perform(list);
  for (auto& r : puts) {
    if (!r->ok()) {
      disable(r->failure());
      return;
    }
  }
  Request ac;
  ac.method = Request::Method::put;
  ac.url = url_of("ac", key);
  ac.what = "ac/" + key;
  ac.body = body;
  ac.upload_size = body.size();
  configure(ac, false);
  perform({&ac});
  if (!ac.ok()) {
    disable(ac.failure());
    return;
  }
  std::lock_guard guard(m_mutex);
  for (const auto& o : to_put) m_bad_blobs.erase(o.digest);
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
  Request r;
  r.url = m_url.base + "/status";
  r.what = "status";
  r.limit = k_max_status_bytes;
  configure(r, false);
  perform({&r});
  RemoteStatus out;
  if (r.code != CURLE_OK && !r.too_long) {
    out.error = r.failure();
    return out;
  }
  out.reachable = true;
  out.http_status = r.http_status;
  if (r.ok()) {
    Json doc = Json::parse(r.body, nullptr, false);
    if (!doc.is_discarded() && doc.is_object()) {
      out.status = std::move(doc);
    }
  }
  return out;
}

}  // namespace osbuild::store
