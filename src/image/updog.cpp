// The update agent's files in the root tree (docs/image.md, "Update agent files").
#include "osbuild/image/updog.h"

#include <fmt/format.h>

#include "osbuild/util/json.h"

namespace osbuild::image {

namespace {

// A URL with exactly one '/' at the end.
std::string with_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/";
}

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string updog_toml(const UpdateIdentity& id) {
  std::string out;
  if (!id.repo.metadata_base_url.empty()) {
    out += "metadata_base_url = " +
           toml_string(with_slash(id.repo.metadata_base_url) + id.variant + "/" +
                       std::string(arch_name(id.arch)) + "/") +
           "\n";
  }
  if (!id.repo.targets_url.empty()) {
    out += "targets_base_url = " + toml_string(with_slash(id.repo.targets_url)) + "\n";
  }
  out += "version_lock = \"latest\"\nignore_waves = false\n";
  return out;
}

std::string image_identity_json(const UpdateIdentity& id) {
  // Written by hand so the key order is the documented one; dump() escapes each value.
  auto str = [](const std::string& v) { return Json(v).dump(); };
  return fmt::format("{{\"name\":{},\"variant\":{},\"arch\":{},\"version\":{},\"repo\":{}}}\n",
                     str(id.os_name), str(id.variant), str(std::string(arch_name(id.arch))),
                     str(id.version), str(id.repo.name));
}

TreeFiles update_files(const UpdateIdentity& id) {
  return {{"etc/updog.toml", updog_toml(id)},
          {"usr/share/updog/image.json", image_identity_json(id)},
          {"usr/share/updog/root.json", id.repo.root_json}};
}

}  // namespace osbuild::image
