#pragma once
// URLs: one type over libcurl's URL API (parsing, joining references, taking credentials out),
// and the string helpers messages use. redact_url and url_scheme work on the text alone, so a
// message can name a URL that does not parse and a command that never goes on the network never
// loads libcurl to print one.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "osbuild/util/error.h"

using CURLU = struct Curl_URL;

namespace osbuild::net {

class Url {
 public:
  // Any scheme with a host (file:// may have none); the failure is libcurl's reason, with the
  // URL's credentials left out.
  static Result<Url> parse(std::string_view text);

  Url(const Url& other);
  Url& operator=(const Url& other);
  Url(Url&& other) noexcept;
  Url& operator=(Url&& other) noexcept;
  ~Url();

  std::string scheme() const;  // lower case
  std::string host() const;    // as written; IPv6 addresses in brackets
  std::string port() const;    // empty when the URL names none
  std::string path() const;    // "/" at least for http(s)
  std::string query() const;   // without the '?'; empty when none
  std::string user() const;    // percent-decoded; empty when none
  std::string password() const;
  bool has_credentials() const { return !user().empty() || !password().empty(); }

  // The whole URL as libcurl writes it.
  std::string text() const;
  // The URL without user and password.
  Url without_credentials() const;
  // A reference resolved against this URL (RFC 3986 §5): "/v2/x/blobs/uploads/1?state=a",
  // "next?n=10" or a whole other URL.
  Result<Url> join(std::string_view reference) const;

 private:
  explicit Url(CURLU* handle) : m_handle(handle) {}
  std::string part(int which, unsigned flags) const;
  CURLU* m_handle = nullptr;
};

// The lowercase scheme of a URL ("https"), or empty when the text has none.
std::string url_scheme(std::string_view url);

// Why `url` cannot be fetched (malformed, unsupported scheme), or nullopt when it looks usable.
// Accepted schemes: http, https, file.
std::optional<std::string> url_problem(std::string_view url);

// The local path behind a file:// URL, or nullopt for other schemes.
std::optional<std::filesystem::path> file_url_path(std::string_view url);

// URLs in messages lose their user:password part.
std::string redact_url(std::string_view url);

}  // namespace osbuild::net
