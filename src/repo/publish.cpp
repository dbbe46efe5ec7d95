// `osbuild repo`: add a built image to the variant's TUF repository (docs/repo.md). Everything
// that can be wrong with the inputs is checked before a key is read or anything is signed.
#include <chrono>
#include <cstdio>

#include "osbuild/config/load.h"
#include "osbuild/repo/manifest.h"
#include "osbuild/util/text.h"
#include "osbuild/workspace/records.h"
#include "repo/stage.h"
#include "repo/writer.h"

namespace osbuild::repo {

namespace {

struct ImageInputs {
  fs::path dir;
  UpdateImages update;
  std::vector<std::pair<std::string, fs::path>> files;  // target name → file
  // Published lz4-compressed, only when asked (publish.disk-image): target name → raw disk file.
  std::vector<std::pair<std::string, fs::path>> disks;
};

enum class DiskImages { skip, publish };

std::string release_version(const Context& ctx, const RepoOptions& options) {
  if (!options.version.empty()) {
    auto v = parse_version(options.version);
    if (!v) {
      throw UsageError("version '" + options.version + "': " + v.error(),
                       "give a semver such as 1.4.0");
    }
    return v.value().str();
  }
  return ctx.project.release ? ctx.project.release->version.str()
                             : ctx.project.file.release_version.str();
}

// The update images are the targets, as pubsys publishes them; the disk image (and the split
// plan's data image), hundreds of MiB that an update never downloads, only when asked.
ImageInputs read_image(const Context& ctx, const std::string& variant, const std::string& arch,
                       const std::string& version, DiskImages disks) {
  ImageInputs in;
  in.dir = workspace::image_dir(ctx.build_dir(), parse_arch(arch).value_or_throw(), variant, version);
  std::string rebuild = "run osbuild image " + variant + " --arch " + arch + " first";
  if (!fs::exists(in.dir / "image.json")) {
    throw Error(
        "no image of variant " + variant + " for " + arch + " version " + version + ": " + rebuild,
        "`osbuild repo` publishes what `osbuild image` wrote to " +
            fs::relative(in.dir, ctx.root()).string() + "/");
  }
  workspace::ImageRecord record = workspace::read_image_record(in.dir, rebuild);
  std::vector<const char*> required{"boot", "root", "verity"};
  if (disks == DiskImages::publish) required.push_back("disk");
  for (const char* role : required) {
    if (record.files.count(role) == 0) {
      throw Error(record.path.string() + ": files." + role + " is missing",
                  "rebuild the image with `osbuild image`");
    }
  }
  in.update = {record.files.at("boot"), record.files.at("root"), record.files.at("verity")};
  for (const char* role : {"boot", "root", "verity"}) {
    in.files.emplace_back(record.files.at(role), record.file(role));
  }
  if (disks == DiskImages::publish) {
    for (const char* role : {"disk", "data"}) {
      if (record.files.count(role) == 0) continue;
      in.disks.emplace_back(record.files.at(role) + ".lz4", record.file(role));
    }
  }
  return in;
}

// Release.toml's migrations, each of which must exist in the project's migrations/ folder.
std::vector<std::pair<std::string, fs::path>> migration_files(const Context& ctx) {
  std::vector<std::pair<std::string, fs::path>> files;
  if (!ctx.project.release) {
    return files;
  }
  fs::path dir = ctx.root() / "migrations";
  config::check_migrations(*ctx.project.release, dir);
  for (const auto& m : ctx.project.release->migrations) {
    for (const auto& name : m.files) {
      files.emplace_back(name, dir / name);
    }
  }
  return files;
}

void warn_expired(const detail::Setup& setup, const LoadedRepo& repo) {
  auto warn = [&](const Common& role, const char* name) {
    if (role.expires <= setup.now) {
      std::fprintf(stderr,
                   "osbuild: warning: the existing %s role expired on %s; this publish "
                   "re-signs it\n",
                   name, format_rfc3339(role.expires).c_str());
    }
  };
  warn(repo.targets, "targets");
  warn(repo.snapshot, "snapshot");
  warn(repo.timestamp, "timestamp");
}

}  // namespace

PublishSummary run_repo(const Context& ctx, const RepoOptions& options) {
  detail::repo_name(ctx);
  detail::check_policy_ahead(
      ctx, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  std::string variant =
      options.target.variant.empty() ? ctx.settings.str("variant") : options.target.variant;
  if (variant.empty()) {
    throw UsageError("no variant given", "name one: `osbuild repo dev`, or set BUILDSYS_VARIANT");
  }
  ctx.project.variant(variant);
  std::string arch = ctx.settings.str("arch");
  std::string version = release_version(ctx, options);
  auto disks = ctx.settings.boolean("publish.disk-image") ? DiskImages::publish : DiskImages::skip;
  ImageInputs image = read_image(ctx, variant, arch, version, disks);
  auto migrations = migration_files(ctx);
  auto waves = detail::wave_policy(ctx);

  RepoTarget target = options.target;
  target.variant = variant;
  detail::Setup setup = detail::open_setup(ctx, target, detail::NeedKeys::yes);
  FileLock lock = detail::lock_output(setup);
  LoadOptions load{Expiry::ignore, setup.now, detail::read_trust(setup.trust_file)};
  auto existing = load_repository(*setup.transport, setup.source, setup.anchor, load);

  std::vector<Metadata> chain{setup.anchor};
  RootRole root = verify_self_signed_root(setup.anchor, "the trusted root");
  TargetsRole targets;
  TrustedVersions previous;
  Json manifest = empty_manifest();
  if (existing) {
    warn_expired(setup, *existing);
    chain = existing->root_chain;
    root = existing->root;
    targets = existing->targets;
    previous = existing->versions();
    if (targets.targets.count("manifest.json")) {
      manifest = parse_manifest(
          fetch_target_text(*setup.transport, setup.source, targets, "manifest.json",
                            layout_of(existing->root)),
          "manifest.json");
    }
  }
  std::string root_origin = existing ? std::to_string(root.version) + ".root.json"
                                     : "the trusted root " + setup.config.root_role_url.value_or(
                                                                 "roles/" + setup.repo_name +
                                                                 ".root.json");
  if (options.target.root) {
    chain.push_back(detail::read_rotated_root(*options.target.root, root));
    root = parse_root(chain.back().body, options.target.root->string());
    root_origin = options.target.root->string();
  }
  // Everything that could leave a repository clients refuse is checked before the first write.
  detail::check_root_alive(root, root_origin, options.target.root.has_value(), setup.now);
  detail::check_signing_keys(setup.keys, root);
  Layout layout = layout_of(root);
  auto parsed_version = parse_version(version).value_or_throw();
  if (has_update(manifest, variant, arch, parsed_version) && options.force == Force::no) {
    throw Error("version " + version + " of " + variant + " for " + arch +
                    " is already in repository '" + setup.repo_name + "' (" +
                    setup.source.metadata_url + ")",
                "publish a new version (raise version in Release.toml), or replace it with "
                "`osbuild repo " +
                    variant + " --force`");
  }
  add_update(manifest, {variant, arch, parsed_version, image.update}, waves, setup.start);
  set_migrations(manifest, ctx.project.release ? &*ctx.project.release : nullptr);

  PublishSummary summary;
  auto add = [&](const std::string& name, const detail::StoredTarget& stored) {
    targets.targets[name] = stored.file;
    if (stored.added()) {
      summary.bytes += stored.file.length;
      ++summary.new_targets;
    }
  };
  for (const auto& files : {image.files, migrations}) {
    for (const auto& [name, path] : files) {
      add(name, detail::store_target(setup.targets_dir, name, path, layout));
    }
  }
  for (const auto& [name, path] : image.disks) {
    add(name, detail::store_target_lz4(setup.targets_dir, name, path, layout,
                                       process::system_runner()));
  }
  add("manifest.json", detail::store_target_bytes(setup.targets_dir, "manifest.json",
                                                  manifest_text(manifest), layout));
  fsync_directory(setup.targets_dir);

  TrustedVersions written = detail::commit_metadata(setup, chain, root, targets, previous,
                                                    existing ? &existing->snapshot : nullptr);
  summary.output = setup.output;
  summary.metadata_dir = setup.metadata_dir;
  summary.version = version;
  summary.total_targets = targets.targets.size();
  summary.created = !existing;
  summary.timestamp_version = written.timestamp;
  return summary;
}

}  // namespace osbuild::repo
