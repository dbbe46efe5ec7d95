// `[[build.step]]` chains, cached step by step (cargo-chef's recipe for any language): each step's
// key covers only its declared inputs and the steps before it, and its result is a snapshot of the
// work tree, so changing a source file reuses every step that did not declare it.
#include <fmt/format.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "osbuild/util/archive.h"
#include "osbuild/graph/action_key.h"
#include "osbuild/util/error.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"
#include "package_build.h"

namespace osbuild::build {

using archives::Links;
using archives::StripTop;
using archives::unpack_archive;
using archives::write_tree_tar;

namespace {

constexpr std::string_view k_sources_prefix = "$OSBUILD_SOURCES/";

bool is_glob(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

// Every regular file and symlink below `dir`, as paths relative to it, sorted.
std::vector<std::string> files_below(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) {
    return out;
  }
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_symlink() || it->is_regular_file()) {
      out.push_back(fs::relative(it->path(), dir).generic_string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string entry_digest(const fs::path& path) {
  if (fs::is_symlink(path)) {
    return "symlink:" + fs::read_symlink(path).string();
  }
  auto digest = hash_file(path, HashAlgorithm::sha256);
  if (!digest.ok()) {
    throw Error(digest.error(), "check the file is readable");
  }
  bool exec = (fs::status(path).permissions() & fs::perms::owner_exec) != fs::perms::none;
  return (exec ? "x:" : "") + digest.value();
}

// The digests of what one step declares: `inputs` entries are paths or globs relative to the work
// dir (the step's current directory), or below `$OSBUILD_SOURCES/`. A folder stands for every file
// below it. An entry that matches nothing is an error: a typo would otherwise key nothing.
Json declared_inputs(const config::Package& pkg, const config::BuildStep& step,
                     const BuildPaths& paths) {
  Json out = Json::object();
  std::map<fs::path, std::vector<std::string>> listed;  // each root walked once, for globs
  for (const auto& entry : step.inputs) {
    bool in_sources = entry.rfind(k_sources_prefix, 0) == 0;
    fs::path root = in_sources ? paths.sources : paths.work;
    std::string pattern = in_sources ? entry.substr(k_sources_prefix.size()) : entry;
    std::size_t before = out.size();
    if (is_glob(pattern)) {
      auto [it, fresh] = listed.try_emplace(root);
      if (fresh) {
        it->second = files_below(root);
      }
      for (const auto& rel : it->second) {
        if (::fnmatch(pattern.c_str(), rel.c_str(), FNM_PATHNAME) == 0) {
          out[(in_sources ? std::string(k_sources_prefix) : "") + rel] = entry_digest(root / rel);
        }
      }
    } else if (fs::is_directory(root / pattern) && !fs::is_symlink(root / pattern)) {
      for (const auto& rel : files_below(root / pattern)) {
        out[entry + "/" + rel] = entry_digest(root / pattern / rel);
      }
    } else if (fs::exists(fs::symlink_status(root / pattern))) {
      out[entry] = entry_digest(root / pattern);
    }
    if (out.size() == before) {
      throw Error(fmt::format("{}: package {}: step '{}' declares input '{}', which matches no "
                              "file {}",
                              step.where.str(), pkg.name, step.name, entry,
                              in_sources ? "among the sources" : "in the unpacked sources"),
                  "inputs are relative to the step's current directory (the unpacked, patched "
                  "sources, before any step runs) or start with $OSBUILD_SOURCES/; fix the path "
                  "or remove it");
    }
  }
  return out;
}

// What every step of the package shares: the package's inputs without its sources and package
// files (each step names the files it reads) and without the step list itself (each step's key
// chains to the one before it instead).
Json step_base(const Json& package_inputs, const config::Package& pkg) {
  Json base = package_inputs;
  base.erase("sources");
  base.erase("source-groups");
  base.erase("package-files");
  base["recipe"].erase("steps");
  Json patches = Json::object();
  for (const auto& patch : pkg.build.patches) {
    patches[patch] = entry_digest(pkg.dir / patch);
  }
  base["patches"] = patches;
  return base;
}

// Overlays the freshly unpacked sources onto a restored snapshot: files whose bytes changed (or
// that are new) are copied in and marked newer than everything restored, so make-style tools see
// exactly what changed; what the earlier steps produced stays.
void overlay_fresh_sources(const fs::path& fresh, const fs::path& restored) {
  auto now = fs::file_time_type::clock::now();
  for (const auto& rel : files_below(fresh)) {
    fs::path from = fresh / rel;
    fs::path to = restored / rel;
    bool same = fs::exists(fs::symlink_status(to)) && fs::is_symlink(from) == fs::is_symlink(to) &&
                entry_digest(from) == entry_digest(to);
    if (same) {
      continue;
    }
    fs::create_directories(to.parent_path());
    fs::remove_all(to);
    if (fs::is_symlink(from)) {
      fs::copy_symlink(from, to);
    } else {
      fs::copy_file(from, to);
      fs::last_write_time(to, now);
    }
  }
}

struct Snapshot {
  std::string src;   // digest of the work tree's tar
  std::string dest;  // digest of the destdir's tar
};

std::optional<Snapshot> cached_snapshot(store::Store& store, const std::string& key) {
  auto result = store.get_action(key);
  if (!result || !result->contains("outputs")) {
    return std::nullopt;
  }
  Snapshot snap;
  for (const auto& output : (*result)["outputs"]) {
    std::string path = output.value("path", "");
    std::string digest = output.value("digest", "");
    if (!store.get_blob(digest)) {
      return std::nullopt;
    }
    (path == "src.tar" ? snap.src : snap.dest) = digest;
  }
  if (snap.src.empty() || snap.dest.empty()) {
    return std::nullopt;
  }
  return snap;
}

void store_snapshot(const BuildContext& bc, const BuildPaths& paths, const std::string& key,
                    const config::Package& pkg, const config::BuildStep& step) {
  Json outputs = Json::array();
  for (const auto& [name, dir] : {std::pair{"src.tar", paths.work}, {"dest.tar", paths.dest}}) {
    fs::path tar = paths.root / name;
    write_tree_tar(dir, tar, bc.source_date_epoch);
    auto size = fs::file_size(tar);
    outputs.push_back({{"path", name}, {"digest", bc.store.adopt_file(tar)}, {"size", size}});
  }
  bc.store.put_action(key, {{"outputs", outputs}, {"package", pkg.name}, {"step", step.name}});
}

void restore_snapshot(const BuildContext& bc, const BuildPaths& paths, const Snapshot& snap) {
  fs::path restored = paths.root / "restored";
  fs::remove_all(restored);
  fs::create_directories(restored);
  unpack_archive(*bc.store.get_blob(snap.src), restored, StripTop::no, Links::keep);
  overlay_fresh_sources(paths.work, restored);
  fs::remove_all(paths.work);
  fs::rename(restored, paths.work);
  fs::remove_all(paths.dest);
  fs::create_directories(paths.dest);
  unpack_archive(*bc.store.get_blob(snap.dest), paths.dest, StripTop::no, Links::keep);
}

}  // namespace

std::vector<std::string> step_keys(const config::Package& pkg, const Json& package_inputs,
                                   const BuildPaths& paths) {
  Json base = step_base(package_inputs, pkg);
  std::vector<std::string> keys;
  for (const auto& step : pkg.build.steps) {
    Json inputs = {{"package", step.inputs.empty() ? package_inputs : base},
                   {"step", {{"name", step.name}, {"run", step.run}, {"inputs", step.inputs}}},
                   {"files", declared_inputs(pkg, step, paths)},
                   {"previous", keys.empty() ? Json(nullptr) : Json(keys.back())}};
    keys.push_back(graph::action_key("build-step", inputs));
  }
  return keys;
}

StepsResult run_steps(const BuildContext& bc, const config::Package& pkg,
                      const Json& package_inputs, const BuildPaths& paths, const RunCommand& run) {
  StepsResult out;
  auto keys = step_keys(pkg, package_inputs, paths);
  const auto& steps = pkg.build.steps;
  // The longest prefix of steps with a cached snapshot; the last step's result is the package
  // artifact itself, so it has no snapshot of its own.
  std::size_t reuse = 0;
  std::optional<Snapshot> snap;
  for (std::size_t i = steps.size() - 1; i-- > 0;) {
    if (auto found = cached_snapshot(bc.store, keys[i])) {
      snap = found;
      reuse = i + 1;
      break;
    }
  }
  if (snap) {
    restore_snapshot(bc, paths, *snap);
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (i < reuse) {
      out.steps.push_back({steps[i].name, true});
      run.note(fmt::format("# step {}: reused ({})", steps[i].name, keys[i].substr(0, 12)));
      continue;
    }
    if (!run.command({"sh", "-c", steps[i].run}, "step " + steps[i].name)) {
      out.ok = false;
      return out;
    }
    out.steps.push_back({steps[i].name, false});
    if (i + 1 < steps.size()) {
      store_snapshot(bc, paths, keys[i], pkg, steps[i]);
    }
  }
  return out;
}

}  // namespace osbuild::build
