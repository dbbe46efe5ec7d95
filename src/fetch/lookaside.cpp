#include "osbuild/fetch/lookaside.h"

#include "osbuild/net/url.h"

#include "osbuild/util/text.h"

namespace osbuild::fetch {

Result<std::string> lookaside_base(std::string_view entry, const fs::path& project_root) {
  std::string text(trim(entry));
  while (text.size() > 1 && text.back() == '/') {
    text.pop_back();
  }
  if (text.empty()) {
    return Failure{"empty lookaside entry"};
  }
  if (!net::url_scheme(text).empty()) {
    if (auto problem = net::url_problem(text)) {
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

}  // namespace osbuild::fetch
