#pragma once
// A client for the OCI distribution API (v2) over net::HttpClient: ping, blobs (HEAD, GET, monolithic
// upload, cross-repository mount), manifests and image indexes by tag or digest, tag lists.
// Every blob and manifest fetched is verified against its digest. Plain http is used only for a
// registry on loopback (127.0.0.1, localhost, [::1]) or one marked insecure; otherwise https.
// Authentication: the bearer token flow and basic, with credentials from OSBUILD_REGISTRY_AUTH
// (user:password) or the "auths" of ~/.docker/config.json (docs/kits.md).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/net/http.h"
#include "osbuild/util/error.h"

namespace osbuild::oci {

inline constexpr std::string_view k_manifest_media_type =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_index_media_type = "application/vnd.oci.image.index.v1+json";

// "127.0.0.1:5000/osbuild" split into its host (with port) and the repository path prefix.
struct RegistryLocation {
  std::string host;  // "127.0.0.1:5000", "registry.example.org"
  std::string path;  // "osbuild"; may be empty
  // The repository of one kit: "<path>/<name>", or "<name>" when path is empty.
  std::string repository(std::string_view name) const;
};
Result<RegistryLocation> parse_registry(std::string_view text);

// Whether the host (with or without a port) is a loopback name or address.
bool is_loopback_host(std::string_view host);
// "http://127.0.0.1:5000" or "https://host": http only on loopback or when insecure.
std::string base_url(std::string_view host, bool insecure);
// ".../v2/<repository>/<kind>/<reference>"
std::string api_url(std::string_view base, std::string_view repository, std::string_view kind,
                    std::string_view reference);

// "sha256:<64 lowercase hex>"
bool is_digest(std::string_view text);
std::string sha256_digest(std::string_view data);
// A failure naming both digests when `data` does not hash to `expected` (only sha256 is known).
Result<bool> verify_digest(std::string_view data, std::string_view expected);

// ---- authentication ------------------------------------------------------------------------
struct Credentials {
  std::string user;
  std::string password;
};

// "user:password" (the password may hold colons). A failure says what is wrong.
Result<Credentials> parse_user_password(std::string_view text);
// The credentials ~/.docker/config.json holds for `host` in "auths": the "auth" field
// (base64 of user:password), or "username" and "password". Keys may be bare hosts or URLs
// ("https://host/v1/"). nullopt when the file has no entry for the host.
Result<std::optional<Credentials>> docker_config_credentials(std::string_view config_json,
                                                             std::string_view host);
std::string base64_encode(std::string_view data);
Result<std::string> base64_decode(std::string_view text);

// One challenge of a WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"`.
struct Challenge {
  std::string scheme;                         // lower case: "bearer", "basic"
  std::map<std::string, std::string> params;  // keys in lower case
};
Result<Challenge> parse_challenge(std::string_view header);

// Where credentials come from for a host: OSBUILD_REGISTRY_AUTH, then the docker config file
// ($DOCKER_CONFIG/config.json or ~/.docker/config.json). `source` says which, for messages.
struct CredentialLookup {
  std::optional<Credentials> credentials;
  std::string source;
};
CredentialLookup find_credentials(std::string_view host);

// ---- the client ----------------------------------------------------------------------------
struct Manifest {
  std::string media_type;
  std::string body;
  std::string digest;  // sha256 of the body, verified against what was asked and what was sent
};

struct BlobPush {
  enum class Outcome { present, mounted, uploaded };
  Outcome outcome = Outcome::uploaded;
  std::uint64_t bytes_sent = 0;
};

struct ClientOptions {
  std::string host;
  bool insecure = false;
  long connect_timeout_s = 10;
  long timeout_seconds = 600;
  net::HttpClient* http = nullptr;  // not owned; none: libcurl
};

class RegistryClient {
 public:
  explicit RegistryClient(ClientOptions options);
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  const std::string& base() const { return m_base; }
  // GET /v2/: throws an Error naming the registry and the fix when it cannot be reached.
  void ping();

  bool has_blob(const std::string& repository, const std::string& digest);
  // The verified blob.
  std::string get_blob(const std::string& repository, const std::string& digest);
  // HEAD first; then a mount from `mount_from` (when given and offered); then a monolithic
  // upload of the file.
  BlobPush push_blob_file(const std::string& repository, const std::string& digest,
                          const std::filesystem::path& file,
                          const std::optional<std::string>& mount_from = {});
  BlobPush push_blob_bytes(const std::string& repository, const std::string& digest,
                           const std::string& data);

  // The manifest or index at a tag or digest; nullopt when the registry has none (404).
  std::optional<Manifest> get_manifest(const std::string& repository, const std::string& reference);
  // PUT; returns the digest the registry reports (checked against the body's).
  std::string put_manifest(const std::string& repository, const std::string& reference,
                           const std::string& media_type, const std::string& body);
  // Every tag, following pagination; empty when the repository does not exist.
  std::vector<std::string> list_tags(const std::string& repository);

 private:
  // push_blob_file and push_blob_bytes: one of `file` and `data` is given.
  BlobPush push_upload(const std::string& repository, const std::string& digest,
                       const std::filesystem::path* file, const std::string* data,
                       const std::optional<std::string>& mount_from);
  net::Response request(net::Method method, const std::string& url,
                        const std::vector<std::string>& headers, const std::string* body,
                        const std::filesystem::path* upload_file, const std::string& scope);
  net::Response send(net::Method method, const std::string& url,
                     const std::vector<std::string>& headers, const std::string* body,
                     const std::filesystem::path* upload_file);
  // A Location or Link target resolved against the registry's base URL.
  std::string resolve(const std::string& reference) const;
  std::string authorization(const std::string& scope);
  void authenticate(const std::string& challenge_header, const std::string& scope);
  Error http_error(const std::string& what, const net::Response& r) const;

  ClientOptions m_options;
  std::string m_base;
  net::HttpClient* m_http = nullptr;
  std::unique_ptr<net::HttpClient> m_owned_http;
  CredentialLookup m_credentials;
  bool m_credentials_loaded = false;
  std::map<std::string, std::string> m_tokens;  // scope → bearer token
  bool m_use_basic = false;
};

}  // namespace osbuild::oci
