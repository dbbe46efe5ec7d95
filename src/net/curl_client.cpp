// CurlHttpClient: libcurl's multi interface, transfers started as slots free up, failed attempts
// retried after the policy's backoff while the others go on.
#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <random>

#include "osbuild/net/http.h"
#include "osbuild/util/error.h"
#include "osbuild/util/text.h"

namespace osbuild::net {

static_assert(code::couldnt_connect == CURLE_COULDNT_CONNECT);
static_assert(code::partial_file == CURLE_PARTIAL_FILE);
static_assert(code::write_error == CURLE_WRITE_ERROR);
static_assert(code::timed_out == CURLE_OPERATION_TIMEDOUT);
static_assert(code::range_error == CURLE_RANGE_ERROR);
static_assert(code::file_couldnt_read == CURLE_FILE_COULDNT_READ_FILE);
static_assert(code::got_nothing == CURLE_GOT_NOTHING);
static_assert(code::recv_error == CURLE_RECV_ERROR);

// Named, not anonymous: Engine, a member of a class with linkage, holds these (and a unity
// build would otherwise see a member of anonymous type).
namespace curl_engine {

using Clock = std::chrono::steady_clock;
constexpr std::size_t k_error_page_bytes = 64 * 1024;  // kept for messages, the rest dropped

struct Item {
  Request request;
  HttpClient::Done done;
  int attempt = 1;
  Resume resume;
};

struct Transfer {
  Item item;
  Response response;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::FILE* in = nullptr;
  std::size_t sent = 0;
  bool body_started = false;
  std::string range;
  char errbuf[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (headers != nullptr) curl_slist_free_all(headers);
    if (in != nullptr) std::fclose(in);
  }
};

bool success(long status) {
  return status == 0 || (status >= 200 && status < 300);
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {  // a new response (after a redirect or a 100)
    t.response.headers.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t.response.headers.emplace_back(to_lower(trim(line.substr(0, colon))),
                                    std::string(trim(line.substr(colon + 1))));
  }
  return n;
}

bool start_body(Transfer& t) {
  t.body_started = true;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &t.response.status);
  if (t.item.request.sink != nullptr && !t.item.request.sink->begin(t.response)) {
    t.response.sink_failed = true;
    return false;
  }
  return true;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::size_t n = size * count;
  Request& r = t.item.request;
  if (!t.body_started && !start_body(t)) return 0;
  bool good = success(t.response.status);
  if (good && t.response.received + n > r.max_body) {
    t.response.too_large = true;
    return 0;
  }
  if (r.sink != nullptr) {
    if (!r.sink->write(std::string_view(data, n))) {
      t.response.sink_failed = true;
      return 0;
    }
  } else if (good || t.response.body.size() < k_error_page_bytes) {
    t.response.body.append(data, n);
  }
  t.response.received += n;
  if (r.on_progress) r.on_progress(n);
  return n;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (t.in != nullptr) return std::fread(buffer, 1, n, t.in);
  const std::string& body = t.item.request.body;
  std::size_t take = std::min(body.size() - t.sent, n);
  std::memcpy(buffer, body.data() + t.sent, take);
  t.sent += take;
  return take;
}

void set_limits(CURL* e, const Request& r) {
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, r.allow_file ? "http,https,file" : "http,https");
  if (r.max_redirects) {
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, *r.max_redirects);
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  }
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, r.connect_timeout_s);
  if (r.timeout_ms > 0) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r.timeout_ms);
  if (r.low_speed_time_s > 0) {
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, r.low_speed_limit);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, r.low_speed_time_s);
  }
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent().c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024L);
}

void set_auth(CURL* e, const Request& r) {
  if (r.auth) {
    curl_easy_setopt(e, CURLOPT_USERNAME, r.auth->user.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, r.auth->password.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  } else if (r.netrc) {
    curl_easy_setopt(e, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
    if (const char* netrc = std::getenv("NETRC"); netrc != nullptr && *netrc != '\0') {
      curl_easy_setopt(e, CURLOPT_NETRC_FILE, netrc);
    }
  }
}

// The method and what it sends. False when the body file cannot be opened.
bool set_method(CURL* e, Transfer& t) {
  const Request& r = t.item.request;
  switch (r.method) {
    case Method::get:
      return true;
    case Method::head:
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
      return true;
    case Method::del:
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
      return true;
    case Method::put:
    case Method::post:
    case Method::patch:
      break;
  }
  std::uint64_t size = r.body.size();
  if (!r.body_file.empty()) {
    t.in = std::fopen(r.body_file.c_str(), "rbe");
    if (t.in == nullptr) return false;
    std::error_code ec;
    size = std::filesystem::file_size(r.body_file, ec);
  }
  curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(e, CURLOPT_READDATA, &t);
  curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
  if (r.method != Method::put) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method_name(r.method).data());
  }
  return true;
}

void set_headers(CURL* e, Transfer& t) {
  for (const auto& h : t.item.request.headers) t.headers = curl_slist_append(t.headers, h.c_str());
  if (t.item.resume.offset > 0) {
    t.range = std::to_string(t.item.resume.offset) + "-";
    curl_easy_setopt(e, CURLOPT_RANGE, t.range.c_str());
    if (!t.item.resume.if_range.empty()) {
      t.headers = curl_slist_append(t.headers, ("If-Range: " + t.item.resume.if_range).c_str());
    }
  }
  if (t.headers != nullptr) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
}

void ensure_curl() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!ok) throw Error("libcurl could not be initialised", "check the libcurl installation");
}

}  // namespace curl_engine

using namespace curl_engine;

struct CurlHttpClient::Engine {
  TransferPolicy policy;
  std::mt19937_64 random{std::random_device{}()};
  std::deque<Item> ready;
  std::multimap<Clock::time_point, Item> waiting;
  std::map<CURL*, std::unique_ptr<Transfer>> active;
  CURLM* multi = nullptr;

  ~Engine() {
    for (auto& [easy, transfer] : active) curl_multi_remove_handle(multi, easy);
    active.clear();
    if (multi != nullptr) curl_multi_cleanup(multi);
  }

  void open_multi(std::size_t parallel) {
    if (multi == nullptr) {
      ensure_curl();
      multi = curl_multi_init();
      if (multi == nullptr) {
        throw Error("libcurl could not create a transfer", "check the libcurl installation");
      }
    }
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(parallel));
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, policy.host_connections);
  }

  // The sink's place for this attempt; nullopt when it cannot take it.
  static std::optional<Resume> open_sink(Item& item) {
    if (item.request.sink == nullptr) return Resume{};
    return item.request.sink->open(item.attempt);
  }

  static void fail_locally(Item& item, std::string error) {
    Response r;
    r.code = code::write_error;
    r.error = std::move(error);
    r.sink_failed = true;
    r.attempt = item.attempt;
    item.done(r);
  }

  void start(Item item) {
    auto t = std::make_unique<Transfer>();
    t->item = std::move(item);
    t->response.attempt = t->item.attempt;
    t->easy = curl_easy_init();
    if (t->easy == nullptr) {
      throw Error("libcurl could not create a transfer", "check the libcurl installation");
    }
    CURL* e = t->easy;
    const Request& r = t->item.request;
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    set_limits(e, r);
    set_auth(e, r);
    set_headers(e, *t);
    if (!set_method(e, *t)) {
      fail_locally(t->item, "cannot open " + r.body_file.string() + " to upload it");
      return;
    }
    curl_multi_add_handle(multi, e);
    active.emplace(e, std::move(t));
  }

  void finish(CURL* easy, CURLcode result) {
    auto node = active.extract(easy);
    std::unique_ptr<Transfer> t = std::move(node.mapped());
    curl_multi_remove_handle(multi, easy);
    Response& r = t->response;
    r.code = result;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
    curl_off_t sent = 0;
    curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &sent);
    r.sent = static_cast<std::uint64_t>(sent);
    if (result != CURLE_OK) {
      r.error = t->errbuf[0] != '\0' ? t->errbuf : curl_easy_strerror(result);
    }
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    if (auto delay = retry_delay(policy, t->item.request, r, jitter(random))) {
      if (t->item.request.on_retry) t->item.request.on_retry(r, *delay);
      Item next = std::move(t->item);
      next.attempt += 1;
      if (auto resume = open_sink(next)) {
        next.resume = *resume;
        waiting.emplace(Clock::now() + *delay, std::move(next));
        return;
      }
      next.done(r);
      return;
    }
    t->item.done(r);
  }

  void promote_due() {
    auto now = Clock::now();
    while (!waiting.empty() && waiting.begin()->first <= now) {
      ready.push_back(std::move(waiting.begin()->second));
      waiting.erase(waiting.begin());
    }
  }

  int poll_timeout_ms() const {
    long ms = 100;
    if (!waiting.empty() && active.empty()) {
      auto until = waiting.begin()->first - Clock::now();
      ms = std::clamp<long>(
          static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(until).count()),
          0, 100);
    }
    return static_cast<int>(ms);
  }

  void run(std::size_t parallel, const std::function<void()>& tick) {
    parallel = std::max<std::size_t>(1, parallel);
    open_multi(parallel);
    while (!ready.empty() || !waiting.empty() || !active.empty()) {
      promote_due();
      while (active.size() < parallel && !ready.empty()) {
        Item item = std::move(ready.front());
        ready.pop_front();
        start(std::move(item));
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      bool finished = false;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg == CURLMSG_DONE) {
          finish(msg->easy_handle, msg->data.result);
          finished = true;
        }
      }
      if (tick) tick();
      // Local files finish inside perform: go straight on when there is more to start.
      bool can_start = !ready.empty() && active.size() < parallel;
      if (!finished && !can_start) {
        curl_multi_poll(multi, nullptr, 0, poll_timeout_ms(), nullptr);
      }
    }
  }
};

CurlHttpClient::CurlHttpClient(TransferPolicy policy) : m_engine(std::make_unique<Engine>()) {
  m_engine->policy = std::move(policy);
}

CurlHttpClient::~CurlHttpClient() = default;

void CurlHttpClient::submit(Request request, Done done) {
  Item item{std::move(request), std::move(done), 1, {}};
  auto resume = Engine::open_sink(item);
  if (!resume) {
    Engine::fail_locally(item, "cannot open the destination of " + item.request.url);
    return;
  }
  item.resume = *resume;
  m_engine->ready.push_back(std::move(item));
}

void CurlHttpClient::run(std::size_t parallel, const std::function<void()>& tick) {
  if (m_engine->ready.empty() && m_engine->waiting.empty()) return;
  m_engine->run(parallel, tick);
}

}  // namespace osbuild::net
