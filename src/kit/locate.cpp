// Where a kit lives: its vendor's registry, redirected by osbuild.override.toml.
#include <fmt/format.h>

#include <cstdio>

#include "osbuild/kit/kit.h"
#include "osbuild/util/text.h"

namespace osbuild::kit {

namespace {

const config::Vendor& find_vendor(const Context& ctx, const std::string& name,
                                  const std::string& wanted_by) {
  const auto& vendors = ctx.project.file.vendors;
  if (auto it = vendors.find(name); it != vendors.end()) return it->second;
  if (ctx.project.infra) {
    if (auto it = ctx.project.infra->vendors.find(name); it != ctx.project.infra->vendors.end()) {
      return it->second;
    }
  }
  std::vector<std::string> names;
  for (const auto& [n, v] : vendors) names.push_back(n);
  throw Error(
      fmt::format("{}: vendor \"{}\" is not declared{}", wanted_by, name,
                  did_you_mean(name, names)),
      fmt::format("add [vendor.{}] with registry = \"host:port/path\" to osbuild.toml", name));
}

oci::RegistryLocation parse_or_throw(const std::string& registry, const std::string& where,
                                     const std::string& key) {
  auto location = oci::parse_registry(registry);
  if (!location.ok()) {
    throw Error(fmt::format("{}: {}: {}", where, key, location.error()),
                "write registry = \"host[:port]/path\", e.g. \"127.0.0.1:5000/osbuild\"");
  }
  return location.value();
}

// Read once per process; the first command that uses it says so, once.
const std::optional<config::Overrides>& overrides(const Context& ctx) {
  static std::optional<config::Overrides> loaded = config::read_overrides(ctx.root());
  return loaded;
}

void announce(const config::Overrides& o) {
  static bool said = false;
  if (said) return;
  said = true;
  std::fprintf(stderr, "osbuild: using %s: %s\n", std::string(config::k_override_file).c_str(),
               o.summary().c_str());
}

}  // namespace

KitLocation locate(const Context& ctx, const std::string& kit, const std::string& vendor_name,
                   const std::string& wanted_by) {
  const config::Vendor& vendor = find_vendor(ctx, vendor_name, wanted_by);
  std::string registry = vendor.registry;
  std::string registry_where = vendor.where.str();
  std::string registry_key = "vendor." + vendor_name + ".registry";
  std::string repository_name = kit;
  if (const auto& o = overrides(ctx)) {
    if (auto v = o->vendors.find(vendor_name); v != o->vendors.end() && v->second.registry) {
      announce(*o);
      registry = *v->second.registry;
      registry_where = v->second.where.str();
    }
    if (auto k = o->kits.find(kit); k != o->kits.end()) {
      announce(*o);
      if (k->second.registry) {
        registry = *k->second.registry;
        registry_where = k->second.where.str();
        registry_key = "kit." + kit + ".registry";
      }
      if (k->second.name) repository_name = *k->second.name;
    }
  }
  oci::RegistryLocation location = parse_or_throw(registry, registry_where, registry_key);
  return {vendor_name, location.host, location.repository(repository_name), vendor.insecure};
}

void ping(oci::RegistryClient& client, const KitLocation& where, const std::string& kit) {
  try {
    client.ping();
  } catch (const Error& e) {
    throw Error(
        fmt::format("kit {}: vendor \"{}\" ({}): {}", kit, where.vendor, where.source(), e.what()),
        e.hint(), e.exit_code());
  }
}

}  // namespace osbuild::kit
