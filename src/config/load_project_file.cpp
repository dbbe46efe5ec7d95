// osbuild.toml: the project file.
#include <set>

#include "config/checks.h"
#include "config/load_toolchains.h"
#include "config/loaders.h"
#include "osbuild/util/text.h"

namespace osbuild::config::detail {

namespace {

// The schema this osbuild reads; a newer file must be refused, not half understood.
constexpr std::int64_t k_schema_version = 1;

void check_vendor_declared(const TableReader& t, const std::string& vendor,
                           const std::map<std::string, Vendor>& vendors, const std::string& kit) {
  if (vendors.count(vendor) != 0) {
    return;
  }
  std::vector<std::string> names;
  for (const auto& [name, v] : vendors) {
    names.push_back(name);
  }
  t.fail("vendor",
         "unknown vendor '" + vendor + "' for kit '" + kit + "'" + did_you_mean(vendor, names),
         "declare it in osbuild.toml: [vendor." + vendor + "] registry = \"host[:port]/path\"");
}

KitRequirement read_kit(const toml::table& table, const FileRef& file,
                        const std::map<std::string, Vendor>& vendors) {
  TableReader t(table, file, "[[kit]]",
                {{"name", "\"core-kit\""},
                 {"version", "\"^2.1\""},
                 {"vendor", "\"local\""},
                 {"override-packages", "[\"greet\"]"}});
  KitRequirement kit;
  kit.where = t.where();
  kit.name = t.require_string("name");
  check_identifier(kit.name, IdentifierKind::name, "kit name", t.where("name"));
  std::string version = t.require_string("version");
  auto req = VersionReq::parse(version);
  if (!req) {
    t.fail("version",
           "invalid version requirement '" + version + "' for kit '" + kit.name +
               "': expected e.g. '^2.1', '~2.1.3', '=2.1.3', '>=1.0, <2' or '*'",
           "write a semver requirement such as version = \"^2.1\"");
  }
  kit.version = req.value();
  kit.vendor = t.require_string("vendor");
  check_vendor_declared(t, kit.vendor, vendors, kit.name);
  if (auto list = t.get_string_list("override-packages")) {
    for (std::size_t i = 0; i < list->values.size(); ++i) {
      check_identifier(list->values[i], IdentifierKind::package, "package name", list->where[i]);
    }
    kit.override_packages = list->values;
  }
  return kit;
}

SourcesSettings read_sources(const TableReader& root, const FileRef& file) {
  SourcesSettings sources;
  const toml::table* table = root.get_table("sources");
  if (!table) {
    return sources;
  }
  TableReader t(*table, file, "[sources]",
                {{"lookaside", "[\"../lookaside\", \"https://cache.example.org\"]"},
                 {"upstream-fallback", "false"}});
  if (auto list = t.get_string_list("lookaside")) {
    // A plain path is a folder relative to the project root; fetch checks that it exists.
    for (std::size_t i = 0; i < list->values.size(); ++i) {
      if (list->values[i].find("://") != std::string::npos) {
        check_url(list->values[i], {"http", "https", "file"}, "lookaside", list->where[i]);
      }
    }
    sources.lookaside = list->values;
  }
  sources.upstream_fallback = t.get_bool("upstream-fallback");
  return sources;
}

CacheSettings read_cache(const TableReader& root, const FileRef& file) {
  CacheSettings cache;
  const toml::table* table = root.get_table("cache");
  if (!table) {
    return cache;
  }
  TableReader t(*table, file, "[cache]",
                {{"dir", "\"~/.cache/osbuild\""},
                 {"max-size", "\"20 GiB\""},
                 {"remote", "\"http://127.0.0.1:9090/cache\""},
                 {"remote-upload", "true"}});
  cache.dir = t.get_string("dir");
  cache.max_size_text = t.get_string("max-size");
  if (cache.max_size_text) {
    auto size = parse_size(*cache.max_size_text);
    if (!size) {
      t.fail("max-size",
             "invalid size '" + *cache.max_size_text +
                 "' for 'max-size': expected a whole number and a unit: B, KiB, MiB, GiB, TiB, "
                 "kB, MB, GB or TB",
             t.example_hint("max-size"));
    }
    cache.max_size = size.value();
  }
  cache.remote = t.get_string("remote");
  if (cache.remote) {
    check_url(*cache.remote, {"http", "https"}, "remote", t.where("remote"));
  }
  cache.remote_upload = t.get_bool("remote-upload");
  return cache;
}

// Checked before anything else: a file of another schema has other keys, and "unknown key"
// would hide the real problem.
void check_schema_version(const toml::table& root, const FileRef& file) {
  const auto* schema = root.get_as<std::int64_t>("schema-version");
  if (schema && schema->get() != k_schema_version) {
    fail_at(location(file, schema->source()),
            "unsupported schema-version " + std::to_string(schema->get()) +
                ": this osbuild reads schema-version " + std::to_string(k_schema_version),
            "write schema-version = 1, or use the osbuild release that wrote this project");
  }
}

void read_header(const TableReader& t, ProjectFile& project) {
  auto schema = t.get_integer("schema-version", INT32_MIN, INT32_MAX);
  if (!schema) {
    t.fail_missing("schema-version");
  }
  project.schema_version = static_cast<int>(*schema);
  project.name = t.require_string("name");
  check_identifier(project.name, IdentifierKind::name, "OS name", t.where("name"));
  if (!t.has("release-version")) {
    t.fail_missing("release-version");
  }
  project.release_version = *get_version(t, "release-version");
  project.release_version_where = t.where("release-version");
}

}  // namespace

ProjectFile parse_project_file(std::string_view text, const FileRef& file) {
  toml::table root = parse_toml(text, file);
  check_schema_version(root, file);
  TableReader t(root, file, "",
                {{"schema-version", "1"},
                 {"name", "\"hello-os\""},
                 {"release-version", "\"1.4.0\""},
                 {"vendor", "[vendor.local] with registry = \"127.0.0.1:5000/osbuild\""},
                 {"kit", "[[kit]] with name, version and vendor"},
                 {"sources", "[sources] with lookaside = [\"https://cache.example.org\"]"},
                 {"cache", "[cache] with max-size = \"20 GiB\""},
                 {"constraint-setting", "[[constraint-setting]] with name and values"},
                 {"platform", "[platform.rpi4] with parent and constraint-values"},
                 {"constraint-set", "[constraint-set.linux-gnu] with constraint-values"},
                 {"toolchain", "[[toolchain]] with name, kind and cc"}});
  ProjectFile project;
  project.path = file.absolute;
  read_header(t, project);
  project.vendors = parse_vendors(t, file);
  std::set<std::string> kit_names;
  for (const toml::table* table : t.get_table_array("kit")) {
    KitRequirement kit = read_kit(*table, file, project.vendors);
    if (!kit_names.insert(kit.name).second) {
      fail_at(kit.where, "kit '" + kit.name + "' is required twice",
              "keep one [[kit]] entry per kit");
    }
    project.kits.push_back(std::move(kit));
  }
  project.sources = read_sources(t, file);
  project.cache = read_cache(t, file);
  project.toolchains = parse_toolchains(t, file);
  return project;
}

}  // namespace osbuild::config::detail
