#include "osbuild/fetch/url.h"

#include <curl/curl.h>

#include <memory>

#include "osbuild/util/text.h"

namespace osbuild::fetch {

namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

bool is_supported_scheme(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "file";
}

}  // namespace

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
  UrlHandle handle(curl_url());
  std::string text(url);
  CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0);
  if (rc != CURLUE_OK) {
    return "malformed URL '" + redact_url(url) + "': " + curl_url_strerror(rc);
  }
  if (scheme != "file") {
    char* host = nullptr;
    if (curl_url_get(handle.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || host == nullptr ||
        *host == '\0') {
      curl_free(host);
      return "malformed URL '" + redact_url(url) + "': no host name";
    }
    curl_free(host);
  }
  return std::nullopt;
}

Result<std::string> lookaside_base(std::string_view entry, const fs::path& project_root) {
  std::string text(trim(entry));
  while (text.size() > 1 && text.back() == '/') {
    text.pop_back();
  }
  if (text.empty()) {
    return Failure{"empty lookaside entry"};
  }
  if (!url_scheme(text).empty()) {
    if (auto problem = url_problem(text)) {
      return Failure{*problem};
    }
    return text;
  }
  if (text.find("://") != std::string::npos) {
    return Failure{"malformed URL '" + text + "': expected scheme://host/path or a folder path"};
  }
  fs::path folder = fs::path(text).is_absolute() ? fs::path(text) : project_root / text;
  return "file://" + folder.lexically_normal().string();
}

std::optional<fs::path> file_url_path(std::string_view url) {
  if (url_scheme(url) != "file") {
    return std::nullopt;
  }
  auto rest = url.substr(url.find("://") + 3);
  // file://localhost/x and file:///x both name /x.
  if (rest.starts_with("localhost/")) {
    rest.remove_prefix(9);
  }
  return fs::path(std::string(rest));
}

std::string lookaside_url(std::string_view base, std::string_view name, std::string_view sha512) {
  std::string url(base);
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  url.reserve(url.size() + 2 * name.size() + sha512.size() + 3);
  url += '/';
  url += name;
  url += '/';
  url += sha512;
  url += '/';
  url += name;
  return url;
}

std::string external_file_name(const config::ExternalFile& file) {
  if (!file.path.empty()) {
    return file.path;
  }
  std::string_view url = file.url;
  url = url.substr(0, url.find_first_of("?#"));
  while (!url.empty() && url.back() == '/') {
    url.remove_suffix(1);
  }
  auto slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
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

}  // namespace osbuild::fetch
