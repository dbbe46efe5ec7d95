// The root tree as an OCI image layout: one uncompressed layer per package artifact, a config,
// a manifest per architecture and an image index per release version (docs/image.md).
#include "osbuild/image/oci_layout.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <set>

#include "osbuild/util/archive.h"
#include "osbuild/image/tree.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::image {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_ref_name = "org.opencontainers.image.ref.name";

std::string with_algorithm(const std::string& hex) {
  return "sha256:" + hex;
}

std::string hex_of(const Json& descriptor) {
  std::string digest = descriptor.value("digest", "");
  return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : std::string();
}

fs::path blob_file(const fs::path& dir, const std::string& hex) {
  return dir / "blobs" / "sha256" / hex;
}

bool blob_present(const fs::path& path, std::uint64_t size) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && fs::file_size(path, ec) == size && !ec;
}

// Copies a content-addressed file into the layout unless it is there already.
void put_file_blob(const fs::path& dir, const std::string& hex, const fs::path& source,
                   std::uint64_t size) {
  fs::path target = blob_file(dir, hex);
  if (blob_present(target, size)) return;
  int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(fmt::format("cannot read {}: {}", source.string(), std::strerror(errno)),
                "run `osbuild cache verify`, then build the variant again");
  }
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
  AtomicFile out(target, Durability::durable);
  std::vector<char> buffer(1 << 16);
  ssize_t n = 0;
  while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) {
    out.write(buffer.data(), static_cast<std::size_t>(n));
  }
  int err = errno;
  if (n < 0) {
    throw Error(fmt::format("cannot read {}: {}", source.string(), std::strerror(err)),
                "run `osbuild cache verify`, then build the variant again");
  }
  out.commit();
}

// Writes JSON as a blob (sorted keys, no white space); returns its descriptor.
Json put_json_blob(const fs::path& dir, const Json& doc, std::string_view media_type) {
  std::string text = canonical_json(doc);
  std::string hex = sha256_hex(text);
  fs::path target = blob_file(dir, hex);
  if (!blob_present(target, text.size())) write_file_atomic(target, text, Durability::durable);
  return {{"mediaType", media_type}, {"digest", with_algorithm(hex)}, {"size", text.size()}};
}

Json read_json(const fs::path& path) {
  std::string text = read_file_or_throw(path);
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw Error(path.string() + ": not valid JSON",
                "remove " + path.parent_path().string() + " and run `osbuild image --oci` again");
  }
  return doc;
}

// Whether any artifact installs os-release (then the image stage adds none either).
bool provides_os_release(const fs::path& tar, const std::string& package) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), tar.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw Error(fmt::format("cannot open the artifact of {} ({}): {}", package, tar.string(),
                            archive_error_string(a.get())));
  }
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    std::string path = archive_entry_pathname(entry);
    while (path.rfind("./", 0) == 0) path.erase(0, 2);
    if (path == "etc/os-release" || path == "usr/lib/os-release") return true;
  }
  return false;
}

// The osbuild layer: what the image stage writes into the root tree (os-release when `os_release`,
// and the update agent's files), as a tar with every entry root-owned, mode fixed and
// mtime = SOURCE_DATE_EPOCH.
std::pair<std::string, std::uint64_t> write_osbuild_layer(const fs::path& dir,
                                                          const OciImage& image,
                                                          const TreeFiles& files,
                                                          bool os_release) {
  TempDir temp("osbuild-oci");
  fs::path root = temp.path() / "root";
  fs::create_directories(root);
  RootedTree tree(root);
  if (os_release) add_os_release(tree, image.os_name, image.version, image.epoch);
  add_files(tree, files, image.epoch);
  std::vector<fs::path> paths;
  for (fs::recursive_directory_iterator it(root), end; it != end; ++it) paths.push_back(it->path());
  for (const auto& p : paths) {
    auto status = fs::symlink_status(p);
    if (!fs::is_symlink(status)) {
      fs::permissions(p, fs::is_directory(status) ? fs::perms(0755) : fs::perms(0644));
    }
    struct timespec times[2] = {{image.epoch, 0}, {image.epoch, 0}};
    ::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
  fs::path tar = temp.path() / "osbuild.tar";
  archives::write_tree_tar(root, tar, image.epoch);
  std::string hex = hash_file(tar, HashAlgorithm::sha256).value_or_throw();
  std::uint64_t size = fs::file_size(tar);
  put_file_blob(dir, hex, tar, size);
  return {hex, size};
}

// Every blob index.json reaches: image indexes, manifests, configs and layers.
void reachable(const fs::path& dir, const Json& descriptor, std::set<std::string>& out) {
  std::string hex = hex_of(descriptor);
  if (hex.empty() || !out.insert(hex).second) return;
  std::string type = descriptor.value("mediaType", "");
  if (type != k_oci_index_type && type != k_oci_manifest_type) return;
  std::error_code ec;
  if (!fs::is_regular_file(blob_file(dir, hex), ec)) return;
  Json doc = read_json(blob_file(dir, hex));
  for (const auto& m : doc.value("manifests", Json::array())) reachable(dir, m, out);
  if (doc.contains("config")) reachable(dir, doc["config"], out);
  for (const auto& l : doc.value("layers", Json::array())) reachable(dir, l, out);
}

void remove_unreachable(const fs::path& dir, const Json& index) {
  std::set<std::string> keep;
  for (const auto& m : index.value("manifests", Json::array())) reachable(dir, m, keep);
  for (const auto& entry : fs::directory_iterator(dir / "blobs" / "sha256")) {
    std::string name = entry.path().filename().string();
    if (is_lower_hex(name, 64) && keep.count(name) == 0) fs::remove(entry.path());
  }
}

}  // namespace

std::string_view goarch(Arch arch) {
  switch (arch) {
    case Arch::x86_64:
      return "amd64";
    case Arch::aarch64:
      return "arm64";
  }
  throw Error("internal: no GOARCH name for this architecture");
}

std::string rfc3339(std::int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<const PackageRecord*> dependency_order(
    const std::vector<const PackageRecord*>& closure) {
  std::map<std::string, const PackageRecord*> left;
  for (const auto* pkg : closure) left[pkg->name] = pkg;
  std::vector<const PackageRecord*> out;
  std::set<std::string> placed;
  while (!left.empty()) {
    auto next = left.begin();  // a cycle: the smallest name goes first
    for (auto it = left.begin(); it != left.end(); ++it) {
      const auto& reqs = it->second->requires_;
      bool ready = std::all_of(reqs.begin(), reqs.end(), [&](const std::string& r) {
        return placed.count(r) != 0 || left.count(r) == 0;
      });
      if (ready) {
        next = it;
        break;
      }
    }
    out.push_back(next->second);
    placed.insert(next->first);
    left.erase(next);
  }
  return out;
}

Json oci_config(const OciImage& image) {
  std::string created = rfc3339(image.epoch);
  Json diff_ids = Json::array();
  Json history = Json::array();
  for (const auto& layer : image.layers) {
    diff_ids.push_back(with_algorithm(layer.digest));
    history.push_back({{"created", created}, {"created_by", layer.created_by}});
  }
  return {{"architecture", goarch(image.arch)},
          {"os", "linux"},
          {"created", created},
          {"config", Json::object()},
          {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
          {"history", history}};
}

Json oci_manifest(const OciImage& image, const std::string& config_digest,
                  std::uint64_t config_size) {
  Json layers = Json::array();
  for (const auto& layer : image.layers) {
    layers.push_back({{"mediaType", k_oci_layer_type},
                      {"digest", with_algorithm(layer.digest)},
                      {"size", layer.size}});
  }
  return {{"schemaVersion", 2},
          {"mediaType", k_oci_manifest_type},
          {"config",
           {{"mediaType", k_oci_config_type},
            {"digest", with_algorithm(config_digest)},
            {"size", config_size}}},
          {"layers", layers},
          {"annotations",
           {{"org.opencontainers.image.version", image.version},
            {"org.opencontainers.image.title", image.os_name + "-" + image.variant}}}};
}

Json merge_platform(Json index, const Json& manifest_descriptor) {
  const Json& platform = manifest_descriptor.at("platform");
  Json manifests = Json::array();
  // An index that is not an image index (damaged, or edited by hand) is replaced, and entries
  // that are not descriptors are dropped, rather than failing on their JSON types.
  if (index.is_object() && index.contains("manifests") && index["manifests"].is_array()) {
    for (const auto& m : index["manifests"]) {
      if (m.is_object() && m.value("platform", Json::object()) != platform) manifests.push_back(m);
    }
  }
  manifests.push_back(manifest_descriptor);
  std::sort(manifests.begin(), manifests.end(), [](const Json& a, const Json& b) {
    auto key = [](const Json& m) {
      auto text = [&m](const char* name) {
        auto p = m.find("platform");
        if (p == m.end() || !p->is_object()) return std::string();
        auto f = p->find(name);
        return f != p->end() && f->is_string() ? f->get<std::string>() : std::string();
      };
      return std::pair{text("architecture"), text("os")};
    };
    return key(a) < key(b);
  });
  return {{"schemaVersion", 2}, {"mediaType", k_oci_index_type}, {"manifests", manifests}};
}

OciResult write_oci_layout(const OciRequest& request) {
  const fs::path& dir = request.dir;
  fs::create_directories(dir / "blobs" / "sha256");
  OciImage image = request.image;
  image.layers.clear();
  OciResult result;
  bool has_os_release = false;
  for (const auto& [pkg, tar] : request.packages) {
    std::uint64_t size = fs::file_size(tar);
    put_file_blob(dir, pkg->artifact, tar, size);
    image.layers.push_back(
        {pkg->artifact, size, fmt::format("osbuild package {} {}", pkg->name, pkg->version)});
    has_os_release = has_os_release || provides_os_release(tar, pkg->name);
  }
  if (!has_os_release || !request.files.empty()) {
    auto [hex, size] = write_osbuild_layer(dir, image, request.files, !has_os_release);
    std::string what = request.files.empty() ? "os-release"
                       : has_os_release      ? "update agent files"
                                             : "os-release, update agent files";
    image.layers.push_back({hex, size, "osbuild " + what});
    result.os_release_layer = !has_os_release;
  }
  result.layers = image.layers.size();

  Json config = put_json_blob(dir, oci_config(image), k_oci_config_type);
  Json manifest = put_json_blob(
      dir, oci_manifest(image, hex_of(config), config.at("size").get<std::uint64_t>()),
      k_oci_manifest_type);
  result.manifest_digest = hex_of(manifest);
  manifest["platform"] = {{"architecture", goarch(image.arch)}, {"os", "linux"}};

  fs::path index_path = dir / "index.json";
  std::error_code ec;
  Json top = fs::exists(index_path, ec) ? read_json(index_path) : Json::object();
  Json version_index = Json::object();
  Json entries = Json::array();
  for (const auto& m : top.value("manifests", Json::array())) {
    bool ours = m.value("annotations", Json::object()).value(k_ref_name, "") == image.version;
    if (!ours) {
      entries.push_back(m);
    } else if (m.value("mediaType", "") == k_oci_index_type &&
               fs::is_regular_file(blob_file(dir, hex_of(m)), ec)) {
      version_index = read_json(blob_file(dir, hex_of(m)));
    }
  }
  Json merged = put_json_blob(dir, merge_platform(version_index, manifest), k_oci_index_type);
  result.index_digest = hex_of(merged);
  merged["annotations"] = {{k_ref_name, image.version}};
  entries.push_back(merged);
  std::sort(entries.begin(), entries.end(), [](const Json& a, const Json& b) {
    return a.value("annotations", Json::object()).value(k_ref_name, "") <
           b.value("annotations", Json::object()).value(k_ref_name, "");
  });
  Json index = {{"schemaVersion", 2}, {"mediaType", k_oci_index_type}, {"manifests", entries}};
  write_file_atomic(dir / "oci-layout", canonical_json({{"imageLayoutVersion", "1.0.0"}}),
                    Durability::durable);
  write_file_atomic(index_path, canonical_json(index), Durability::durable);
  remove_unreachable(dir, index);
  fsync_directory(dir / "blobs" / "sha256");
  fsync_directory(dir);
  return result;
}

}  // namespace osbuild::image
