// The OCI distribution API over libcurl: one easy handle per request, bearer/basic auth on 401.
#include <curl/curl.h>
#include <fmt/format.h>

#include <cctype>
#include <cstdio>
#include <functional>
#include <memory>

#include "osbuild/oci/registry.h"
#include "osbuild/util/json.h"
#include "osbuild/util/log.h"
#include "osbuild/util/text.h"
#include "osbuild/version.h"

namespace osbuild::oci {

struct RegistryClient::Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; the last value wins
  std::vector<std::string> challenges;         // every WWW-Authenticate value
  std::string body;
  std::string curl_error;  // set when no HTTP response arrived
  std::uint64_t bytes_sent = 0;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

namespace {

bool curl_ready() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* r = static_cast<RegistryClient::Response*>(user);
  r->body.append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* r = static_cast<RegistryClient::Response*>(user);
  std::string_view line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = to_lower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    if (name == "www-authenticate") r->challenges.push_back(value);
    r->headers[name] = value;
  } else if (line.rfind("HTTP/", 0) == 0) {
    r->headers.clear();  // a new response (after 100 Continue or a redirect)
    r->challenges.clear();
  }
  return size * count;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  return std::fread(buffer, size, count, static_cast<std::FILE*>(user)) * size;
}

std::string url_escape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string pull_scope(const std::string& repository) {
  return "repository:" + repository + ":pull";
}
std::string push_scope(const std::string& repository) {
  return "repository:" + repository + ":pull,push";
}

std::string with_query(std::string url, std::string_view query) {
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += query;
  return url;
}

std::string short_body(const std::string& body) {
  Json doc = Json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) {
    std::vector<std::string> parts;
    for (const auto& e : doc["errors"]) {
      if (!e.is_object()) continue;
      parts.push_back(e.value("code", std::string()) + ": " + e.value("message", std::string()));
    }
    if (!parts.empty()) return join(parts, "; ");
  }
  return body.size() > 200 ? body.substr(0, 200) + "…" : body;
}

}  // namespace

RegistryClient::RegistryClient(ClientOptions options)
    : m_options(std::move(options)), m_base(base_url(m_options.host, m_options.insecure)) {}

RegistryClient::~RegistryClient() = default;

std::string RegistryClient::authorization(const std::string& scope) {
  if (auto it = m_tokens.find(scope); it != m_tokens.end()) return "Bearer " + it->second;
  if (m_use_basic && m_credentials.credentials) {
    return "Basic " + base64_encode(m_credentials.credentials->user + ":" +
                                    m_credentials.credentials->password);
  }
  return {};
}

void RegistryClient::authenticate(const std::string& challenge_header, const std::string& scope) {
  if (!m_credentials_loaded) {
    m_credentials = find_credentials(m_options.host);
    m_credentials_loaded = true;
  }
  auto parsed = parse_challenge(challenge_header);
  if (!parsed.ok()) {
    throw Error(fmt::format("{} sent a WWW-Authenticate header osbuild cannot read: {}", m_base,
                            parsed.error()));
  }
  const Challenge& ch = parsed.value();
  if (ch.scheme == "basic") {
    if (!m_credentials.credentials) {
      throw Error(fmt::format("{} asks for a user and password", m_base),
                  fmt::format("set OSBUILD_REGISTRY_AUTH=user:password, or run `docker login {}`",
                              m_options.host));
    }
    m_use_basic = true;
    return;
  }
  if (ch.scheme != "bearer") {
    throw Error(fmt::format("{} asks for \"{}\" authentication, which osbuild does not speak",
                            m_base, ch.scheme),
                "use a registry that offers bearer or basic authentication");
  }
  auto realm = ch.params.find("realm");
  if (realm == ch.params.end() || realm->second.empty()) {
    throw Error(fmt::format("{} sent a bearer challenge without a realm", m_base));
  }
  std::string url = realm->second;
  std::vector<std::string> query;
  if (auto s = ch.params.find("service"); s != ch.params.end()) {
    query.push_back("service=" + url_escape(s->second));
  }
  std::string want_scope = scope;
  if (auto s = ch.params.find("scope"); s != ch.params.end() && !s->second.empty()) {
    want_scope = s->second;
  }
  if (!want_scope.empty()) query.push_back("scope=" + url_escape(want_scope));
  if (!query.empty()) url = with_query(url, join(query, "&"));

  std::vector<std::string> headers;
  if (m_credentials.credentials) {
    headers.push_back(
        "Authorization: Basic " +
        base64_encode(m_credentials.credentials->user + ":" + m_credentials.credentials->password));
  }
  // The token request itself carries no bearer token: an empty scope means "no auth retry".
  Response r = request("GET", url, headers, nullptr, nullptr, "");
  if (r.status != 200) {
    throw Error(fmt::format("the token service {} refused a token for {} (HTTP {}): {}",
                            realm->second, want_scope, r.status, short_body(r.body)),
                m_credentials.credentials
                    ? fmt::format("check the credentials from {}", m_credentials.source)
                    : fmt::format("set OSBUILD_REGISTRY_AUTH=user:password, or run `docker login "
                                  "{}`",
                                  m_options.host));
  }
  Json doc = Json::parse(r.body, nullptr, false);
  std::string token;
  if (doc.is_object()) {
    token = doc.value("token", std::string());
    if (token.empty()) token = doc.value("access_token", std::string());
  }
  if (token.empty()) {
    throw Error(fmt::format("the token service {} answered without a token", realm->second));
  }
  m_tokens[scope] = token;
}

RegistryClient::Response RegistryClient::request(const std::string& method, const std::string& url,
                                                 const std::vector<std::string>& headers,
                                                 const std::string* body,
                                                 const std::filesystem::path* upload_file,
                                                 const std::string& scope) {
  if (!curl_ready()) throw Error("libcurl failed to initialise");
  for (int attempt = 0; attempt < 2; ++attempt) {
    Response r;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
    if (!easy) throw Error("libcurl failed to create a handle");
    CURL* e = easy.get();
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    if (!scope.empty()) {
      std::string auth = authorization(scope);
      if (!auth.empty()) list = curl_slist_append(list, ("Authorization: " + auth).c_str());
    }
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list_guard(list,
                                                                           curl_slist_free_all);
    std::string agent = std::string("osbuild/") + OSBUILD_VERSION;
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_USERAGENT, agent.c_str());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, m_options.connect_timeout_seconds);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, m_options.timeout_seconds);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    std::unique_ptr<std::FILE, decltype(&std::fclose)> file(nullptr, std::fclose);
    if (method == "GET") {
      curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
      curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
      curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    } else if (method == "HEAD") {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (upload_file != nullptr) {
      file.reset(std::fopen(upload_file->c_str(), "rb"));
      if (!file) throw Error("cannot open " + upload_file->string() + " to upload it");
      std::error_code ec;
      auto size = std::filesystem::file_size(*upload_file, ec);
      curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(e, CURLOPT_READDATA, file.get());
      curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
    } else {
      static const std::string empty;
      const std::string& data = body != nullptr ? *body : empty;
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, data.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(data.size()));
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    CURLcode rc = curl_easy_perform(e);
    if (rc != CURLE_OK) {
      r.curl_error = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
      return r;
    }
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.status);
    curl_off_t sent = 0;
    curl_easy_getinfo(e, CURLINFO_SIZE_UPLOAD_T, &sent);
    r.bytes_sent = static_cast<std::uint64_t>(sent);
    if (r.status == 401 && attempt == 0 && !scope.empty() && !r.challenges.empty()) {
      log::debug("{} {}: 401, authenticating", method, url);
      authenticate(r.challenges.front(), scope);
      continue;
    }
    return r;
  }
  throw Error(fmt::format("{} still refuses {} {} after authenticating", m_base, method, url),
              "check that the credentials may pull and push this repository");
}

Error RegistryClient::http_error(const std::string& what, const Response& r) const {
  if (!r.curl_error.empty()) {
    return Error(
        fmt::format("cannot reach the registry at {} ({}): {}", m_base, what, r.curl_error),
        fmt::format("start the registry at {}, or point the vendor's `registry` in "
                    "osbuild.toml at one that runs",
                    m_options.host));
  }
  std::string hint;
  if (r.status == 401 || r.status == 403) {
    hint = fmt::format("set OSBUILD_REGISTRY_AUTH=user:password, or run `docker login {}`",
                       m_options.host);
  }
  return Error(
      fmt::format("{}: {} answered HTTP {}: {}", what, m_base, r.status, short_body(r.body)), hint);
}

void RegistryClient::ping() {
  // No auth attempt: a 401 already proves a registry answers.
  Response r = request("GET", m_base + "/v2/", {}, nullptr, nullptr, "");
  if (!r.curl_error.empty() || (r.status != 200 && r.status != 401)) {
    throw http_error("GET /v2/", r);
  }
  if (r.status == 200 && r.header("docker-distribution-api-version").empty() &&
      r.body.find('{') == std::string::npos) {
    throw Error(fmt::format("{} does not look like an OCI registry (GET /v2/ answered without "
                            "the distribution API)",
                            m_base),
                "check the vendor's `registry` host and port in osbuild.toml");
  }
}

bool RegistryClient::has_blob(const std::string& repository, const std::string& digest) {
  Response r = request("HEAD", api_url(m_base, repository, "blobs", digest), {}, nullptr, nullptr,
                       pull_scope(repository));
  if (r.status == 200) return true;
  if (r.status == 404) return false;
  throw http_error("HEAD blob " + digest, r);
}

std::string RegistryClient::get_blob(const std::string& repository, const std::string& digest) {
  Response r = request("GET", api_url(m_base, repository, "blobs", digest), {}, nullptr, nullptr,
                       pull_scope(repository));
  if (r.status != 200) throw http_error(fmt::format("GET {} blob {}", repository, digest), r);
  auto ok = verify_digest(r.body, digest);
  if (!ok.ok()) {
    throw Error(fmt::format("blob {} of {} from {}: {}", digest, repository, m_base, ok.error()),
                "the registry holds corrupt content; delete and republish the kit",
                ExitCode::verification);
  }
  return std::move(r.body);
}

namespace {

struct Upload {
  const std::filesystem::path* file = nullptr;
  const std::string* data = nullptr;
};

}  // namespace

static BlobPush push_blob(
    RegistryClient& client, const std::string& base, const std::string& repository,
    const std::string& digest, const Upload& up, const std::optional<std::string>& mount_from,
    const std::function<RegistryClient::Response(
        const std::string&, const std::string&, const std::vector<std::string>&, const std::string*,
        const std::filesystem::path*)>& send,
    const std::function<Error(const std::string&, const RegistryClient::Response&)>& fail) {
  BlobPush result;
  if (client.has_blob(repository, digest)) {
    result.outcome = BlobPush::Outcome::present;
    return result;
  }
  std::string uploads = api_url(base, repository, "blobs", "uploads/");
  if (mount_from && *mount_from != repository) {
    auto r = send(
        "POST",
        with_query(uploads, "mount=" + url_escape(digest) + "&from=" + url_escape(*mount_from)),
        {"Content-Length: 0"}, nullptr, nullptr);
    if (r.status == 201) {
      result.outcome = BlobPush::Outcome::mounted;
      return result;
    }
    if (r.status != 202) throw fail("mount blob " + digest, r);
    // 202: the registry did not mount and opened an upload session instead; cancel it.
    std::string location = r.header("location");
    if (!location.empty()) {
      if (location.front() == '/') location = base + location;
      send("DELETE", location, {}, nullptr, nullptr);
    }
  }
  auto start = send("POST", uploads, {"Content-Length: 0"}, nullptr, nullptr);
  if (start.status != 202) throw fail("start the upload of blob " + digest, start);
  std::string location = start.header("location");
  if (location.empty()) {
    throw Error(fmt::format("{} opened an upload for {} without a Location header", base, digest));
  }
  if (location.front() == '/') location = base + location;
  std::string put_url = with_query(location, "digest=" + url_escape(digest));
  auto put = send("PUT", put_url, {"Content-Type: application/octet-stream"}, up.data, up.file);
  if (put.status != 201) throw fail("upload blob " + digest, put);
  std::string reported = put.header("docker-content-digest");
  if (!reported.empty() && reported != digest) {
    throw Error(fmt::format("{} stored blob {} under digest {}", base, digest, reported),
                "the upload was corrupted on the way; run the command again",
                ExitCode::verification);
  }
  result.outcome = BlobPush::Outcome::uploaded;
  result.bytes_sent = put.bytes_sent;
  return result;
}

BlobPush RegistryClient::push_blob_file(const std::string& repository, const std::string& digest,
                                        const std::filesystem::path& file,
                                        const std::optional<std::string>& mount_from) {
  return push_upload(repository, digest, &file, nullptr, mount_from);
}

BlobPush RegistryClient::push_blob_bytes(const std::string& repository, const std::string& digest,
                                         const std::string& data) {
  return push_upload(repository, digest, nullptr, &data, std::nullopt);
}

BlobPush RegistryClient::push_upload(const std::string& repository, const std::string& digest,
                                     const std::filesystem::path* file, const std::string* data,
                                     const std::optional<std::string>& mount_from) {
  std::string scope = push_scope(repository);
  auto send = [this, &scope](const std::string& m, const std::string& u,
                             const std::vector<std::string>& h, const std::string* b,
                             const std::filesystem::path* f) {
    return request(m, u, h, b, f, scope);
  };
  auto fail = [this](const std::string& w, const Response& r) { return http_error(w, r); };
  return push_blob(*this, m_base, repository, digest, Upload{file, data}, mount_from, send, fail);
}

std::optional<Manifest> RegistryClient::get_manifest(const std::string& repository,
                                                     const std::string& reference) {
  std::vector<std::string> headers = {
      fmt::format("Accept: {}, {}", k_manifest_media_type, k_index_media_type)};
  Response r = request("GET", api_url(m_base, repository, "manifests", reference), headers, nullptr,
                       nullptr, pull_scope(repository));
  if (r.status == 404) return std::nullopt;
  if (r.status != 200)
    throw http_error(fmt::format("GET manifest {}:{}", repository, reference), r);
  Manifest m;
  m.body = std::move(r.body);
  m.digest = sha256_digest(m.body);
  m.media_type = r.header("content-type");
  auto semicolon = m.media_type.find(';');
  if (semicolon != std::string::npos)
    m.media_type = std::string(trim(m.media_type.substr(0, semicolon)));
  std::string reported = r.header("docker-content-digest");
  for (const std::string& expected : {is_digest(reference) ? reference : std::string(), reported}) {
    if (!expected.empty() && expected != m.digest) {
      throw Error(fmt::format("manifest {}:{} from {} hashes to {}, expected {}", repository,
                              reference, m_base, m.digest, expected),
                  "the registry holds corrupt content; republish the kit", ExitCode::verification);
    }
  }
  return m;
}

std::string RegistryClient::put_manifest(const std::string& repository,
                                         const std::string& reference,
                                         const std::string& media_type, const std::string& body) {
  Response r = request("PUT", api_url(m_base, repository, "manifests", reference),
                       {"Content-Type: " + media_type}, &body, nullptr, push_scope(repository));
  if (r.status != 201 && r.status != 200) {
    throw http_error(fmt::format("PUT manifest {}:{}", repository, reference), r);
  }
  std::string digest = sha256_digest(body);
  std::string reported = r.header("docker-content-digest");
  if (!reported.empty() && reported != digest) {
    throw Error(fmt::format("{} stored manifest {}:{} as {}, expected {}", m_base, repository,
                            reference, reported, digest),
                "", ExitCode::verification);
  }
  return digest;
}

std::vector<std::string> RegistryClient::list_tags(const std::string& repository) {
  std::vector<std::string> tags;
  std::string url = api_url(m_base, repository, "tags", "list");
  for (int page = 0; page < 1000 && !url.empty(); ++page) {
    Response r = request("GET", url, {}, nullptr, nullptr, pull_scope(repository));
    if (r.status == 404) return tags;
    if (r.status != 200) throw http_error("list the tags of " + repository, r);
    Json doc = Json::parse(r.body, nullptr, false);
    if (!doc.is_object()) {
      throw Error(fmt::format("{} answered the tag list of {} with something that is not JSON",
                              m_base, repository));
    }
    if (doc.contains("tags") && doc["tags"].is_array()) {
      for (const auto& t : doc["tags"]) {
        if (t.is_string()) tags.push_back(t.get<std::string>());
      }
    }
    url.clear();
    // Link: </v2/<name>/tags/list?n=100&last=x>; rel="next"
    std::string link = r.header("link");
    auto open = link.find('<');
    auto close = link.find('>');
    if (open != std::string::npos && close != std::string::npos && close > open &&
        link.find("rel=\"next\"") != std::string::npos) {
      url = link.substr(open + 1, close - open - 1);
      if (!url.empty() && url.front() == '/') url = m_base + url;
    }
  }
  return tags;
}

}  // namespace osbuild::oci
