// Registry references, digests and credentials: the pure parts of the OCI client.
#include <cstdlib>

#include "osbuild/oci/registry.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/json.h"
#include "osbuild/util/text.h"

namespace osbuild::oci {

std::string RegistryLocation::repository(std::string_view name) const {
  return path.empty() ? std::string(name) : path + "/" + std::string(name);
}

Result<RegistryLocation> parse_registry(std::string_view text) {
  if (text.find("://") != std::string_view::npos) {
    return Failure{"\"" + std::string(text) +
                   "\" has a URL scheme; write host[:port]/path, e.g. \"127.0.0.1:5000/osbuild\""};
  }
  RegistryLocation loc;
  auto slash = text.find('/');
  loc.host = std::string(text.substr(0, slash));
  if (slash != std::string_view::npos) {
    std::string path(text.substr(slash + 1));
    while (!path.empty() && path.back() == '/') path.pop_back();
    loc.path = path;
  }
  if (loc.host.empty()) {
    return Failure{"\"" + std::string(text) + "\" names no registry host"};
  }
  for (char c : loc.path) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
              c == '_' || c == '-';
    if (!ok) {
      return Failure{"repository path \"" + loc.path +
                     "\" may hold only lower-case letters, digits, '.', '_', '-' and '/'"};
    }
  }
  return loc;
}

bool is_loopback_host(std::string_view host) {
  std::string_view name = host;
  if (!name.empty() && name.front() == '[') {
    auto close = name.find(']');
    name = close == std::string_view::npos ? name : name.substr(1, close - 1);
  } else {
    auto colon = name.rfind(':');
    if (colon != std::string_view::npos) name = name.substr(0, colon);
  }
  std::string lower = to_lower(name);
  return lower == "localhost" || lower == "::1" || lower.rfind("127.", 0) == 0;
}

std::string base_url(std::string_view host, bool insecure) {
  bool plain = insecure || is_loopback_host(host);
  return std::string(plain ? "http://" : "https://") + std::string(host);
}

std::string api_url(std::string_view base, std::string_view repository, std::string_view kind,
                    std::string_view reference) {
  std::string url = std::string(base) + "/v2/" + std::string(repository) + "/" + std::string(kind);
  if (!reference.empty()) url += "/" + std::string(reference);
  return url;
}

bool is_digest(std::string_view text) {
  return text.size() == 71 && text.substr(0, 7) == "sha256:" && is_lower_hex(text.substr(7), 64);
}

std::string sha256_digest(std::string_view data) {
  return "sha256:" + sha256_hex(data);
}

Result<bool> verify_digest(std::string_view data, std::string_view expected) {
  if (expected.substr(0, 7) != "sha256:") {
    return Failure{"unsupported digest algorithm in \"" + std::string(expected) +
                   "\" (only sha256 is accepted)"};
  }
  std::string actual = sha256_digest(data);
  if (actual != expected) {
    return Failure{"content hashes to " + actual + ", expected " + std::string(expected)};
  }
  return true;
}

// ---- credentials ---------------------------------------------------------------------------

Result<Credentials> parse_user_password(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Failure{"expected user:password, found no ':'"};
  }
  if (colon == 0) {
    return Failure{"expected user:password, the user is empty"};
  }
  return Credentials{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

namespace {

constexpr std::string_view k_b64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// "https://index.docker.io/v1/" → "index.docker.io"; "host:5000" stays.
std::string host_of_key(std::string_view key) {
  auto scheme = key.find("://");
  if (scheme != std::string_view::npos) key = key.substr(scheme + 3);
  auto slash = key.find('/');
  return to_lower(key.substr(0, slash));
}

}  // namespace

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += k_b64[(v >> 18) & 63];
    out += k_b64[(v >> 12) & 63];
    out += k_b64[(v >> 6) & 63];
    out += k_b64[v & 63];
  }
  std::size_t rest = data.size() - i;
  if (rest == 1) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    out += k_b64[(v >> 18) & 63];
    out += k_b64[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8);
    out += k_b64[(v >> 18) & 63];
    out += k_b64[(v >> 12) & 63];
    out += k_b64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return Failure{"data after '=' padding"};
    auto pos = k_b64.find(c);
    if (pos == std::string_view::npos) {
      return Failure{std::string("'") + c + "' is not a base64 character"};
    }
    buffer = (buffer << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if (padding > 2 || (text.size() % 4 != 0 && padding > 0)) return Failure{"bad base64 padding"};
  return out;
}

Result<std::optional<Credentials>> docker_config_credentials(std::string_view config_json,
                                                             std::string_view host) {
  Json doc = Json::parse(config_json, nullptr, false);
  if (!doc.is_object()) return Failure{"not a JSON object"};
  if (!doc.contains("auths")) return std::optional<Credentials>{};
  const Json& auths = doc["auths"];
  if (!auths.is_object()) return Failure{"\"auths\" is not an object"};
  std::string want = to_lower(host);
  for (const auto& [key, entry] : auths.items()) {
    if (host_of_key(key) != want) continue;
    if (!entry.is_object()) return Failure{"auths.\"" + key + "\" is not an object"};
    if (entry.contains("auth") && entry["auth"].is_string() &&
        !entry["auth"].get<std::string>().empty()) {
      auto decoded = base64_decode(entry["auth"].get<std::string>());
      if (!decoded.ok()) {
        return Failure{"auths.\"" + key + "\".auth is not valid base64: " + decoded.error()};
      }
      auto creds = parse_user_password(decoded.value());
      if (!creds.ok()) return Failure{"auths.\"" + key + "\".auth: " + creds.error()};
      return std::optional<Credentials>(creds.value());
    }
    if (entry.contains("username") && entry["username"].is_string()) {
      Credentials c{entry["username"].get<std::string>(), entry.value("password", std::string())};
      return std::optional<Credentials>(c);
    }
    return Failure{"auths.\"" + key + "\" has neither \"auth\" nor \"username\""};
  }
  return std::optional<Credentials>{};
}

Result<Challenge> parse_challenge(std::string_view header) {
  std::string_view text = trim(header);
  auto space = text.find(' ');
  Challenge ch;
  ch.scheme = to_lower(text.substr(0, space));
  if (ch.scheme.empty()) return Failure{"empty challenge"};
  if (space == std::string_view::npos) return ch;
  std::size_t i = space + 1;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    if (i >= text.size()) break;
    auto eq = text.find('=', i);
    if (eq == std::string_view::npos) {
      return Failure{"parameter without '=' in \"" + std::string(text) + "\""};
    }
    std::string key = to_lower(trim(text.substr(i, eq - i)));
    i = eq + 1;
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '\\' && i < text.size()) {
          value += text[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return Failure{"unterminated quoted value for " + key};
    } else {
      auto comma = text.find(',', i);
      value =
          std::string(trim(text.substr(i, comma == std::string_view::npos ? comma : comma - i)));
      i = comma == std::string_view::npos ? text.size() : comma;
    }
    ch.params[key] = value;
  }
  return ch;
}

CredentialLookup find_credentials(std::string_view host) {
  if (const char* env = std::getenv("OSBUILD_REGISTRY_AUTH"); env != nullptr && *env != '\0') {
    auto creds = parse_user_password(env);
    if (!creds.ok()) {
      throw Error("OSBUILD_REGISTRY_AUTH: " + creds.error(),
                  "set OSBUILD_REGISTRY_AUTH=user:password, or unset it to use "
                  "~/.docker/config.json");
    }
    return {creds.value(), "OSBUILD_REGISTRY_AUTH"};
  }
  std::filesystem::path config;
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') {
    config = std::filesystem::path(dir) / "config.json";
  } else {
    config = expand_home("~/.docker/config.json");
  }
  auto text = read_file(config);
  if (!text.ok()) return {std::nullopt, ""};
  auto creds = docker_config_credentials(text.value(), host);
  if (!creds.ok()) {
    throw Error(config.string() + ": " + creds.error(),
                "fix the file (\"auths\": {\"host\": {\"auth\": base64(user:password)}}) or set "
                "OSBUILD_REGISTRY_AUTH=user:password");
  }
  return {creds.value(), config.string()};
}

}  // namespace osbuild::oci
