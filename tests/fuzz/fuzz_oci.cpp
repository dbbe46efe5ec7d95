// What the OCI side reads from registries, users and disk. The first byte picks the parser:
// r: a registry reference, c: a WWW-Authenticate challenge, d: a docker config.json (the host
// before the first NUL), b: base64 (and the encode/decode round trip), u: user:password,
// g: a digest check (the digest before the first NUL), i: an image index merged with a manifest
// for one platform (image --oci reads index.json back); any other byte picks by its value.
#include <array>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "osbuild/image/oci_layout.h"
#include "osbuild/oci/registry.h"

using namespace osbuild;

namespace {

std::pair<std::string_view, std::string_view> split_nul(std::string_view text) {
  auto nul = text.find('\0');
  if (nul == std::string_view::npos) return {text, {}};
  return {text.substr(0, nul), text.substr(nul + 1)};
}

void registry(std::string_view text) {
  auto loc = oci::parse_registry(text);
  if (!loc.ok()) return;
  fuzz::check(!loc.value().host.empty(), "parse_registry accepted an empty host", text);
  std::string base = oci::base_url(loc.value().host, false);
  (void)oci::api_url(base, loc.value().repository("kit"), "manifests", "v1.0.0");
}

void challenge(std::string_view text) {
  auto ch = oci::parse_challenge(text);
  if (ch.ok()) fuzz::check(!ch.value().scheme.empty(), "a challenge without a scheme", text);
}

void docker_config(std::string_view text) {
  auto [host, json] = split_nul(text);
  (void)oci::docker_config_credentials(json, host);
}

void base64(std::string_view text) {
  auto decoded = oci::base64_decode(text);
  std::string encoded = oci::base64_encode(text);
  auto back = oci::base64_decode(encoded);
  fuzz::check(back.ok() && back.value() == text, "base64 does not round-trip", text);
  if (decoded.ok()) (void)oci::base64_encode(decoded.value());
}

void user_password(std::string_view text) {
  auto creds = oci::parse_user_password(text);
  if (creds.ok()) {
    fuzz::check(!creds.value().user.empty() &&
                    creds.value().user.size() + 1 + creds.value().password.size() == text.size(),
                "user:password split loses bytes", text);
  }
}

void digest(std::string_view text) {
  auto [expected, data] = split_nul(text);
  auto ok = oci::verify_digest(data, expected);
  fuzz::check(ok.ok() == (oci::sha256_digest(data) == expected), "verify_digest disagrees", text);
  if (oci::is_digest(expected)) fuzz::check(expected.size() == 71, "is_digest length", text);
}

void index(std::string_view text) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded()) return;
  Json descriptor = {{"mediaType", image::k_oci_manifest_type},
                     {"digest", "sha256:" + std::string(64, '0')},
                     {"size", 1},
                     {"platform", {{"architecture", "arm64"}, {"os", "linux"}}}};
  Json merged = image::merge_platform(doc, descriptor);
  std::size_t ours = 0;
  for (const auto& m : merged.at("manifests")) ours += m == descriptor ? 1 : 0;
  fuzz::check(ours == 1, "merge_platform lost or doubled the manifest", text);
}

struct Parser {
  char letter;
  void (*run)(std::string_view);
};
const std::array<Parser, 7> k_parsers = {{{'r', registry},
                                          {'c', challenge},
                                          {'d', docker_config},
                                          {'b', base64},
                                          {'u', user_password},
                                          {'g', digest},
                                          {'i', index}}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Parser* parser = &k_parsers[data[0] % k_parsers.size()];
  for (const auto& p : k_parsers) {
    if (p.letter == static_cast<char>(data[0])) parser = &p;
  }
  std::string_view text = fuzz::as_text(data + 1, size - 1);
  fuzz::errors_only([&] { parser->run(text); });
  return 0;
}
