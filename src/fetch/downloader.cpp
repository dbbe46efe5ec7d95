#include "downloader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

#include "osbuild/fetch/resume.h"
#include "osbuild/net/url.h"
#include "osbuild/process/process.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/log.h"

namespace osbuild::fetch {

namespace {

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

// One candidate URL of one job: the partial file it writes, resumed when its record names this
// URL, hashed as it grows.
class PartialSink : public net::BodySink {
 public:
  PartialSink(DownloadJob& job, std::string url, Reporter& reporter)
      : m_job(job), m_url(std::move(url)), m_scheme(net::url_scheme(m_url)), m_reporter(reporter) {}
  ~PartialSink() override { close(); }
  PartialSink(const PartialSink&) = delete;
  PartialSink& operator=(const PartialSink&) = delete;

  std::optional<net::Resume> open(int /*attempt*/) override {
    close();
    m_discarding = false;
    m_written = 0;
    m_fd = ::open(m_job.partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      open_errno = errno;
      return std::nullopt;
    }
    m_hasher = std::make_unique<Hasher>(HashAlgorithm::sha512);
    std::optional<PartialRecord> record;
    if (auto text = read_file(partial_record_path(m_job.partial))) {
      record = parse_partial_record(text.value());
    }
    off_t size = ::lseek(m_fd, 0, SEEK_END);
    ResumePlan plan = plan_resume(record, m_url, size > 0 ? static_cast<std::uint64_t>(size) : 0);
    if (plan.offset > 0 && !hash_prefix(m_fd, plan.offset, *m_hasher)) {
      plan = ResumePlan{};
      m_hasher = std::make_unique<Hasher>(HashAlgorithm::sha512);
    }
    if (plan.offset == 0 && (::ftruncate(m_fd, 0) != 0 || ::lseek(m_fd, 0, SEEK_SET) != 0)) {
      open_errno = errno;
      return std::nullopt;
    }
    m_offset = plan.offset;
    if (m_offset > 0) log::debug("resuming {} at byte {}", net::redact_url(m_url), m_offset);
    return net::Resume{plan.offset, plan.if_range};
  }

  // The first bytes of a response body decide whether they extend the partial file, replace it,
  // or are an error page to throw away.
  bool begin(const net::Response& head) override {
    BodyAction action = body_action(m_scheme, head.status, m_offset);
    if (action == BodyAction::discard) {
      m_discarding = true;
      return true;
    }
    if (action == BodyAction::restart) {
      if (::ftruncate(m_fd, 0) != 0 || ::lseek(m_fd, 0, SEEK_SET) != 0) {
        write_errno = errno;
        return false;
      }
      m_offset = 0;
      m_hasher = std::make_unique<Hasher>(HashAlgorithm::sha512);
    }
    PartialRecord record{m_url, head.header("etag"), head.header("last-modified")};
    try {
      write_file_atomic(partial_record_path(m_job.partial), format_partial_record(record),
                        Durability::cache);
    } catch (const Error&) {
      write_errno = errno != 0 ? errno : EIO;
      return false;
    }
    return true;
  }

  bool write(std::string_view data) override {
    if (process::interrupted()) return false;  // a build's fetch under its interrupt guard
    if (m_discarding) return true;
    if (!write_all(m_fd, data.data(), data.size(), write_errno)) return false;
    m_hasher->update(data.data(), data.size());
    m_written += data.size();
    m_reporter.add_bytes(data.size());
    return true;
  }

  void close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

  std::string hex_digest() { return m_hasher->hex_digest(); }
  std::uint64_t bytes() const { return m_offset + m_written; }
  std::uint64_t written() const { return m_written; }

  int open_errno = 0;
  int write_errno = 0;

 private:
  DownloadJob& m_job;
  std::string m_url;
  std::string m_scheme;
  Reporter& m_reporter;
  int m_fd = -1;
  std::unique_ptr<Hasher> m_hasher;
  std::uint64_t m_offset = 0;
  std::uint64_t m_written = 0;
  bool m_discarding = false;
};

// A one-line reason for a failed attempt, naming the URL, the HTTP status and the attempt.
std::string attempt_failure(const std::string& url, const DownloadJob& job,
                            const PartialSink& sink, const net::Response& r, int attempts) {
  std::string where = net::redact_url(url);
  std::string attempt =
      " (attempt " + std::to_string(r.attempt) + " of " + std::to_string(attempts) + ")";
  if (sink.write_errno != 0) {
    return "cannot write " + job.partial.string() + ": " + errno_text(sink.write_errno);
  }
  bool answered = r.code == net::code::ok;
  if (answered && r.status == 404) return where + ": not found (HTTP 404)";
  if (answered && r.status == 410) return where + ": gone (HTTP 410)";
  if (answered) return where + ": HTTP " + std::to_string(r.status) + attempt;
  if (r.code == net::code::file_couldnt_read) return where + ": no such file";
  std::string detail = r.error;
  if (r.code == net::code::timed_out && sink.written() == 0 && r.status == 0) {
    detail = "no response within the timeout: " + detail;
  }
  return where + ": " + detail + attempt;
}

// The decisions between candidates; the transfers and their retries are the client's.
class Engine {
 public:
  Engine(const net::TransferPolicy& policy, Reporter& reporter, net::HttpClient& http,
         const std::function<void(DownloadJob&)>& store)
      : m_policy(policy), m_reporter(reporter), m_http(http), m_store(store) {}

  void run(std::vector<DownloadJob>& jobs, long parallel) {
    for (auto& job : jobs) start(job, 0);
    m_http.run(static_cast<std::size_t>(parallel), [this] { m_reporter.tick(); });
  }

 private:
  int attempts() const { return m_policy.retries + 1; }

  void start(DownloadJob& job, std::size_t candidate) {
    if (candidate >= job.candidates.size()) return;  // exhausted: the job failed
    if (process::interrupted()) return;
    const Candidate& c = job.candidates[candidate];
    if (auto problem = net::url_problem(c.url)) {
      job.failures.push_back(*problem);
      job.only_missing = false;
      next_candidate(job, candidate, net::Outcome::permanent);
      return;
    }
    auto sink = std::make_unique<PartialSink>(job, c.url, m_reporter);
    PartialSink* s = sink.get();
    m_sinks.push_back(std::move(sink));
    net::Request request = net::policy_request(m_policy, c.url);
    request.allow_file = true;
    request.sink = s;
    request.on_retry = [this, &job, s, url = c.url](const net::Response& r,
                                                    std::chrono::milliseconds delay) {
      std::string reason = attempt_failure(url, job, *s, r, attempts());
      if (r.code == net::code::range_error || r.status == 416) remove_partial(job.partial);
      m_reporter.retry(job.name, net::redact_url(url), reason, delay);
    };
    m_http.submit(std::move(request), [this, &job, candidate, s](net::Response& r) {
      finish(job, candidate, *s, r);
    });
  }

  void finish(DownloadJob& job, std::size_t candidate, PartialSink& sink, net::Response& r) {
    sink.close();
    if (process::interrupted()) {  // the partial file is kept: the next run resumes it
      job.failures.push_back("interrupted");
      return;
    }
    const std::string& url = job.candidates[candidate].url;
    if (sink.open_errno != 0) {
      job.failures.push_back("cannot open " + job.partial.string() + ": " +
                             errno_text(sink.open_errno));
      m_reporter.failed(job.name, job.failures.back());
      return;
    }
    net::Outcome outcome = sink.write_errno != 0 ? net::Outcome::fatal : r.outcome();
    if (outcome == net::Outcome::ok) {
      verify_and_store(job, candidate, sink);
      return;
    }
    std::string reason = attempt_failure(url, job, sink, r, attempts());
    bool restart = r.code == net::code::range_error || r.status == 416;
    if (restart || outcome == net::Outcome::fatal) remove_partial(job.partial);
    job.failures.push_back(reason);
    job.only_missing &= outcome == net::Outcome::missing;
    job.disk_failed |= outcome == net::Outcome::fatal;
    next_candidate(job, candidate, outcome);
  }

  void verify_and_store(DownloadJob& job, std::size_t candidate, PartialSink& sink) {
    const std::string& url = job.candidates[candidate].url;
    std::string actual = sink.hex_digest();
    if (actual != job.sha512) {
      remove_partial(job.partial);
      job.only_missing = false;
      job.failures.push_back("sha512 mismatch for " + net::redact_url(url) + ": expected " +
                             job.sha512 + ", got " + actual +
                             "; the partial file was deleted; upstream may have re-rolled the "
                             "archive (Bottlerocket #2831): check the new file and update sha512");
      next_candidate(job, candidate, net::Outcome::permanent);
      return;
    }
    job.from_url = url;
    job.bytes = sink.bytes();
    try {
      m_store(job);
      job.done = true;
      m_reporter.fetched(job.name, net::redact_url(url), job.bytes);
    } catch (const Error& e) {
      job.failures.push_back(e.what());
      job.only_missing = false;
      job.disk_failed = true;
      m_reporter.failed(job.name, e.what());
    }
    remove_partial(job.partial);
  }

  void next_candidate(DownloadJob& job, std::size_t candidate, net::Outcome outcome) {
    std::size_t next = candidate + 1;
    if (next >= job.candidates.size()) {
      m_reporter.failed(job.name,
                        job.failures.empty() ? "no place to fetch from" : job.failures.back());
      return;
    }
    if (outcome == net::Outcome::fatal) {
      m_reporter.failed(job.name, job.failures.back());
      return;
    }
    const Candidate& from = job.candidates[candidate];
    const Candidate& to = job.candidates[next];
    std::string what = outcome == net::Outcome::missing ? "not in" : "cannot fetch from";
    m_reporter.info(job.name + ": " + what + " " +
                    (from.place == Place::lookaside ? "lookaside " : "") +
                    net::redact_url(from.url) + ", trying " +
                    (to.place == Place::upstream ? "upstream " : "") + net::redact_url(to.url));
    start(job, next);
  }

  const net::TransferPolicy& m_policy;
  Reporter& m_reporter;
  net::HttpClient& m_http;
  const std::function<void(DownloadJob&)>& m_store;
  std::vector<std::unique_ptr<PartialSink>> m_sinks;
};

}  // namespace

fs::path partial_record_path(const fs::path& partial) {
  return fs::path(partial.string() + ".json");
}

Downloader::Downloader(net::TransferPolicy policy, long parallel, Reporter& reporter,
                       net::HttpClient* http)
    : m_policy(std::move(policy)),
      m_parallel(std::max(1L, parallel)),
      m_reporter(reporter),
      m_http(http) {}

void Downloader::run(std::vector<DownloadJob>& jobs,
                     const std::function<void(DownloadJob&)>& store) {
  std::unique_ptr<net::HttpClient> owned;
  net::HttpClient* http = m_http;
  if (http == nullptr) {
    owned = std::make_unique<net::CurlHttpClient>(m_policy);
    http = owned.get();
  }
  Engine engine(m_policy, m_reporter, *http, store);
  engine.run(jobs, m_parallel);
}

}  // namespace osbuild::fetch
