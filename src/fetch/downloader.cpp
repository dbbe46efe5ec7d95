#include "downloader.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <random>

#include "osbuild/fetch/resume.h"
#include "osbuild/fetch/url.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/log.h"
#include "osbuild/util/text.h"
#include "osbuild/version.h"

namespace osbuild::fetch {

namespace {

using Clock = std::chrono::steady_clock;

// Where one job stands: which candidate, which attempt at it.
struct JobState {
  DownloadJob* job = nullptr;
  std::size_t candidate = 0;
  int attempt = 1;
};

// One transfer in flight.
struct Transfer {
  JobState state;
  std::string url;
  std::string scheme;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  int fd = -1;
  std::unique_ptr<Hasher> hasher;
  std::uint64_t offset = 0;
  std::uint64_t written = 0;
  bool body_started = false;
  bool discarding = false;
  int write_errno = 0;
  std::string etag;
  std::string last_modified;
  std::string retry_after;
  Reporter* reporter = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (headers != nullptr) curl_slist_free_all(headers);
    if (fd >= 0) ::close(fd);
  }
};

std::string errno_text(int err) {
  return std::strerror(err);
}

void remove_partial(const fs::path& partial) {
  std::error_code ec;
  fs::remove(partial, ec);
  fs::remove(partial_record_path(partial), ec);
}

bool write_all(int fd, const char* data, std::size_t size, int& err) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Re-hashes the bytes already in a partial file so the digest covers the whole file on resume.
bool hash_prefix(int fd, std::uint64_t size, Hasher& hasher) {
  std::vector<char> buffer(1 << 20);
  std::uint64_t done = 0;
  while (done < size) {
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - done));
    ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    hasher.update(buffer.data(), static_cast<std::size_t>(n));
    done += static_cast<std::uint64_t>(n);
  }
  return true;
}

// The first bytes of a response body decide whether they extend the partial file, replace it,
// or are an error page to throw away.
bool begin_body(Transfer& t) {
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  BodyAction action = body_action(t.scheme, status, t.offset);
  if (action == BodyAction::discard) {
    t.discarding = true;
    return true;
  }
  if (action == BodyAction::restart) {
    if (::ftruncate(t.fd, 0) != 0 || ::lseek(t.fd, 0, SEEK_SET) != 0) {
      t.write_errno = errno;
      return false;
    }
    t.offset = 0;
    t.hasher = std::make_unique<Hasher>(HashAlgorithm::sha512);
  }
  PartialRecord record{t.url, t.etag, t.last_modified};
  try {
    write_file_atomic(partial_record_path(t.state.job->partial), format_partial_record(record),
                      Durability::cache);
  } catch (const Error&) {
    t.write_errno = errno != 0 ? errno : EIO;
    return false;
  }
  return true;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (!t.body_started) {
    t.body_started = true;
    if (!begin_body(t)) return 0;
  }
  if (t.discarding) return n;
  if (!write_all(t.fd, data, n, t.write_errno)) return 0;
  t.hasher->update(data, n);
  t.written += n;
  t.reporter->add_bytes(n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {  // a new response (after a redirect or a 100)
    t.etag.clear();
    t.last_modified.clear();
    t.retry_after.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name = to_lower(trim(line.substr(0, colon)));
  std::string value(trim(line.substr(colon + 1)));
  if (name == "etag") t.etag = value;
  if (name == "last-modified") t.last_modified = value;
  if (name == "retry-after") t.retry_after = value;
  return n;
}

std::string user_agent() {
  return std::string("osbuild/") + OSBUILD_VERSION;
}

void configure_easy(Transfer& t, const TransferPolicy& policy, const ResumePlan& plan) {
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
  apply_transfer_policy(e, policy);
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024L);
  if (plan.offset > 0) {
    std::string range = std::to_string(plan.offset) + "-";
    curl_easy_setopt(e, CURLOPT_RANGE, range.c_str());
    if (!plan.if_range.empty()) {
      t.headers = curl_slist_append(t.headers, ("If-Range: " + plan.if_range).c_str());
      curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    }
  }
}

// A one-line reason for a failed attempt, naming the URL, the HTTP status and the attempt.
std::string attempt_failure(const Transfer& t, CURLcode code, long status, int attempts) {
  std::string where = redact_url(t.url);
  std::string attempt =
      " (attempt " + std::to_string(t.state.attempt) + " of " + std::to_string(attempts) + ")";
  if (t.write_errno != 0) {
    return "cannot write " + t.state.job->partial.string() + ": " + errno_text(t.write_errno);
  }
  if (code == CURLE_OK && status == 404) return where + ": not found (HTTP 404)";
  if (code == CURLE_OK && status == 410) return where + ": gone (HTTP 410)";
  if (code == CURLE_OK) return where + ": HTTP " + std::to_string(status) + attempt;
  if (code == CURLE_FILE_COULDNT_READ_FILE) return where + ": no such file";
  std::string detail = t.errbuf[0] != '\0' ? t.errbuf : curl_easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT && t.written == 0 && status == 0) {
    detail = "no response within the timeout: " + detail;
  }
  return where + ": " + detail + attempt;
}

}  // namespace

void apply_transfer_policy(void* curl_easy, const TransferPolicy& policy) {
  CURL* e = curl_easy;
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, policy.max_redirects);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, policy.connect_timeout_s);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, policy.low_speed_limit);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, policy.low_speed_time_s);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent().c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
}

fs::path partial_record_path(const fs::path& partial) {
  return fs::path(partial.string() + ".json");
}

namespace {

// The multi loop and the decisions between attempts.
class Engine {
 public:
  Engine(const TransferPolicy& policy, long parallel, Reporter& reporter,
         const std::function<void(DownloadJob&)>& store)
      : m_policy(policy),
        m_parallel(parallel),
        m_reporter(reporter),
        m_store(store),
        m_random(std::random_device{}()) {
    m_multi = curl_multi_init();
    curl_multi_setopt(m_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, parallel);
    curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, policy.host_connections);
  }
  ~Engine() { curl_multi_cleanup(m_multi); }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void run(std::vector<DownloadJob>& jobs) {
    for (auto& job : jobs) m_ready.push_back(JobState{&job, 0, 1});
    while (!m_ready.empty() || !m_waiting.empty() || !m_active.empty()) {
      promote_due();
      while (static_cast<long>(m_active.size()) < m_parallel && !m_ready.empty()) {
        JobState s = m_ready.front();
        m_ready.pop_front();
        start(s);
      }
      int running = 0;
      curl_multi_perform(m_multi, &running);
      int left = 0;
      bool finished = false;
      while (CURLMsg* msg = curl_multi_info_read(m_multi, &left)) {
        if (msg->msg == CURLMSG_DONE) {
          finish(msg->easy_handle, msg->data.result);
          finished = true;
        }
      }
      m_reporter.tick();
      // Local files finish inside perform: go straight on when there is more to start.
      bool can_start = !m_ready.empty() && static_cast<long>(m_active.size()) < m_parallel;
      if (!finished && !can_start) {
        curl_multi_poll(m_multi, nullptr, 0, poll_timeout_ms(), nullptr);
      }
    }
  }

 private:
  int attempts() const { return m_policy.retries + 1; }

  void promote_due() {
    auto now = Clock::now();
    while (!m_waiting.empty() && m_waiting.begin()->first <= now) {
      m_ready.push_back(m_waiting.begin()->second);
      m_waiting.erase(m_waiting.begin());
    }
  }

  int poll_timeout_ms() const {
    long ms = 100;
    if (!m_waiting.empty() && m_active.empty()) {
      auto until = m_waiting.begin()->first - Clock::now();
      ms = std::clamp<long>(
          static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(until).count()),
          0, 100);
    }
    return static_cast<int>(ms);
  }

  void start(JobState s) {
    DownloadJob& job = *s.job;
    if (s.candidate >= job.candidates.size()) return;  // exhausted: the job failed
    const Candidate& c = job.candidates[s.candidate];
    if (auto problem = url_problem(c.url)) {
      job.failures.push_back(*problem);
      job.only_missing = false;
      next_candidate(s, Outcome::permanent);
      return;
    }
    auto t = std::make_unique<Transfer>();
    t->state = s;
    t->url = c.url;
    t->scheme = url_scheme(c.url);
    t->reporter = &m_reporter;
    auto plan = open_partial(*t);
    if (!plan) {
      job.failures.push_back("cannot open " + job.partial.string() + ": " + errno_text(errno));
      m_reporter.failed(job.name, job.failures.back());
      return;
    }
    t->easy = curl_easy_init();
    configure_easy(*t, m_policy, *plan);
    if (t->offset > 0) {
      log::debug("resuming {} at byte {}", redact_url(t->url), t->offset);
    }
    curl_multi_add_handle(m_multi, t->easy);
    m_active.emplace(t->easy, std::move(t));
  }

  // Opens the partial file and decides where to start: resume when the record names this URL.
  std::optional<ResumePlan> open_partial(Transfer& t) {
    const fs::path& partial = t.state.job->partial;
    t.fd = ::open(partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (t.fd < 0) return std::nullopt;
    t.hasher = std::make_unique<Hasher>(HashAlgorithm::sha512);
    std::optional<PartialRecord> record;
    if (auto text = read_file(partial_record_path(partial))) {
      record = parse_partial_record(text.value());
    }
    off_t size = ::lseek(t.fd, 0, SEEK_END);
    ResumePlan plan = plan_resume(record, t.url, size > 0 ? static_cast<std::uint64_t>(size) : 0);
    if (plan.offset > 0 && !hash_prefix(t.fd, plan.offset, *t.hasher)) {
      plan = ResumePlan{};
      t.hasher = std::make_unique<Hasher>(HashAlgorithm::sha512);
    }
    if (plan.offset == 0 && (::ftruncate(t.fd, 0) != 0 || ::lseek(t.fd, 0, SEEK_SET) != 0)) {
      return std::nullopt;
    }
    t.offset = plan.offset;
    return plan;
  }

  void finish(CURL* easy, CURLcode code) {
    auto node = m_active.extract(easy);
    std::unique_ptr<Transfer> t = std::move(node.mapped());
    curl_multi_remove_handle(m_multi, easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    ::close(t->fd);
    t->fd = -1;
    Outcome outcome = t->write_errno != 0 ? Outcome::fatal : classify(code, status);
    if (outcome == Outcome::ok) {
      verify_and_store(*t);
      return;
    }
    std::string reason = attempt_failure(*t, code, status, attempts());
    bool restart = code == CURLE_RANGE_ERROR || status == 416;
    if (restart) remove_partial(t->state.job->partial);
    if (outcome == Outcome::transient && t->state.attempt < attempts()) {
      schedule_retry(*t, reason);
      return;
    }
    if (outcome == Outcome::fatal) remove_partial(t->state.job->partial);
    t->state.job->failures.push_back(reason);
    t->state.job->only_missing &= outcome == Outcome::missing;
    t->state.job->disk_failed |= outcome == Outcome::fatal;
    next_candidate(t->state, outcome);
  }

  void verify_and_store(Transfer& t) {
    DownloadJob& job = *t.state.job;
    std::string actual = t.hasher->hex_digest();
    if (actual != job.sha512) {
      remove_partial(job.partial);
      job.only_missing = false;
      job.failures.push_back("sha512 mismatch for " + redact_url(t.url) + ": expected " +
                             job.sha512 + ", got " + actual +
                             "; the partial file was deleted; upstream may have re-rolled the "
                             "archive (Bottlerocket #2831): check the new file and update sha512");
      next_candidate(t.state, Outcome::permanent);
      return;
    }
    job.from_url = t.url;
    job.bytes = t.offset + t.written;
    try {
      m_store(job);
      job.done = true;
      m_reporter.fetched(job.name, redact_url(t.url), job.bytes);
    } catch (const Error& e) {
      job.failures.push_back(e.what());
      job.only_missing = false;
      job.disk_failed = true;
      m_reporter.failed(job.name, e.what());
    }
    remove_partial(job.partial);
  }

  void schedule_retry(Transfer& t, const std::string& reason) {
    std::optional<std::chrono::seconds> retry_after;
    if (!t.retry_after.empty()) {
      retry_after = parse_retry_after(t.retry_after, std::chrono::system_clock::now());
    }
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    auto delay = backoff_delay(m_policy, t.state.attempt, jitter(m_random), retry_after);
    m_reporter.retry(t.state.job->name, redact_url(t.url), reason, delay);
    JobState next = t.state;
    next.attempt += 1;
    m_waiting.emplace(Clock::now() + delay, next);
  }

  void next_candidate(JobState s, Outcome outcome) {
    DownloadJob& job = *s.job;
    std::size_t next = s.candidate + 1;
    if (next >= job.candidates.size()) {
      m_reporter.failed(job.name,
                        job.failures.empty() ? "no place to fetch from" : job.failures.back());
      return;
    }
    if (outcome == Outcome::fatal) {
      m_reporter.failed(job.name, job.failures.back());
      return;
    }
    const Candidate& from = job.candidates[s.candidate];
    const Candidate& to = job.candidates[next];
    std::string what = outcome == Outcome::missing ? "not in" : "cannot fetch from";
    m_reporter.info(job.name + ": " + what + " " +
                    (from.place == Place::lookaside ? "lookaside " : "") + redact_url(from.url) +
                    ", trying " + (to.place == Place::upstream ? "upstream " : "") +
                    redact_url(to.url));
    m_ready.push_back(JobState{s.job, next, 1});
  }

  TransferPolicy m_policy;
  long m_parallel;
  Reporter& m_reporter;
  const std::function<void(DownloadJob&)>& m_store;
  std::mt19937_64 m_random;
  CURLM* m_multi = nullptr;
  std::deque<JobState> m_ready;
  std::multimap<Clock::time_point, JobState> m_waiting;
  std::map<CURL*, std::unique_ptr<Transfer>> m_active;
};

}  // namespace

Downloader::Downloader(TransferPolicy policy, long parallel, Reporter& reporter)
    : m_policy(std::move(policy)), m_parallel(std::max(1L, parallel)), m_reporter(reporter) {
  static const bool initialised = [] {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  }();
  if (!initialised) {
    throw Error("cannot initialise libcurl");
  }
}

void Downloader::run(std::vector<DownloadJob>& jobs,
                     const std::function<void(DownloadJob&)>& store) {
  Engine engine(m_policy, m_parallel, m_reporter, store);
  engine.run(jobs);
}

}  // namespace osbuild::fetch
