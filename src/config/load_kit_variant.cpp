// kits/<name>/kit.toml and variants/<name>/variant.toml
#include <algorithm>

#include "config/checks.h"
#include "config/loaders.h"
#include "osbuild/util/text.h"

namespace osbuild::config::detail {

namespace {

constexpr ImageFormat k_image_formats[] = {ImageFormat::raw, ImageFormat::qcow2, ImageFormat::vmdk};
constexpr RootFilesystem k_root_filesystems[] = {RootFilesystem::erofs, RootFilesystem::squashfs,
                                                 RootFilesystem::ext4};
constexpr PartitionPlan k_partition_plans[] = {PartitionPlan::split, PartitionPlan::unified};

// The largest image size we accept: 1 TiB, far past any OS image, but it keeps sums of sizes
// well inside 32 bits of MiB.
constexpr std::int64_t k_max_image_mib = 1 << 20;

// Kits and variants both list the packages they hold, and say where for the reference checks.
template <typename T>
void read_included(const TableReader& t, T& item) {
  StringList included = t.require_string_list("included-packages");
  item.included_packages = included.values;
  item.included_where = t.where("included-packages");
  item.where["included-packages"] = item.included_where;
  record_locations(item.where, "included-packages", included);
}

// The name is the folder's unless the file declares one; load_project checks that they agree.
std::string read_name(const TableReader& t, const FileRef& file, IdentifierKind kind,
                      std::string_view what) {
  std::string name = t.get_string("name").value_or(file.dir().filename().string());
  check_identifier(name, kind, what, t.where("name"));
  return name;
}

}  // namespace

Kit parse_kit(std::string_view text, const FileRef& file) {
  toml::table root = parse_toml(text, file);
  TableReader top(root, file, "",
                  {{"kit", "[kit] with vendor = \"local\" and included-packages = [\"zlib\"]"}});
  TableReader t(top.require_table("kit"), file, "[kit]",
                {{"name", "\"core-kit\""},
                 {"vendor", "\"local\""},
                 {"included-packages", "[\"libc\", \"zlib\"]"}});
  Kit kit;
  kit.manifest = file.absolute;
  kit.name = read_name(t, file, IdentifierKind::name, "kit name");
  kit.where["name"] = t.where("name");
  kit.vendor = t.require_string("vendor");
  kit.where["vendor"] = t.where("vendor");
  check_identifier(kit.vendor, IdentifierKind::name, "vendor name", t.where("vendor"));
  read_included(t, kit);
  return kit;
}

namespace {

std::vector<Arch> read_arches(const TableReader& t) {
  std::vector<Arch> arches;
  auto list = t.get_string_list("supported-arches");
  if (!list) {
    return arches;
  }
  for (std::size_t i = 0; i < list->values.size(); ++i) {
    const std::string& name = list->values[i];
    auto arch = parse_arch(name);
    if (!arch) {
      auto near = nearest_match(name, arch_names());
      fail_at(list->where[i], arch.error(),
              near ? "did you mean '" + *near + "'?" : t.example_hint("supported-arches"));
    }
    if (std::find(arches.begin(), arches.end(), arch.value()) != arches.end()) {
      fail_at(list->where[i],
              "architecture '" + name + "' is listed twice in 'supported-arches' (amd64 is x86_64, "
              "arm64 is aarch64)",
              "remove one of them");
    }
    arches.push_back(arch.value());
  }
  return arches;
}

ImageSettings read_image(const TableReader& variant, const FileRef& file) {
  ImageSettings image;
  const toml::table* table = variant.get_table("image");
  if (!table) {
    return image;
  }
  TableReader t(*table, file, "[variant.image]",
                {{"format", "\"raw\""},
                 {"root-filesystem", "\"erofs\""},
                 {"os-image-size-mib", "512"},
                 {"data-image-size-mib", "256"},
                 {"partition-plan", "\"split\""},
                 {"in-place-updates", "true"}});
  image.format = read_enum(t, "format", k_image_formats, image_format_name, image.format);
  image.root_filesystem = read_enum(t, "root-filesystem", k_root_filesystems,
                                    root_filesystem_name, image.root_filesystem);
  image.os_image_size_mib = static_cast<std::uint32_t>(
      t.get_integer("os-image-size-mib", 1, k_max_image_mib).value_or(image.os_image_size_mib));
  image.data_image_size_mib = static_cast<std::uint32_t>(
      t.get_integer("data-image-size-mib", 1, k_max_image_mib).value_or(image.data_image_size_mib));
  image.partition_plan = read_enum(t, "partition-plan", k_partition_plans, partition_plan_name,
                                   image.partition_plan);
  image.in_place_updates = t.get_bool("in-place-updates").value_or(image.in_place_updates);
  return image;
}

}  // namespace

Variant parse_variant(std::string_view text, const FileRef& file) {
  toml::table root = parse_toml(text, file);
  TableReader top(root, file, "",
                  {{"variant", "[variant] with included-packages = [\"init\", \"zlib\"]"}});
  TableReader t(top.require_table("variant"), file, "[variant]",
                {{"name", "\"dev\""},
                 {"included-packages", "[\"init\", \"zlib\"]"},
                 {"supported-arches", "[\"x86_64\", \"aarch64\"]"},
                 {"kernel-parameters", "[\"console=ttyS0\"]"},
                 {"image", "[variant.image] with format = \"raw\""}});
  Variant variant;
  variant.manifest = file.absolute;
  variant.name = read_name(t, file, IdentifierKind::variant, "variant name");
  variant.where["name"] = t.where("name");
  read_included(t, variant);
  variant.supported_arches = read_arches(t);
  variant.kernel_parameters = t.get_string_list("kernel-parameters").value_or(StringList{}).values;
  variant.image = read_image(t, file);
  return variant;
}

}  // namespace osbuild::config::detail
