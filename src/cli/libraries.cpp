#include "libraries.h"

#include <archive.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <git2.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <toml++/toml.h>

#include <CLI/Version.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

#include "osbuild/util/log.h"

namespace osbuild::cli {

namespace {

std::string fmt_version(int packed) {  // FMT_VERSION is major * 10000 + minor * 100 + patch
  return fmt::format("{}.{}.{}", packed / 10000, packed / 100 % 100, packed % 100);
}

std::string git2_running() {
  int major = 0;
  int minor = 0;
  int revision = 0;
  if (git_libgit2_version(&major, &minor, &revision) != 0) {
    return "";
  }
  return fmt::format("{}.{}.{}", major, minor, revision);
}

// The compression libraries osbuild reaches through libarchive, as libarchive reports them; ""
// when it was built without one. (Not archive_version_details: libarchive 3.6 rebuilds that
// string on every call and loses the previous one.)
std::string or_empty(const char* version) { return version != nullptr ? version : ""; }

}  // namespace

std::vector<Library> libraries() {
  return {
      {"libcurl", LIBCURL_VERSION, curl_version_info(CURLVERSION_NOW)->version,
       "apt-get install libcurl4-openssl-dev"},
      {"OpenSSL", OPENSSL_VERSION_STR, OpenSSL_version(OPENSSL_VERSION_STRING),
       "apt-get install libssl-dev"},
      {"libarchive", ARCHIVE_VERSION_ONLY_STRING,
       std::string(archive_version_string()).substr(std::string_view("libarchive ").size()),
       "apt-get install libarchive-dev"},
      {"zstd", "", or_empty(archive_libzstd_version()), "apt-get install libzstd-dev"},
      {"zlib", "", or_empty(archive_zlib_version()), "apt-get install zlib1g-dev"},
      {"libgit2", LIBGIT2_VERSION, git2_running(), "apt-get install libgit2-dev"},
      {"toml++", fmt::format("{}.{}.{}", TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH), "",
       "apt-get install libtomlplusplus-dev"},
      {"CLI11", CLI11_VERSION, "", "apt-get install libcli11-dev"},
      {"fmt", fmt_version(FMT_VERSION), "", "apt-get install libfmt-dev"},
      {"spdlog", std::string(log::library_version()), "", "apt-get install libspdlog-dev"},
      {"nlohmann-json",
       fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                   NLOHMANN_JSON_VERSION_PATCH),
       "", "apt-get install nlohmann-json3-dev"},
  };
}

std::string library_summary() {
  std::string text;
  for (const auto& lib : libraries()) {
    const std::string& version = lib.running.empty() ? lib.built_with : lib.running;
    if (version.empty()) {
      continue;
    }
    text += (text.empty() ? "" : ", ") + lib.name + " " + version;
  }
  return text;
}

}  // namespace osbuild::cli
