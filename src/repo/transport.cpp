// Reading repository files: local files directly, HTTP through libcurl's easy interface with
// the fetch stage's timeouts and retries for transient failures.
#include "osbuild/repo/transport.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "osbuild/config/settings.h"
#include "osbuild/fetch/retry.h"
#include "osbuild/fetch/url.h"
#include "osbuild/util/error.h"

namespace osbuild::repo {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void too_large(const std::string& url, std::uint64_t max_bytes) {
  throw Error(url + " is larger than " + std::to_string(max_bytes) + " bytes",
              "the repository holds an oversized file; check what was uploaded there",
              ExitCode::verification);
}

FetchStatus fetch_local(const std::string& url, const fs::path& path, std::uint64_t max_bytes,
                        const std::function<void(std::string_view)>& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!fs::exists(path)) {
      return FetchStatus::missing;
    }
    throw Error("cannot read " + path.string(), "check the file's permissions");
  }
  std::string buffer(1 << 20, '\0');
  std::uint64_t total = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<std::size_t>(in.gcount());
    total += n;
    if (total > max_bytes) {
      too_large(url, max_bytes);
    }
    if (n > 0) {
      sink(std::string_view(buffer.data(), n));
    }
  }
  return FetchStatus::ok;
}

struct Transfer {
  const std::function<void(std::string_view)>* sink = nullptr;
  std::uint64_t max_bytes = 0;
  std::uint64_t received = 0;
  bool oversized = false;
  std::string pending;  // the body of the current attempt, handed on once it succeeded
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  t->received += n;
  if (t->received > t->max_bytes) {
    t->oversized = true;
    return 0;
  }
  t->pending.append(data, n);
  if (t->pending.size() >= (4u << 20)) {  // stream big targets instead of holding them
    (*t->sink)(t->pending);
    t->pending.clear();
  }
  return n;
}

class CurlTransport : public Transport {
 public:
  CurlTransport()
      : m_policy(fetch::TransferPolicy::from_environment(config::current_environment())) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
  }

  FetchStatus fetch(const std::string& url, std::uint64_t max_bytes,
                    const std::function<void(std::string_view)>& sink) override {
    if (auto path = fetch::file_url_path(url)) {
      return fetch_local(url, *path, max_bytes, sink);
    }
    for (int attempt = 1;; ++attempt) {
      Transfer t;
      t.sink = &sink;
      t.max_bytes = max_bytes;
      auto [code, status] = perform(url, t);
      if (t.oversized) {
        too_large(url, max_bytes);
      }
      fetch::Outcome outcome = fetch::classify(code, status);
      if (outcome == fetch::Outcome::ok) {
        if (!t.pending.empty()) {
          sink(t.pending);
        }
        return FetchStatus::ok;
      }
      if (outcome == fetch::Outcome::missing) {
        return FetchStatus::missing;
      }
      bool streamed = t.received > t.pending.size();  // part of the body already went out
      if (outcome != fetch::Outcome::transient || attempt > m_policy.retries || streamed) {
        std::string what = status != 0
                               ? "HTTP " + std::to_string(status)
                               : std::string(curl_easy_strerror(static_cast<CURLcode>(code)));
        throw Error("cannot read " + fetch::redact_url(url) + ": " + what + " (attempt " +
                        std::to_string(attempt) + ")",
                    "check that the repository server is up and the URL in Infra.toml is right");
      }
      std::this_thread::sleep_for(fetch::backoff_delay(m_policy, attempt, 0.75));
    }
  }

 private:
  std::pair<int, long> perform(const std::string& url, Transfer& t) {
    CURL* e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    fetch::apply_transfer_policy(e, m_policy);
    CURLcode code = curl_easy_perform(e);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(e);
    return {static_cast<int>(code), status};
  }

  fetch::TransferPolicy m_policy;
};

}  // namespace

std::unique_ptr<Transport> make_transport() {
  return std::make_unique<CurlTransport>();
}

FetchStatus MemoryTransport::fetch(const std::string& url, std::uint64_t max_bytes,
                                   const std::function<void(std::string_view)>& sink) {
  auto it = files.find(url);
  if (it == files.end()) {
    return FetchStatus::missing;
  }
  if (it->second.size() > max_bytes) {
    too_large(url, max_bytes);
  }
  sink(it->second);
  return FetchStatus::ok;
}

std::optional<std::string> fetch_text(Transport& transport, const std::string& url,
                                      std::uint64_t max_bytes) {
  std::string body;
  if (transport.fetch(url, max_bytes, [&](std::string_view part) { body.append(part); }) ==
      FetchStatus::missing) {
    return std::nullopt;
  }
  return body;
}

std::string join_url(std::string_view base, std::string_view name) {
  std::string out(base);
  while (!out.empty() && out.back() == '/') {
    out.pop_back();
  }
  while (!name.empty() && name.front() == '/') {
    name.remove_prefix(1);
  }
  return out + "/" + std::string(name);
}

std::string file_url(const std::filesystem::path& dir) {
  std::string path = std::filesystem::absolute(dir).lexically_normal().string();
  if (path.empty() || path.back() != '/') {
    path += '/';
  }
  return "file://" + path;
}

}  // namespace osbuild::repo
