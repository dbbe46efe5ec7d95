// packages/<name>/package.toml
#include <algorithm>
#include <cctype>
#include <set>

#include "config/checks.h"
#include "config/loaders.h"
#include "osbuild/util/text.h"

namespace osbuild::config::detail {

namespace {

constexpr BuildSystem k_build_systems[] = {BuildSystem::cmake, BuildSystem::autotools,
                                           BuildSystem::make, BuildSystem::script};

std::vector<std::string> read_list(const TableReader& table, std::string_view key, Package& package,
                                   const std::string& record_as) {
  auto list = table.get_string_list(key);
  if (!list) {
    return {};
  }
  package.where[record_as] = table.where(key);
  record_locations(package.where, record_as, *list);
  return list->values;
}

// Paths written in package.toml must stay inside the package folder.
void check_relative_paths(const StringList& list, std::string_view key) {
  for (std::size_t i = 0; i < list.values.size(); ++i) {
    std::string problem = relative_path_problem(list.values[i]);
    if (!problem.empty()) {
      fail_at(list.where[i],
              "invalid path '" + list.values[i] + "' in '" + std::string(key) + "': " + problem,
              "write a path relative to the package folder");
    }
  }
}

void read_package_table(const TableReader& root, const FileRef& file, Package& package) {
  TableReader t(root.require_table("package"), file, "[package]",
                {{"name", "\"zlib\""},
                 {"version", "\"1.3.1\""},
                 {"license", "\"Zlib\""},
                 {"depends", "[\"libc\"]"},
                 {"requires", "[\"libc\"]"},
                 {"source-groups", "[\"zlib-patches\"]"},
                 {"uses-release-version", "true"}});
  // The folder names the package unless [package] says otherwise; load_project checks they agree.
  package.name = t.get_string("name").value_or(file.dir().filename().string());
  package.where["name"] = t.where("name");
  check_identifier(package.name, IdentifierKind::package, "package name", t.where("name"));
  if (!t.has("version")) {
    t.fail_missing("version");
  }
  package.version = *get_version(t, "version");
  package.where["version"] = t.where("version");
  package.license = t.get_string("license").value_or("");
  package.where["license"] = t.where("license");
  package.uses_release_version = t.get_bool("uses-release-version").value_or(false);
  package.depends = read_list(t, "depends", package, "depends");
  package.runtime_requires = read_list(t, "requires", package, "requires");
  package.source_groups = read_list(t, "source-groups", package, "source-groups");
  for (std::size_t i = 0; i < package.source_groups.size(); ++i) {
    std::string problem = file_name_problem(package.source_groups[i]);
    if (!problem.empty()) {
      fail_at(package.where["source-groups[" + std::to_string(i) + "]"],
              "invalid source group '" + package.source_groups[i] + "': " + problem,
              "name a folder directly under sources/");
    }
  }
}

// The file name an URL downloads to: its last path component, without query or fragment.
std::string last_url_component(std::string_view url) {
  url = url.substr(0, std::min(url.find('?'), url.find('#')));
  auto slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

ExternalFile read_external_file(const toml::table& table, const FileRef& file) {
  TableReader t(table, file, "[[external-files]]",
                {{"url", "\"https://zlib.net/zlib-1.3.1.tar.gz\""},
                 {"sha512", "\"<the 128 hex digits printed by sha512sum>\""},
                 {"path", "\"zlib-1.3.1.tar.gz\""},
                 {"force-upstream", "true"},
                 {"unpack", "false"}});
  ExternalFile f;
  f.where = t.where();
  f.url = t.require_string("url");
  check_url(f.url, {"http", "https", "file"}, "url", t.where("url"));
  f.sha512 = t.require_string("sha512");
  check_sha512(f.sha512, "sha512", t.where("sha512"));
  f.path = t.get_string("path").value_or(last_url_component(f.url));
  std::string problem = file_name_problem(f.path);
  if (!problem.empty() && t.has("path")) {
    t.fail("path", "invalid path '" + f.path + "': a single file name is expected, but " + problem,
           "write just the file name, e.g. path = \"" + last_url_component(f.path) + "\"");
  }
  if (!problem.empty()) {
    t.fail("url", "cannot name the downloaded file after url '" + f.url + "': " + problem,
           "add path = \"<file name>\" to this [[external-files]] entry");
  }
  f.force_upstream = t.get_bool("force-upstream").value_or(false);
  f.unpack = t.get_bool("unpack");
  return f;
}

bool is_hex(std::string_view text, bool allow_upper) {
  for (char c : text) {
    bool lower = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!lower && !(allow_upper && c >= 'A' && c <= 'F')) {
      return false;
    }
  }
  return !text.empty();
}

// A rev must be a full commit id: a branch or tag can move, and then the same recipe would
// build different sources.
void check_git_rev(const TableReader& t, const std::string& rev, const std::string& url) {
  if (rev.size() == 40 && is_hex(rev, false)) {
    return;
  }
  if (rev.size() == 40 && is_hex(rev, true)) {
    t.fail("rev", "expected lowercase hex digits for 'rev', found '" + rev + "'",
           "write the commit id in lowercase, as git prints it");
  }
  std::string pin = "run `git rev-parse " + rev + "` in a clone of " + url +
                    " (or `git ls-remote " + url + " " + rev + "`) and write the full commit id";
  if (is_hex(rev, true) && rev.size() < 40) {
    t.fail("rev",
           "abbreviated commit '" + rev + "' for 'rev' (" + std::to_string(rev.size()) +
               " hex digits): expected the full 40-hex commit id",
           pin);
  }
  t.fail("rev",
         "'" + rev + "' is a branch or tag name, not a commit: 'rev' must be a 40-hex commit id",
         "pin it: " + pin);
}

// "https://github.com/example/tool.git" → "tool".
std::string repository_name(std::string_view url) {
  while (!url.empty() && url.back() == '/') {
    url.remove_suffix(1);
  }
  auto cut = url.find_last_of("/:");
  std::string name(cut == std::string_view::npos ? url : url.substr(cut + 1));
  if (name.size() > 4 && name.substr(name.size() - 4) == ".git") {
    name.resize(name.size() - 4);
  }
  return name;
}

GitSource read_git_source(const toml::table& table, const FileRef& file) {
  TableReader t(table, file, "[[git-sources]]",
                {{"url", "\"https://github.com/example/tool.git\""},
                 {"rev", "\"<the 40-hex commit id>\""},
                 {"name", "\"tool\""}});
  GitSource g;
  g.where = t.where();
  g.url = t.require_string("url");
  if (g.url.find("://") != std::string::npos) {
    check_url(g.url, {"https", "http", "ssh", "git", "file"}, "url", t.where("url"));
  } else if (g.url.find(':') == std::string::npos) {
    // Neither a URL nor scp-like "git@host:path": libgit2 would read it as a local folder.
    t.fail("url", "expected a git URL for 'url', found '" + g.url + "'",
           "write a https://, ssh:// or git@host:path URL");
  }
  g.rev = t.require_string("rev");
  check_git_rev(t, g.rev, g.url);
  g.name = t.get_string("name").value_or(repository_name(g.url));
  std::string problem = identifier_problem(g.name, IdentifierKind::package);
  if (!problem.empty()) {
    t.fail(t.has("name") ? "name" : "url",
           "invalid source folder name '" + g.name + "': " + problem,
           "set name = \"<folder>\" to name the folder under $OSBUILD_SOURCES");
  }
  return g;
}

// Every external file and git tree lands in the same $OSBUILD_SOURCES folder.
void check_unique_source_names(const Package& package) {
  std::set<std::string> seen;
  auto check = [&](const std::string& name, const SourceLocation& where) {
    if (!seen.insert(name).second) {
      fail_at(where, "duplicate source name '" + name + "' in this package",
              "give each external file and git source its own name with path = or name =");
    }
  };
  for (const auto& f : package.external_files) {
    check(f.path, f.where);
  }
  for (const auto& g : package.git_sources) {
    check(g.name, g.where);
  }
}

std::map<std::string, std::string> read_env(const TableReader& build, const FileRef& file) {
  std::map<std::string, std::string> env;
  const toml::table* table = build.get_table("env");
  if (!table) {
    return env;
  }
  for (auto&& [key, value] : *table) {
    std::string name(key.str());
    SourceLocation at = location(file, key.source());
    bool valid = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
    for (char c : name) {
      valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    }
    if (!valid) {
      fail_at(at, "invalid environment variable name '" + name + "' in [build.env]",
              "use letters, digits and '_', not starting with a digit");
    }
    if (name.rfind("OSBUILD_", 0) == 0) {
      fail_at(at, "'" + name + "' in [build.env] is reserved: osbuild sets OSBUILD_* itself",
              "rename the variable");
    }
    const auto* s = value.as_string();
    if (!s) {
      fail_at(location(file, value.source()),
              "expected a string for '" + name + "' in [build.env], found " +
                  std::string(type_description(value.type())),
              "quote the value: " + name + " = \"…\"");
    }
    env[name] = s->get();
  }
  return env;
}

BuildStep read_step(const toml::table& table, const FileRef& file) {
  TableReader t(
      table, file, "[[build.step]]",
      {{"name", "\"compile\""}, {"inputs", "[\"go.mod\", \"go.sum\"]"}, {"run", "\"make\""}});
  BuildStep step;
  step.where = t.where();
  step.name = t.require_string("name");
  check_identifier(step.name, IdentifierKind::name, "step name", t.where("name"));
  if (auto inputs = t.get_string_list("inputs")) {
    check_relative_paths(*inputs, "inputs");
    step.inputs = inputs->values;
  }
  step.run = t.require_string("run");
  return step;
}

void read_steps(const TableReader& t, const FileRef& file, PackageBuild& build) {
  std::set<std::string> names;
  for (const toml::table* table : t.get_table_array("step")) {
    BuildStep step = read_step(*table, file);
    if (!names.insert(step.name).second) {
      fail_at(step.where, "duplicate build step '" + step.name + "'",
              "give each [[build.step]] its own name");
    }
    build.steps.push_back(std::move(step));
  }
}

// `script` goes with system = "script" and only with it.
void read_script(const TableReader& t, Package& package) {
  auto script = t.get_string("script");
  bool wanted = package.build.system == BuildSystem::script;
  if (script && !wanted) {
    t.fail("script", "'script' is only used with system = \"script\"",
           "set system = \"script\" or remove script");
  }
  if (wanted && !script && package.build.steps.empty()) {
    t.fail_missing("script");  // with [[build.step]]s, the steps are the build
  }
  if (!script) {
    return;
  }
  std::string problem = relative_path_problem(*script);
  if (!problem.empty()) {
    t.fail("script", "invalid script path '" + *script + "': " + problem,
           "write a path relative to the package folder");
  }
  package.build.script = *script;
  package.where["build.script"] = t.where("script");
}

void read_build(const TableReader& root, const FileRef& file, Package& package) {
  const toml::table* table = root.get_table("build");
  if (!table) {
    return;
  }
  TableReader t(*table, file, "[build]",
                {{"system", "\"cmake\""},
                 {"script", "\"build.sh\""},
                 {"target-compatible-with", "[\"os:linux\"]"},
                 {"constraint-values", "[\"compiler:gcc\"]"},
                 {"env", "{ NAME = \"value\" }"},
                 {"step", "[[build.step]] with name and run"},
                 {"patches", "[\"0001-fix.patch\"]"}});
  PackageBuild& build = package.build;
  build.system = read_enum(t, "system", k_build_systems, build_system_name, BuildSystem::make);
  package.where["build.system"] = t.where("system");
  read_steps(t, file, build);
  read_script(t, package);
  build.target_compatible_with =
      read_list(t, "target-compatible-with", package, "build.target-compatible-with");
  build.constraint_values = read_list(t, "constraint-values", package, "build.constraint-values");
  build.env = read_env(t, file);
  if (auto patches = t.get_string_list("patches")) {
    check_relative_paths(*patches, "patches");
    build.patches = patches->values;
    package.where["build.patches"] = t.where("patches");
    record_locations(package.where, "build.patches", *patches);
  }
}

}  // namespace

Package parse_package(std::string_view text, const FileRef& file) {
  toml::table root = parse_toml(text, file);
  Package package;
  package.manifest = file.absolute;
  package.dir = file.dir();
  TableReader t(root, file, "",
                {{"package", "[package] with name = \"zlib\" and version = \"1.3.1\""},
                 {"external-files", "[[external-files]] with url and sha512"},
                 {"git-sources", "[[git-sources]] with url and rev"},
                 {"build", "[build] with system = \"cmake\""}});
  read_package_table(t, file, package);
  for (const toml::table* table : t.get_table_array("external-files")) {
    package.external_files.push_back(read_external_file(*table, file));
  }
  for (const toml::table* table : t.get_table_array("git-sources")) {
    package.git_sources.push_back(read_git_source(*table, file));
  }
  check_unique_source_names(package);
  read_build(t, file, package);
  return package;
}

}  // namespace osbuild::config::detail
