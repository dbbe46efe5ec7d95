#include "package_build.h"

#include <fmt/format.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "osbuild/util/archive.h"
#include "osbuild/store/sources.h"
#include "osbuild/toolchain/zig_cache.h"
#include "osbuild/util/error.h"
#include "osbuild/util/text.h"

namespace osbuild::build {

using archives::is_archive_name;
using archives::Links;
using archives::StripTop;
using archives::unpack_archive;
using archives::write_tree_tar;

namespace {

fs::path fresh_dir(const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Raw downloads into $OSBUILD_SOURCES, the first archive unpacked into the work dir, source
// groups beside the downloads, the dependencies' outputs merged into the sysroot.
void stage_inputs(const BuildContext& bc, const config::Package& pkg, const BuildPaths& paths,
                  const std::vector<std::string>& dep_artifacts) {
  bool unpacked = false;
  for (const auto& file : pkg.external_files) {
    auto local = store::locate(bc.store, file);
    if (!local) {
      throw Error(
          fmt::format("package {}: source {} is not in the content store", pkg.name, file.path),
          "run the build again: it fetches the sources it needs (or run `osbuild fetch`)");
    }
    fs::copy_file(*local, paths.sources / file.path, fs::copy_options::overwrite_existing);
    bool wanted = file.unpack ? *file.unpack : (!unpacked && is_archive_name(file.path));
    if (wanted) {
      unpack_archive(*local, paths.work, StripTop::yes, Links::confine, file.path);
      unpacked = true;
    }
  }
  for (const auto& git : pkg.git_sources) {
    auto tar = store::locate_git(bc.store, git);
    if (!tar) {
      throw Error(
          fmt::format("package {}: git source {} is not in the content store", pkg.name, git.url),
          "run the build again: it fetches the sources it needs (or run `osbuild fetch`)");
    }
    unpack_archive(*tar, paths.sources / git.name, StripTop::no, Links::confine, git.name);
  }
  for (const auto& group : pkg.source_groups) {
    fs::copy(bc.project.root / "sources" / group, paths.sources / group,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
  for (const auto& digest : dep_artifacts) {
    auto blob = bc.store.get_blob(digest);
    if (!blob) {
      throw Error(fmt::format("package {}: a dependency's artifact {} left the store", pkg.name,
                              digest.substr(0, 12)),
                  "run the build again: the dependency is rebuilt");
    }
    unpack_archive(*blob, paths.sysroot, StripTop::no, Links::keep);
  }
}

std::pair<std::string, std::string> store_artifact(const BuildContext& bc,
                                                   const config::Package& pkg,
                                                   const BuildPaths& paths,
                                                   const std::string& key) {
  fs::path tar = paths.root / "artifact.tar";
  Json manifest = write_tree_tar(paths.dest, tar, bc.source_date_epoch);
  auto size = fs::file_size(tar);
  std::string digest = bc.commit ? bc.commit->adopt_file(tar) : bc.store.adopt_file(tar);
  std::string manifest_text = manifest.dump(1) + "\n";
  std::string manifest_digest =
      bc.commit ? bc.commit->put_bytes(manifest_text) : bc.store.put_bytes(manifest_text);
  Json result = {{"outputs",
                  {{{"path", "artifact.tar"}, {"digest", digest}, {"size", size}, {"mode", 0444}},
                   {{"path", "manifest.json"},
                    {"digest", manifest_digest},
                    {"size", manifest_text.size()},
                    {"mode", 0444}}}},
                 {"package", pkg.name}};
  if (bc.commit) {
    bc.commit->put_action(key, result);  // written once both blobs are durable
  } else {
    bc.store.put_action(key, result);
  }
  return {digest, manifest_digest};
}

// A file holding `text`, shared by every build of the project: written only when it holds
// something else (the first build, or an older osbuild's text), read by the others.
fs::path same_file(const fs::path& path, const std::string& text) {
  auto held = read_file(path);
  if (!held.ok() || held.value() != text) {
    fs::create_directories(path.parent_path());
    write_file_atomic(path, text, Durability::cache);
  }
  return path;
}

}  // namespace

WorkTrash::WorkTrash(fs::path dir, unsigned long keep_while_free)
    : m_dir(std::move(dir)), m_keep_while_free(std::max(keep_while_free, 1UL)) {
  std::error_code ec;
  fs::remove_all(m_dir, ec);
}

WorkTrash::~WorkTrash() {
  std::error_code ec;  // a folder that cannot be removed now is removed by the next build
  fs::remove_all(m_dir, ec);
}

void WorkTrash::take(const fs::path& folder) {
  fs::path to;
  {
    std::lock_guard lock(m_mutex);
    to = m_dir / std::to_string(m_next++);
  }
  std::error_code ec;
  fs::create_directories(m_dir, ec);
  if (::rename(folder.c_str(), to.c_str()) != 0) {
    fs::remove_all(folder);
    return;
  }
  // Kept only while the file system has room: a build of big trees (a kernel's is gigabytes)
  // must not fill the disk with finished ones.
  struct statvfs fsinfo {};
  if (::statvfs(m_dir.c_str(), &fsinfo) == 0 &&
      fsinfo.f_bavail < fsinfo.f_blocks / m_keep_while_free) {
    std::lock_guard lock(m_mutex);
    fs::remove_all(m_dir, ec);
  }
}

std::vector<std::string> script_command(const fs::path& script) {
  std::ifstream in(script);
  std::string first;
  if (in && std::getline(in, first) && first.starts_with("#!")) {
    std::string_view rest = trim(std::string_view(first).substr(2));
    if (!rest.empty()) {
      auto space = rest.find_first_of(" \t");
      std::vector<std::string> argv{std::string(rest.substr(0, space))};
      std::string_view arg = space == std::string_view::npos ? "" : trim(rest.substr(space));
      if (!arg.empty()) argv.emplace_back(arg);  // like the kernel: one argument, spaces and all
      argv.push_back(script.string());
      return argv;
    }
  }
  return {"sh", script.string()};
}

// What a build sees besides the system (sandbox.h): its inputs and package folder read-only, the
// toolchain's installation and osbuild itself (the compiler wrappers run it), then its work dir,
// destdir, tmp and its own zig cache writable. Not the project: its keys, other packages, build
// outputs, the filled zig cache.
sandbox::SandboxSpec sandbox_spec(const BuildContext& bc, const config::Package& pkg,
                                  const BuildPaths& paths, const fs::path& zig_cache) {
  sandbox::SandboxSpec spec{paths.work, {paths.work, paths.dest, paths.tmp}, {}, {}, {}};
  spec.read_only = {paths.sources, paths.sysroot, pkg.dir, bc.tool_dir};
  for (const auto& dir : bc.toolchain.installation()) spec.read_only.push_back(dir);
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) spec.read_only.push_back(self);
  fs::path etc = bc.build_dir / ".osbuild" / "sandbox";
  spec.files = {{same_file(etc / "passwd", sandbox::sandbox_passwd()), "/etc/passwd"},
                {same_file(etc / "group", sandbox::sandbox_group()), "/etc/group"}};
  if (!zig_cache.empty()) spec.writable.push_back(zig_cache);
  if (bc.jobserver != nullptr) {
    // The jobserver's fifo, read-write, or its two descriptors: nothing else of osbuild's.
    for (const auto& fifo : bc.jobserver->bound_paths()) spec.writable.push_back(fifo);
    spec.inherited_fds = bc.jobserver->inherited_fds();
  }
  return spec;
}

// A zig build works in its own copy of the filled cache, so that what it writes there reaches no
// other build (docs/security.md); the copy goes with the build.
std::optional<toolchain::ZigCacheCopy> own_zig_cache(const BuildContext& bc,
                                                     const BuildPaths& paths) {
  if (bc.zig_cache.empty()) return std::nullopt;
  toolchain::fill_zig_cache(bc.toolchain, bc.zig_cache, bc.tool_dir, bc.runner);
  return std::make_optional<toolchain::ZigCacheCopy>(bc.zig_cache, paths.root / "zig-cache",
                                                     bc.runner);
}

std::vector<std::vector<std::string>> build_commands(
    const config::Package& pkg, const std::vector<std::string>& configure_args) {
  std::vector<std::vector<std::string>> out;
  for (const auto& patch : pkg.build.patches) {
    out.push_back({"patch", "-p1", "-N", "-i", (pkg.dir / patch).string()});
  }
  if (!pkg.build.steps.empty()) {
    return out;  // the steps run through run_steps, each cached on its own
  }
  // A plain make (cmake's too) joins the build's jobserver through MAKEFLAGS.
  switch (pkg.build.system) {
    case config::BuildSystem::script:
      out.push_back(script_command(pkg.dir / pkg.build.script));
      break;
    case config::BuildSystem::make:
      out.push_back({"sh", "-c", "make && make install DESTDIR=\"$OSBUILD_DESTDIR\""});
      break;
    case config::BuildSystem::cmake:
      out.push_back({"sh", "-c",
                     "cmake -S . -B _osbuild -DCMAKE_INSTALL_PREFIX=/usr "
                     "-DCMAKE_BUILD_TYPE=Release && cmake --build _osbuild && "
                     "DESTDIR=\"$OSBUILD_DESTDIR\" cmake --install _osbuild"});
      break;
    case config::BuildSystem::autotools:
      out.push_back({"sh", "-c",
                     "./configure --prefix=/usr " +
                         (configure_args.empty() ? std::string("--host=\"$OSBUILD_TARGET\"")
                                                 : join(configure_args, " ")) +
                         " && make && make install DESTDIR=\"$OSBUILD_DESTDIR\""});
      break;
  }
  return out;
}

PackageResult build_package(const BuildContext& bc, const config::Package& pkg,
                            const std::vector<std::string>& dep_artifacts, const std::string& key,
                            const Json& inputs) {
  sandbox::SandboxKind kind = bc.sandbox;
  if (kind == sandbox::SandboxKind::none) {
    throw Error("no build sandbox", "builds run only in the sealed or the unshare sandbox");
  }
  BuildPaths paths = BuildPaths::under(bc.build_dir / "work" / arch_name(bc.arch) / pkg.name);
  fresh_dir(paths.root);
  for (const auto& dir : {paths.work, paths.sources, paths.sysroot, paths.dest, paths.tmp}) {
    fs::create_directories(dir);
  }
  fs::path log = bc.build_dir / "logs" / arch_name(bc.arch) / (pkg.name + ".log");
  fs::create_directories(log.parent_path());
  fs::remove(log);
  stage_inputs(bc, pkg, paths, dep_artifacts);
  auto zig_cache = own_zig_cache(bc, paths);
  auto toolchain_env = bc.toolchain.environment(bc.tool_dir, zig_cache ? zig_cache->dir() : "");
  EnvRequest req{pkg,
                 toolchain_env,
                 bc.tool_dir,
                 paths,
                 bc.arch,
                 bc.jobs,
                 bc.source_date_epoch,
                 bc.project.file.name,
                 bc.project.file.release_version.str(),
                 bc.jobserver != nullptr ? bc.jobserver->makeflags() : std::string()};
  auto env = build_environment(req);
  auto spec = sandbox_spec(bc, pkg, paths, zig_cache ? zig_cache->dir() : "");
  PackageResult out;
  RunCommand run;
  run.note = [&log](const std::string& line) { std::ofstream(log, std::ios::app) << line << "\n"; };
  run.command = [&](const std::vector<std::string>& command, const std::string& what) {
    std::string shown = process::command_text(command);
    run.note("$ " + shown);
    auto result = bc.runner.run(sandbox::sandbox_command(kind, spec, command, env, log));
    if (result.exit_code != 0) {
      out.report = failure_report(pkg.name, what, shown, result.exit_code, log);
      return false;
    }
    return true;
  };
  for (const auto& command : build_commands(pkg, bc.toolchain.autotools_args())) {
    if (!run.command(command, command[0] == "patch"
                                  ? "patch " + fs::path(command.back()).filename().string()
                                  : "")) {
      return out;
    }
  }
  if (!pkg.build.steps.empty()) {
    StepsResult steps = run_steps(bc, pkg, inputs, paths, run);
    out.steps = steps.steps;
    if (!steps.ok) {
      return out;
    }
  }
  try {
    // A cross build that produced host binaries fails here, not at boot.
    toolchain::check_elf_arch(paths.dest, bc.arch);
  } catch (const Error& e) {
    out.report = fmt::format("build of {} failed: {}\n  hint: {}\n  log: {}\n", pkg.name, e.what(),
                             e.hint(), log.string());
    return out;
  }
  std::tie(out.artifact, out.manifest) = store_artifact(bc, pkg, paths, key);
  if (bc.trash != nullptr) {
    bc.trash->take(paths.root);
  } else {
    fs::remove_all(paths.root);
  }
  out.ok = true;
  return out;
}

void materialise(const BuildContext& bc, const std::string& name, const fs::path& artifact_tar) {
  fs::path dir = bc.build_dir / "packages" / arch_name(bc.arch) / name;
  fresh_dir(dir);
  unpack_archive(artifact_tar, dir, StripTop::no, Links::keep);
}

}  // namespace osbuild::build
