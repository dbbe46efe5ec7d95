// Every TOML file kind through the config loader. The first byte picks the kind (o: osbuild.toml,
// p: package.toml, k: a kit, v: a variant, r: Release.toml, i: Infra.toml, e: the expiration
// policy, w: the wave policy; any other byte modulo 8); the rest is the file.
#include <array>
#include <cstdint>
#include <filesystem>

#include "fuzz_common.h"
#include "osbuild/config/load.h"

using namespace osbuild;

namespace {

struct Kind {
  char letter;
  const char* path;
  void (*parse)(std::string_view, const std::filesystem::path&);
};

const std::array<Kind, 8> k_kinds = {{
    {'o', "fuzz/osbuild.toml",
     [](auto t, const auto& p) { (void)config::parse_project_file(t, p); }},
    {'p', "fuzz/packages/hello/package.toml",
     [](auto t, const auto& p) { (void)config::parse_package(t, p); }},
    {'k', "fuzz/kits/core/kit.toml", [](auto t, const auto& p) { (void)config::parse_kit(t, p); }},
    {'v', "fuzz/variants/dev/variant.toml",
     [](auto t, const auto& p) { (void)config::parse_variant(t, p); }},
    {'r', "fuzz/Release.toml", [](auto t, const auto& p) { (void)config::parse_release(t, p); }},
    {'i', "fuzz/Infra.toml", [](auto t, const auto& p) { (void)config::parse_infra(t, p); }},
    {'e', "fuzz/repo-expirations.toml",
     [](auto t, const auto& p) { (void)config::parse_expiration_policy(t, p); }},
    {'w', "fuzz/waves.toml", [](auto t, const auto& p) { (void)config::parse_wave_policy(t, p); }},
}};

const Kind& kind_of(std::uint8_t byte) {
  for (const auto& k : k_kinds) {
    if (k.letter == static_cast<char>(byte)) return k;
  }
  return k_kinds[byte % k_kinds.size()];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Kind& kind = kind_of(data[0]);
  std::string_view text = fuzz::as_text(data + 1, size - 1);
  fuzz::errors_only([&] { kind.parse(text, kind.path); });
  if (kind.letter == 'r') {
    // Release.toml's migrations are checked against its version once it loads.
    fuzz::errors_only([&] { config::check_migrations(config::parse_release(text, kind.path)); });
  }
  return 0;
}
