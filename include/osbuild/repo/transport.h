#pragma once
// How repository files are read: file:// and http(s):// through net::HttpClient, or a fake in memory for
// unit tests. A 404 (or an absent local file) is "missing", which callers may treat as "new".
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "osbuild/config/settings.h"
#include "osbuild/net/http.h"

namespace osbuild::repo {

enum class FetchStatus { ok, missing };

class Transport {
 public:
  virtual ~Transport() = default;
  // Streams the body of `url` to `sink`; more than `max_bytes` is an error, as is any failure
  // other than "not there" (thrown as an Error naming the URL and the HTTP status).
  virtual FetchStatus fetch(const std::string& url, std::uint64_t max_bytes,
                            const std::function<void(std::string_view)>& sink) = 0;
};

// file:// URLs read the local file; http and https go through libcurl.
std::unique_ptr<Transport> make_transport(const config::Settings& settings);
// http(s) through the given client (a fake in unit tests), file:// from the disk.
std::unique_ptr<Transport> make_http_transport(std::unique_ptr<net::HttpClient> http,
                                               net::TransferPolicy policy);

// Files in memory, keyed by URL, for unit tests.
class MemoryTransport : public Transport {
 public:
  std::map<std::string, std::string> files;
  FetchStatus fetch(const std::string& url, std::uint64_t max_bytes,
                    const std::function<void(std::string_view)>& sink) override;
};

// Reads a whole small file (metadata); nullopt when missing.
std::optional<std::string> fetch_text(Transport& transport, const std::string& url,
                                      std::uint64_t max_bytes);

// "base/" + name, with exactly one slash between them.
std::string join_url(std::string_view base, std::string_view name);
// A folder as a file:// URL ending in a slash.
std::string file_url(const std::filesystem::path& dir);

}  // namespace osbuild::repo
