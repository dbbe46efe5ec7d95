// The OCI distribution API over net::HttpClient: one request at a time, bearer/basic auth on 401.
#include <fmt/format.h>

#include <cctype>
#include <functional>
#include <memory>

#include "osbuild/net/url.h"

#include "osbuild/oci/registry.h"
#include "osbuild/util/json.h"
#include "osbuild/util/log.h"
#include "osbuild/util/text.h"

namespace osbuild::oci {

namespace {

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
    : m_options(std::move(options)),
      m_base(base_url(m_options.host, m_options.insecure)),
      m_http(m_options.http) {
  if (m_http == nullptr) {
    m_owned_http = std::make_unique<net::CurlHttpClient>();
    m_http = m_owned_http.get();
  }
}

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
  net::Response r = request(net::Method::get, url, headers, nullptr, nullptr, "");
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

std::string RegistryClient::resolve(const std::string& reference) const {
  auto base = net::Url::parse(m_base);
  if (!base) return reference;
  auto joined = base.value().join(reference);
  return joined ? joined.value().text() : reference;
}

net::Response RegistryClient::send(net::Method method, const std::string& url,
                                   const std::vector<std::string>& headers, const std::string* body,
                                   const std::filesystem::path* upload_file) {
  net::Request req;
  req.method = method;
  req.url = url;
  req.headers = headers;
  req.connect_timeout_s = m_options.connect_timeout_s;
  req.timeout_ms = m_options.timeout_seconds * 1000;
  if (method == net::Method::get) req.max_redirects = 5;
  if (body != nullptr) req.body = *body;
  if (upload_file != nullptr) {
    if (!std::filesystem::is_regular_file(*upload_file)) {
      throw Error("cannot open " + upload_file->string() + " to upload it");
    }
    req.body_file = *upload_file;
  }
  return m_http->perform(std::move(req));
}

net::Response RegistryClient::request(net::Method method, const std::string& url,
                                      const std::vector<std::string>& headers,
                                      const std::string* body,
                                      const std::filesystem::path* upload_file,
                                      const std::string& scope) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<std::string> all = headers;
    if (!scope.empty()) {
      std::string auth = authorization(scope);
      if (!auth.empty()) all.push_back("Authorization: " + auth);
    }
    net::Response r = send(method, url, all, body, upload_file);
    if (r.code != net::code::ok) return r;
    auto challenges = r.header_values("www-authenticate");
    if (r.status == 401 && attempt == 0 && !scope.empty() && !challenges.empty()) {
      log::debug("{} {}: 401, authenticating", net::method_name(method), url);
      authenticate(challenges.front(), scope);
      continue;
    }
    return r;
  }
  throw Error(fmt::format("{} still refuses {} {} after authenticating", m_base,
                          net::method_name(method), url),
              "check that the credentials may pull and push this repository");
}

Error RegistryClient::http_error(const std::string& what, const net::Response& r) const {
  if (r.code != net::code::ok) {
    return Error(
        fmt::format("cannot reach the registry at {} ({}): {}", m_base, what, r.error),
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
  net::Response r = request(net::Method::get, m_base + "/v2/", {}, nullptr, nullptr, "");
  if (r.code != net::code::ok || (r.status != 200 && r.status != 401)) {
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
  net::Response r = request(net::Method::head, api_url(m_base, repository, "blobs", digest), {}, nullptr, nullptr,
                       pull_scope(repository));
  if (r.status == 200) return true;
  if (r.status == 404) return false;
  throw http_error("HEAD blob " + digest, r);
}

std::string RegistryClient::get_blob(const std::string& repository, const std::string& digest) {
  net::Response r = request(net::Method::get, api_url(m_base, repository, "blobs", digest), {}, nullptr, nullptr,
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
  BlobPush result;
  if (has_blob(repository, digest)) {
    result.outcome = BlobPush::Outcome::present;
    return result;
  }
  std::string uploads = api_url(m_base, repository, "blobs", "uploads/");
  if (mount_from && *mount_from != repository) {
    auto r = request(
        net::Method::post,
        with_query(uploads, "mount=" + url_escape(digest) + "&from=" + url_escape(*mount_from)),
        {"Content-Length: 0"}, nullptr, nullptr, scope);
    if (r.status == 201) {
      result.outcome = BlobPush::Outcome::mounted;
      return result;
    }
    if (r.status != 202) throw http_error("mount blob " + digest, r);
    // 202: the registry did not mount and opened an upload session instead; cancel it.
    if (std::string location = r.header("location"); !location.empty()) {
      request(net::Method::del, resolve(location), {}, nullptr, nullptr, scope);
    }
  }
  auto start = request(net::Method::post, uploads, {"Content-Length: 0"}, nullptr, nullptr, scope);
  if (start.status != 202) throw http_error("start the upload of blob " + digest, start);
  std::string location = start.header("location");
  if (location.empty()) {
    throw Error(
        fmt::format("{} opened an upload for {} without a Location header", m_base, digest));
  }
  std::string put_url = with_query(resolve(location), "digest=" + url_escape(digest));
  auto put = request(net::Method::put, put_url, {"Content-Type: application/octet-stream"}, data,
                     file, scope);
  if (put.status != 201) throw http_error("upload blob " + digest, put);
  std::string reported = put.header("docker-content-digest");
  if (!reported.empty() && reported != digest) {
    throw Error(fmt::format("{} stored blob {} under digest {}", m_base, digest, reported),
                "the upload was corrupted on the way; run the command again",
                ExitCode::verification);
  }
  result.outcome = BlobPush::Outcome::uploaded;
  result.bytes_sent = put.sent;
  return result;
}

std::optional<Manifest> RegistryClient::get_manifest(const std::string& repository,
                                                     const std::string& reference) {
  std::vector<std::string> headers = {
      fmt::format("Accept: {}, {}", k_manifest_media_type, k_index_media_type)};
  net::Response r = request(net::Method::get, api_url(m_base, repository, "manifests", reference), headers, nullptr,
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
  net::Response r = request(net::Method::put, api_url(m_base, repository, "manifests", reference),
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
    net::Response r = request(net::Method::get, url, {}, nullptr, nullptr, pull_scope(repository));
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
      if (!url.empty()) url = resolve(url);
    }
  }
  return tags;
}

}  // namespace osbuild::oci
