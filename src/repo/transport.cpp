// Reading repository files: local files directly, HTTP through net::HttpClient with the transfer
// policy's timeouts and retries for transient failures.
#include "osbuild/repo/transport.h"

#include <fstream>

#include "osbuild/config/settings.h"
#include "osbuild/net/http.h"
#include "osbuild/net/url.h"
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

// Holds an attempt's body until it succeeded; a big one is streamed on, after which the transfer
// can no longer be retried.
class StreamSink : public net::BodySink {
 public:
  explicit StreamSink(const std::function<void(std::string_view)>& sink) : m_sink(sink) {}
  std::optional<net::Resume> open(int /*attempt*/) override {
    if (m_streamed) return std::nullopt;
    m_pending.clear();
    return net::Resume{};
  }
  bool begin(const net::Response& /*head*/) override { return true; }
  bool write(std::string_view data) override {
    m_pending.append(data);
    if (m_pending.size() >= (4u << 20)) {  // stream big targets instead of holding them
      m_sink(m_pending);
      m_pending.clear();
      m_streamed = true;
    }
    return true;
  }
  void flush() {
    if (!m_pending.empty()) m_sink(m_pending);
  }

 private:
  const std::function<void(std::string_view)>& m_sink;
  std::string m_pending;
  bool m_streamed = false;
};

class HttpTransport : public Transport {
 public:
  HttpTransport(std::unique_ptr<net::HttpClient> http, net::TransferPolicy policy)
      : m_http(std::move(http)), m_policy(policy) {}

  FetchStatus fetch(const std::string& url, std::uint64_t max_bytes,
                    const std::function<void(std::string_view)>& sink) override {
    if (auto path = net::file_url_path(url)) {
      return fetch_local(url, *path, max_bytes, sink);
    }
    StreamSink stream(sink);
    net::Request request = net::policy_request(m_policy, url);
    request.max_body = max_bytes;
    request.sink = &stream;
    net::Response r = m_http->perform(std::move(request));
    if (r.too_large) {
      too_large(url, max_bytes);
    }
    if (r.ok()) {
      stream.flush();
      return FetchStatus::ok;
    }
    if (r.outcome() == net::Outcome::missing) {
      return FetchStatus::missing;
    }
    std::string what = r.status != 0 ? "HTTP " + std::to_string(r.status) : r.error;
    throw Error("cannot read " + net::redact_url(url) + ": " + what + " (attempt " +
                    std::to_string(r.attempt) + ")",
                "check that the repository server is up and the URL in Infra.toml is right");
  }

 private:
  std::unique_ptr<net::HttpClient> m_http;
  net::TransferPolicy m_policy;
};

}  // namespace

std::unique_ptr<Transport> make_transport(const config::Settings& settings) {
  auto policy = net::TransferPolicy::from_settings(settings);
  return make_http_transport(std::make_unique<net::CurlHttpClient>(policy), policy);
}

std::unique_ptr<Transport> make_http_transport(std::unique_ptr<net::HttpClient> http,
                                               net::TransferPolicy policy) {
  return std::make_unique<HttpTransport>(std::move(http), policy);
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
