// Finding and loading a whole project: osbuild.toml, the optional files beside it, and every
// package, kit and variant folder. Each file kind has its own loader (load_*.cpp); the checks
// across files are in check_project.cpp.
#include "osbuild/config/load.h"

#include <algorithm>

#include "config/loaders.h"
#include "osbuild/util/fs.h"

namespace osbuild::config {

fs::path find_project_root(const fs::path& start) {
  fs::path from = fs::absolute(start).lexically_normal();
  for (fs::path dir = from;; dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "osbuild.toml")) {
      return dir;
    }
    if (dir == dir.root_path() || dir.parent_path() == dir) {
      break;
    }
  }
  throw Error("no osbuild.toml in " + from.string() + " or any folder above it",
              "run osbuild inside a project, or point at one with -C <project folder>");
}

ProjectFile parse_project_file(std::string_view text, const fs::path& path) {
  return detail::parse_project_file(text, detail::FileRef::as_given(path));
}
Package parse_package(std::string_view text, const fs::path& path) {
  return detail::parse_package(text, detail::FileRef::as_given(path));
}
Kit parse_kit(std::string_view text, const fs::path& path) {
  return detail::parse_kit(text, detail::FileRef::as_given(path));
}
Variant parse_variant(std::string_view text, const fs::path& path) {
  return detail::parse_variant(text, detail::FileRef::as_given(path));
}
Release parse_release(std::string_view text, const fs::path& path) {
  return detail::parse_release(text, detail::FileRef::as_given(path));
}
Infra parse_infra(std::string_view text, const fs::path& path) {
  return detail::parse_infra(text, detail::FileRef::as_given(path));
}
ExpirationPolicy parse_expiration_policy(std::string_view text, const fs::path& path) {
  return detail::parse_expiration_policy(text, detail::FileRef::as_given(path));
}
WavePolicy parse_wave_policy(std::string_view text, const fs::path& path) {
  return detail::parse_wave_policy(text, detail::FileRef::as_given(path));
}

namespace {

using detail::FileRef;

// Loads `relative` when it exists: the files beside osbuild.toml are all optional.
template <typename T>
std::optional<T> load_optional(const fs::path& root, const fs::path& relative,
                               T (*parse)(std::string_view, const FileRef&)) {
  FileRef file = FileRef::in_project(root, relative);
  if (!fs::exists(file.absolute)) {
    return std::nullopt;
  }
  return parse(read_file_or_throw(file.absolute), file);
}

// Every folder under `folder` (packages/, kits/, variants/) holds one `manifest`; the map is
// keyed by the declared name, which check_project compares with the folder name.
template <typename T>
std::map<std::string, T> load_folders(const fs::path& root, std::string_view folder,
                                      std::string_view manifest,
                                      T (*parse)(std::string_view, const FileRef&)) {
  std::map<std::string, T> items;
  std::vector<fs::path> dirs;
  if (fs::is_directory(root / folder)) {
    for (const auto& entry : fs::directory_iterator(root / folder)) {
      std::string name = entry.path().filename().string();
      if (entry.is_directory() && !name.starts_with(".")) {
        dirs.push_back(entry.path().filename());
      }
    }
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    FileRef file = FileRef::in_project(root, fs::path(folder) / dir / manifest);
    if (!fs::exists(file.absolute)) {
      throw Error(file.display.parent_path().string() + "/: folder has no " +
                      std::string(manifest),
                  "every folder under " + std::string(folder) + "/ needs a " +
                      std::string(manifest) + "; add one or move the folder out");
    }
    T item = parse(read_file_or_throw(file.absolute), file);
    if (item.name != dir.string()) {
      std::string kind = fs::path(manifest).stem().string();
      detail::fail_at(item.where.at("name"),
                      kind + " name '" + item.name + "' does not match its folder " +
                          file.display.parent_path().string() + "/",
                      "rename the folder to " + std::string(folder) + "/" + item.name +
                          ", or write name = \"" + dir.string() + "\"");
    }
    std::string name = item.name;
    items.emplace(std::move(name), std::move(item));
  }
  return items;
}

}  // namespace

Project load_project(const fs::path& root) {
  Project project;
  project.root = fs::absolute(root).lexically_normal();
  FileRef file = FileRef::in_project(project.root, "osbuild.toml");
  if (!fs::is_regular_file(file.absolute)) {
    throw Error("no osbuild.toml in " + project.root.string(),
                "run osbuild inside a project, or point at one with -C <project folder>");
  }
  project.file = detail::parse_project_file(read_file_or_throw(file.absolute), file);
  project.release = load_optional(project.root, "Release.toml", detail::parse_release);
  if (project.release) {
    detail::check_release(project.file, *project.release);
  }
  project.infra = load_optional(project.root, "Infra.toml", detail::parse_infra);
  project.expirations =
      load_optional(project.root, "repo-expirations.toml", detail::parse_expiration_policy);
  project.waves = load_optional(project.root, "waves.toml", detail::parse_wave_policy);
  project.packages = load_folders(project.root, "packages", "package.toml", detail::parse_package);
  project.kits = load_folders(project.root, "kits", "kit.toml", detail::parse_kit);
  project.variants = load_folders(project.root, "variants", "variant.toml", detail::parse_variant);
  detail::check_project(project);
  return project;
}

}  // namespace osbuild::config
