#include "osbuild/workspace/context.h"

#include <cstdio>

#include "osbuild/config/load.h"

namespace osbuild {

config::Settings resolve_settings(const GlobalOptions& options, const config::ProjectFile* file) {
  return config::Settings::resolve(file, options.flags, config::current_environment());
}

namespace {

std::filesystem::path start_folder(const GlobalOptions& options) {
  return options.project_dir.empty() ? std::filesystem::current_path()
                                     : std::filesystem::path(options.project_dir);
}

}  // namespace

std::optional<Context> open_context_if_inside(const GlobalOptions& options) {
  for (auto dir = std::filesystem::absolute(start_folder(options));; dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "osbuild.toml")) {
      return open_context(options);
    }
    if (dir == dir.parent_path()) {
      return std::nullopt;
    }
  }
}

Context open_context(const GlobalOptions& options) {
  auto root = config::find_project_root(start_folder(options));
  auto project = config::load_project(root);
  auto settings = resolve_settings(options, &project.file);
  return Context{std::move(project), std::move(settings), options};
}

FileLock lock_workspace(const std::filesystem::path& build_dir) {
  std::filesystem::path path = build_dir / ".osbuild" / "lock";
  std::filesystem::create_directories(path.parent_path());
  auto lock = FileLock::acquire(path, FileLock::Wait::yes, [&path](const std::string& holder) {
    std::fprintf(stderr, "osbuild: waiting for %s, which holds %s\n", holder.c_str(), path.c_str());
  });
  return std::move(*lock);
}

}  // namespace osbuild
