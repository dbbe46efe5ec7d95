#include "osbuild/net/url.h"

#include <curl/curl.h>

#include "osbuild/util/text.h"

namespace osbuild::net {

namespace {

bool is_supported_scheme(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "file";
}

CURLU* new_handle() {
  CURLU* handle = curl_url();
  if (handle == nullptr) {
    throw Error("libcurl could not allocate a URL", "check the libcurl installation");
  }
  return handle;
}

}  // namespace

Result<Url> Url::parse(std::string_view text) {
  Url url(new_handle());
  std::string copy(text);
  CURLUcode rc = curl_url_set(url.m_handle, CURLUPART_URL, copy.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) {
    return Failure{"malformed URL '" + redact_url(text) + "': " + curl_url_strerror(rc)};
  }
  return url;
}

Url::Url(const Url& other) : m_handle(curl_url_dup(other.m_handle)) {}

Url& Url::operator=(const Url& other) {
  if (this != &other) {
    Url copy(other);
    std::swap(m_handle, copy.m_handle);
  }
  return *this;
}

Url::Url(Url&& other) noexcept : m_handle(other.m_handle) {
  other.m_handle = nullptr;
}

Url& Url::operator=(Url&& other) noexcept {
  std::swap(m_handle, other.m_handle);
  return *this;
}

Url::~Url() {
  if (m_handle != nullptr) curl_url_cleanup(m_handle);
}

std::string Url::part(int which, unsigned flags) const {
  char* value = nullptr;
  if (curl_url_get(m_handle, static_cast<CURLUPart>(which), &value, flags) != CURLUE_OK ||
      value == nullptr) {
    return {};
  }
  std::string out(value);
  curl_free(value);
  return out;
}

std::string Url::scheme() const {
  return to_lower(part(CURLUPART_SCHEME, 0));
}
std::string Url::host() const {
  return part(CURLUPART_HOST, 0);
}
std::string Url::port() const {
  return part(CURLUPART_PORT, 0);
}
std::string Url::path() const {
  return part(CURLUPART_PATH, 0);
}
std::string Url::query() const {
  return part(CURLUPART_QUERY, 0);
}
std::string Url::user() const {
  return part(CURLUPART_USER, CURLU_URLDECODE);
}
std::string Url::password() const {
  return part(CURLUPART_PASSWORD, CURLU_URLDECODE);
}
std::string Url::text() const {
  return part(CURLUPART_URL, 0);
}

Url Url::without_credentials() const {
  Url copy(*this);
  curl_url_set(copy.m_handle, CURLUPART_USER, nullptr, 0);
  curl_url_set(copy.m_handle, CURLUPART_PASSWORD, nullptr, 0);
  return copy;
}

Result<Url> Url::join(std::string_view reference) const {
  Url out(*this);
  std::string copy(reference);
  CURLUcode rc = curl_url_set(out.m_handle, CURLUPART_URL, copy.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) {
    return Failure{"cannot resolve '" + redact_url(reference) + "' against '" +
                   redact_url(text()) + "': " + curl_url_strerror(rc)};
  }
  return out;
}

std::string url_scheme(std::string_view url) {
  auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) {
    return {};
  }
  auto scheme = url.substr(0, colon);
  for (char c : scheme) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.';
    if (!ok) {
      return {};
    }
  }
  return to_lower(scheme);
}

std::optional<std::string> url_problem(std::string_view url) {
  std::string scheme = url_scheme(url);
  if (scheme.empty()) {
    return "malformed URL '" + redact_url(url) + "': expected scheme://host/path";
  }
  if (!is_supported_scheme(scheme)) {
    return "unsupported URL scheme '" + scheme + "' in '" + redact_url(url) +
           "': use http://, https:// or file://";
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return "malformed URL '" + redact_url(url) + "': it contains a space or control character";
    }
  }
  auto parsed = Url::parse(url);
  if (!parsed) {
    return parsed.error();
  }
  if (scheme != "file" && parsed.value().host().empty()) {
    return "malformed URL '" + redact_url(url) + "': no host name";
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> file_url_path(std::string_view url) {
  if (url_scheme(url) != "file") {
    return std::nullopt;
  }
  auto rest = url.substr(url.find("://") + 3);
  // file://localhost/x and file:///x both name /x.
  if (rest.starts_with("localhost/")) {
    rest.remove_prefix(9);
  }
  return std::filesystem::path(std::string(rest));
}

std::string redact_url(std::string_view url) {
  auto start = url.find("://");
  if (start == std::string_view::npos) {
    return std::string(url);
  }
  auto host_start = start + 3;
  auto end = url.find_first_of("/?#", host_start);
  auto at = url.rfind('@', end == std::string_view::npos ? url.size() : end);
  if (at == std::string_view::npos || at < host_start) {
    return std::string(url);
  }
  return std::string(url.substr(0, host_start)) + "***@" + std::string(url.substr(at + 1));
}

}  // namespace osbuild::net
