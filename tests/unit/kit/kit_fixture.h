#pragma once
// The kit tests' world: a project written file by file into a temp dir, a content store beside
// it, and a registry at 127.0.0.1:5000 answered in memory by the FakeHttpClient (blobs, manifests
// and tags served as a registry would, pushes accepted and recorded).
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_http.h"
#include "osbuild/config/load.h"
#include "osbuild/kit/format.h"
#include "osbuild/oci/registry.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/workspace/context.h"

namespace osbuild::kit::testing {

namespace fs = std::filesystem;

inline const std::string k_host = "127.0.0.1:5000";
inline const std::string k_base = "http://127.0.0.1:5000";

struct Caught {
  std::string what;
  std::string hint;
  ExitCode code = ExitCode::failure;
};

template <typename Fn>
Caught catch_error(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return {e.what(), e.hint(), e.exit_code()};
  }
  ADD_FAILURE() << "expected an osbuild::Error";
  return {};
}

// One published kit version for one arch, as `osbuild publish kit` lays it out.
struct PublishedKit {
  KitConfig config;
  std::vector<std::string> layers;  // the package artifacts, in the config's order
  std::string config_body;
  std::string config_digest;
  Json manifest;
  std::string manifest_body;
  std::string manifest_digest;
  Json index;
  std::string index_body;
  std::string index_digest;
};

class KitTest : public ::testing::Test {
 private:
  TempDir m_dir{"osbuild-kit-test"};  // first: removed after everything that uses it

 protected:
  fs::path root() const { return m_dir.path() / "project"; }
  fs::path cache() const { return m_dir.path() / "cache"; }

  void write(const fs::path& relative, const std::string& text) const {
    fs::path path = root() / relative;
    fs::create_directories(path.parent_path());
    write_file_atomic(path, text, Durability::cache);
  }
  // osbuild.toml: vendor "local" at 127.0.0.1:5000/osbuild, then `extra`.
  void write_project(const std::string& extra = {}) const {
    write("osbuild.toml",
          "schema-version = 1\nname = \"test-os\"\nrelease-version = \"1.0.0\"\n"
          "[vendor.local]\nregistry = \"127.0.0.1:5000/osbuild\"\n" +
              extra);
  }
  void write_package(const std::string& name, const std::string& extra = {}) const {
    write("packages/" + name + "/package.toml",
          "[package]\nversion = \"1.0.0\"\nlicense = \"MIT\"\n" + extra);
  }

  // The project loaded and settings resolved with `flags` (no environment), quiet.
  Context context(config::FlagValues flags = {}) const {
    Context ctx;
    ctx.project = config::load_project(root());
    flags.emplace("cache.dir", cache().string());
    flags.emplace("arch", "x86_64");
    ctx.settings = config::Settings::resolve(&ctx.project.file, flags, {});
    ctx.options.verbosity = Verbosity::quiet;
    return ctx;
  }

  // ---- the registry ------------------------------------------------------------------------
  static std::string url(const std::string& repo, const std::string& kind,
                         const std::string& reference) {
    return oci::api_url(k_base, repo, kind, reference);
  }
  void registry_up() { http.serve(k_base + "/v2/", "{}"); }
  void serve_blob(const std::string& repo, const std::string& data) {
    http.serve(url(repo, "blobs", oci::sha256_digest(data)), data);
  }
  void serve_manifest(const std::string& repo, const std::string& reference,
                      std::string_view media_type, const std::string& body) {
    http.serve(url(repo, "manifests", reference), body, 200,
               {{"content-type", std::string(media_type)}});
  }
  void serve_tags(const std::string& repo, const std::vector<std::string>& tags) {
    http.serve(url(repo, "tags", "list"), Json{{"name", repo}, {"tags", tags}}.dump());
  }
  // Uploads open a session at uploads/u1 of the repository; the PUT there stores the blob.
  void accept_uploads(const std::string& repo) {
    http.serve(url(repo, "blobs", "uploads/"), "", 202,
               {{"location", "/v2/" + repo + "/blobs/uploads/u1"}});
  }

  // Puts kit `name` at `version` for `arch` into repository osbuild/<name>: one layer per
  // package ("<package> artifact"), the config, the manifest by digest and the index by digest
  // and by tag v<version>.
  PublishedKit publish(const std::string& name, const std::string& version,
                       const std::vector<std::string>& packages,
                       const std::vector<config::KitDependency>& kits = {},
                       Arch arch = Arch::x86_64) {
    PublishedKit k;
    k.config = KitConfig{name, version, "local", arch, {}, kits};
    for (const auto& p : packages) {
      std::string layer = p + " artifact of " + name + " " + version;
      k.layers.push_back(layer);
      k.config.packages.push_back(
          {p, "1.0.0", "MIT", oci::sha256_digest(layer), layer.size(), {}});
    }
    k.config_body = canonical_json(config_json(k.config));
    k.config_digest = oci::sha256_digest(k.config_body);
    k.manifest = manifest_json(k.config, k.config_digest, k.config_body.size());
    serve(name, k);
    return k;
  }
  // (Re)serves a kit after a test changed its manifest.
  void serve(const std::string& name, PublishedKit& k) {
    std::string repo = "osbuild/" + name;
    for (const auto& layer : k.layers) serve_blob(repo, layer);
    serve_blob(repo, k.config_body);
    k.manifest_body = canonical_json(k.manifest);
    k.manifest_digest = oci::sha256_digest(k.manifest_body);
    serve_manifest(repo, k.manifest_digest, oci::k_manifest_media_type, k.manifest_body);
    k.index = index_json(name, k.config.version, Json(), k.config.arch, k.manifest_digest,
                         k.manifest_body.size());
    k.index_body = canonical_json(k.index);
    k.index_digest = oci::sha256_digest(k.index_body);
    serve_manifest(repo, k.index_digest, oci::k_index_media_type, k.index_body);
    serve_manifest(repo, "v" + k.config.version, oci::k_index_media_type, k.index_body);
  }

  // The requests sent to `url`, of any method.
  std::vector<net::testing::FakeHttpClient::Sent> sent_to(const std::string& to) const {
    std::vector<net::testing::FakeHttpClient::Sent> out;
    for (const auto& s : http.sent) {
      if (s.url == to) out.push_back(s);
    }
    return out;
  }

  net::testing::FakeHttpClient http{net::testing::fast_policy(0)};
};

}  // namespace osbuild::kit::testing
