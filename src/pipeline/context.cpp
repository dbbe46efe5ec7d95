#include "osbuild/pipeline/context.h"

#include "osbuild/config/load.h"

namespace osbuild {

config::Settings resolve_settings(const GlobalOptions& options, const config::ProjectFile* file) {
  return config::Settings::resolve(file, options.flags, config::current_environment());
}

Context open_context(const GlobalOptions& options) {
  auto start = options.project_dir.empty() ? std::filesystem::current_path()
                                           : std::filesystem::path(options.project_dir);
  auto root = config::find_project_root(start);
  auto project = config::load_project(root);
  auto settings = resolve_settings(options, &project.file);
  return Context{std::move(project), std::move(settings), options};
}

}  // namespace osbuild
