#include "osbuild/config/model.h"

#include "osbuild/util/error.h"
#include "osbuild/util/text.h"

namespace osbuild::config {

std::string SourceLocation::str() const {
  std::string out = file.string();
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) {
      out += ":" + std::to_string(column);
    }
  }
  return out;
}

std::string_view build_system_name(BuildSystem system) {
  switch (system) {
    case BuildSystem::cmake: return "cmake";
    case BuildSystem::autotools: return "autotools";
    case BuildSystem::make: return "make";
    case BuildSystem::script: return "script";
  }
  return "make";
}

std::string_view image_format_name(ImageFormat f) {
  switch (f) {
    case ImageFormat::raw: return "raw";
    case ImageFormat::qcow2: return "qcow2";
    case ImageFormat::vmdk: return "vmdk";
  }
  return "raw";
}

std::string_view root_filesystem_name(RootFilesystem f) {
  switch (f) {
    case RootFilesystem::erofs: return "erofs";
    case RootFilesystem::squashfs: return "squashfs";
    case RootFilesystem::ext4: return "ext4";
  }
  return "erofs";
}

std::string_view partition_plan_name(PartitionPlan p) {
  switch (p) {
    case PartitionPlan::split: return "split";
    case PartitionPlan::unified: return "unified";
  }
  return "split";
}

namespace {

// A project may hold hundreds of packages; a hint lists a screenful at most.
std::string list_some(const std::vector<std::string>& names) {
  constexpr std::size_t k_most = 12;
  if (names.size() <= k_most) {
    return join(names, ", ");
  }
  std::vector<std::string> some(names.begin(), names.begin() + k_most);
  return join(some, ", ") + ", … (" + std::to_string(names.size()) + " in all)";
}

// One lookup for packages, variants and kits: the error names the folder they live in and
// suggests the nearest existing name, since a typo on the command line is the usual cause.
template <typename T>
const T& find_named(const std::map<std::string, T>& items, const std::string& name,
                    std::string_view kind, std::string_view folder) {
  auto it = items.find(name);
  if (it != items.end()) {
    return it->second;
  }
  std::vector<std::string> names;
  for (const auto& [n, item] : items) {
    names.push_back(n);
  }
  std::string hint = names.empty()
                         ? "this project has no " + std::string(kind) + "s: add " +
                               std::string(folder) + "/<name>/" + std::string(kind) + ".toml"
                         : std::string(kind) + "s are the folders under " + std::string(folder) +
                               "/: " + list_some(names);
  throw Error("no " + std::string(kind) + " named '" + name + "'" + did_you_mean(name, names),
              hint);
}

}  // namespace

const Package& Project::package(const std::string& name) const {
  return find_named(packages, name, "package", "packages");
}

const Variant& Project::variant(const std::string& name) const {
  return find_named(variants, name, "variant", "variants");
}

const Kit& Project::kit(const std::string& name) const {
  return find_named(kits, name, "kit", "kits");
}

}  // namespace osbuild::config
