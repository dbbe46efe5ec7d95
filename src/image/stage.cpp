// The image stage: check what is asked, key it, and either reuse the cached image or make it.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "job.h"
#include "osbuild/graph/action_key.h"
#include "osbuild/image/disk.h"
#include "osbuild/image/esp.h"
#include "osbuild/image/filesystem.h"
#include "osbuild/image/image.h"
#include "osbuild/image/oci_layout.h"
#include "osbuild/process/process.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/text.h"

namespace osbuild::image {

namespace {

using Clock = std::chrono::steady_clock;

void check_arch(const config::Variant& variant, Arch arch) {
  const auto& supported = variant.supported_arches;
  if (supported.empty() || std::find(supported.begin(), supported.end(), arch) != supported.end()) {
    return;
  }
  std::vector<std::string> names;
  for (Arch a : supported) names.emplace_back(arch_name(a));
  throw UsageError(
      fmt::format("{}: variant {} does not support {} (supported-arches = [{}])",
                  variant.manifest.string(), variant.name, arch_name(arch), join(names, ", ")),
      fmt::format("pass --arch {}, or add \"{}\" to supported-arches", names.front(),
                  arch_name(arch)));
}

ImagePlan plan_or_throw(const config::Variant& variant) {
  auto plan = plan_image(variant.image);
  if (!plan.ok()) {
    throw Error(fmt::format("{}: {}", variant.manifest.string(), plan.error()),
                "change [variant.image] in " + variant.manifest.string());
  }
  return std::move(plan).value();
}

std::string project_version(const config::Project& project) {
  return project.release ? project.release->version.str() : project.file.release_version.str();
}

void check_record(const VariantRecord& record, const std::string& version, const std::string& name) {
  if (record.release_version != version || record.os_name != name) {
    throw Error(
        fmt::format("{}: the build is of {} {} but the project is {} {}", record.path.string(),
                    record.os_name, record.release_version, name, version),
        fmt::format("run osbuild build variant {} --arch {} again", record.variant, record.arch));
  }
}

std::vector<std::string> tools_needed(const config::ImageSettings& s) {
  auto out = filesystem_tools(s.root_filesystem);
  for (const char* t : {"mkfs.ext4", "debugfs", "lz4", "mkfs.fat", "mmd", "mcopy", "grub-mkimage"})
    out.emplace_back(t);
  if (s.format != config::ImageFormat::raw) out.emplace_back("qemu-img");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Json image_inputs(const ImageJob& job, Json tools) {
  const auto& s = job.variant.image;
  Json packages = Json::object();
  Json build_depends = Json::object();  // the SBOM's static links read their artifacts
  for (const auto* pkg : job.closure) {
    packages[pkg->name] = pkg->artifact;
    for (const auto& dep : pkg->depends) {
      auto it = job.record.packages.find(dep);
      if (it != job.record.packages.end()) build_depends[dep] = it->second.artifact;
    }
  }
  return {{"variant", job.variant.name},
          {"arch", arch_name(job.arch)},
          {"os-name", job.os_name},
          {"release-version", job.version},
          {"source-date-epoch", job.epoch},
          {"settings",
           {{"format", config::image_format_name(s.format)},
            {"root-filesystem", config::root_filesystem_name(s.root_filesystem)},
            {"os-image-size-mib", s.os_image_size_mib},
            {"data-image-size-mib", s.data_image_size_mib},
            {"partition-plan", config::partition_plan_name(s.partition_plan)},
            {"in-place-updates", s.in_place_updates}}},
          {"kernel-parameters", job.variant.kernel_parameters},
          {"packages", packages},
          {"build-depends", build_depends},
          {"tools", std::move(tools)},
          {"grub", grub_identity(job.grub_modules)},
          {"update-agent",
           {{"repo", job.repo.name},
            {"root-sha256", sha256_hex(job.repo.root_json)},
            {"metadata-base-url", job.repo.metadata_base_url},
            {"targets-url", job.repo.targets_url}}}};
}

// Why the image is made: "no cached result" or the inputs that changed since the last one.
std::string explain(const fs::path& state, const Json& inputs) {
  auto text = read_file(state);
  Json old = text.ok() ? Json::parse(text.value(), nullptr, false) : Json();
  if (!old.is_object() || !old.contains("inputs")) return "no cached result";
  std::vector<std::string> changes;
  for (const auto& [field, value] : inputs.items()) {
    Json before = old["inputs"].value(field, Json());
    if (before == value) continue;
    if (value.is_object() && before.is_object()) {
      for (const auto& [name, v] : value.items()) {
        if (before.value(name, Json()) != v) changes.push_back(field + "." + name + " changed");
      }
      for (const auto& [name, v] : before.items()) {
        if (!value.contains(name)) changes.push_back(field + "." + name + " removed");
      }
    } else {
      changes.push_back(field + " changed");
    }
  }
  return changes.empty() ? "no cached result (the cache no longer holds it)" : join(changes, ", ");
}

// Files by role from a cached result, when every blob is still there.
std::optional<std::map<std::string, fs::path>> cached_files(store::Store& store,
                                                            const std::string& key) {
  auto result = store.get_action(key);
  if (!result || !result->contains("outputs")) return std::nullopt;
  std::map<std::string, fs::path> files;
  for (const auto& out : (*result)["outputs"]) {
    auto blob = store.get_blob(out.at("digest").get<std::string>());
    if (!blob) return std::nullopt;
    files[out.at("path").get<std::string>()] = *blob;
  }
  return files;
}

// The version folder holds exactly these files with these digests.
bool outputs_current(const fs::path& dir, const std::string& key) {
  auto record = workspace::find_image_record(dir);
  if (!record || record->key != key) return false;
  for (const auto& [name, digest] : record->sha256) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / name, ec)) return false;
  }
  return true;
}

// Puts the files into build/images/<arch>-<variant>/<version>/ and points `latest` at it.
void publish(const fs::path& dir, const std::map<std::string, fs::path>& files) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [name, blob] : files) {
    copy_sparse(blob, dir / (name + ".tmp"));
    fs::permissions(dir / (name + ".tmp"), fs::perms(0644));
    fs::rename(dir / (name + ".tmp"), dir / name);
  }
  fs::path latest = dir.parent_path() / "latest";
  fs::path temp = dir.parent_path() / "latest.tmp";
  fs::remove(temp);
  fs::create_directory_symlink(dir.filename(), temp);
  fs::rename(temp, latest);
  fsync_directory(dir);
  fsync_directory(dir.parent_path());
}

// Every output into the store, image.json last (it names the others' digests).
std::map<std::string, fs::path> store_outputs(const ImageJob& job, const MadeImage& made,
                                              const std::string& key, Json& description) {
  std::map<std::string, std::string> digests;
  Json outputs = Json::array();
  std::map<std::string, fs::path> files;
  for (const char* role : {"disk", "data", "boot", "root", "verity", "sbom"}) {
    auto it = made.files.find(role);
    if (it == made.files.end()) continue;
    digests[role] = job.store.adopt_file(it->second);
    std::string name = output_name(job, role);
    outputs.push_back({{"path", name}, {"digest", digests[role]}});
    files[name] = job.store.blob_path(digests[role]);  // just hashed: no need to verify again
  }
  description = describe_image(job, made, digests, key);
  std::string text = description.dump(2) + "\n";
  std::string digest = job.store.put_bytes(text);
  outputs.push_back({{"path", "image.json"}, {"digest", digest}});
  files["image.json"] = job.store.blob_path(digest);
  job.store.put_action(key, {{"outputs", outputs}, {"image", job.prefix}});
  return files;
}

// What the image stage tells the user: a line on stdout, or with --json an event of stage
// "image" (docs/json.md).
class Report {
 public:
  explicit Report(const Context& ctx) : m_json(ctx.json()) {}
  void say(std::string_view event, const Json& fields, const std::string& line) const {
    if (m_json) {
      json_event("image", event, fields);
      return;
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }

 private:
  bool m_json;
};

// build/images/oci-<variant>/: the closure's artifacts as layers, in dependency order.
void write_oci(const ImageJob& job, const fs::path& build_dir, const Report& report) {
  OciRequest req;
  req.dir = build_dir / "images" / ("oci-" + job.variant.name);
  req.image = {job.arch, job.os_name, job.variant.name, job.version, job.epoch, {}};
  req.files = update_files(update_identity(job));
  for (const auto* pkg : dependency_order(job.closure)) {
    req.packages.emplace_back(pkg, artifact_of(job, *pkg));
  }
  OciResult result = write_oci_layout(req);
  report.say("oci",
             {{"dir", req.dir.string()},
              {"version", job.version},
              {"goarch", goarch(job.arch)},
              {"layers", result.layers}},
             fmt::format("wrote OCI image oci:{}:{} ({}, {} layers)", req.dir.string(), job.version,
                         goarch(job.arch), result.layers));
}

}  // namespace

ImageSummary run_image(const Context& ctx, const ImageOptions& options) {
  const auto& variant = ctx.project.variant(options.variant);
  Arch arch = ctx.settings.arch();
  check_arch(variant, arch);
  ImagePlan plan = plan_or_throw(variant);
  FileLock lock = lock_workspace(ctx.build_dir());
  Report report(ctx);
  VariantRecord record = workspace::read_variant_record(ctx.build_dir(), arch, variant.name);
  std::string version = project_version(ctx.project);
  check_record(record, version, ctx.project.file.name);
  if (!options.repo) {
    throw Error("internal: the image stage runs through pipeline::image, which resolves the "
                "repository the image will be published to");
  }
  RepoTrust repo = options.repo();
  store::Store store(ctx.cache_dir());
  std::string a(arch_name(arch));
  Tools tools(ctx.build_dir() / "logs" / a / ("image-" + variant.name + ".log"),
              record.source_date_epoch);
  std::string prefix = fmt::format("{}-{}-{}-{}", ctx.project.file.name, variant.name, a, version);
  ImageJob job{
      variant,
      record,
      runtime_closure(record),
      std::move(plan),
      arch,
      ctx.project.file.name,
      version,
      record.source_date_epoch,
      fmt::format("osbuild-image\n{}\n{}\n{}\n{}", ctx.project.file.name, variant.name, a, version),
      prefix,
      ctx.build_dir() / "work" / "image" / (a + "-" + variant.name),
      store,
      tools,
      checked_grub_modules(ctx.settings.str(grub_modules_setting(arch)), arch),
      std::move(repo)};
  Json inputs = image_inputs(job, tools.identity(tools_needed(variant.image)));
  std::string key = graph::action_key("image", inputs);
  ImageSummary summary{ImageOutcome::made,
                       workspace::image_dir(ctx.build_dir(), arch, variant.name, version), key};
  fs::path state = ctx.build_dir() / ".osbuild" / "state" / a / ("image-" + variant.name + ".json");
  if (options.force == Force::no) {
    if (auto files = cached_files(store, key)) {
      if (outputs_current(summary.dir, key)) {
        report.say("summary",
                   {{"image", prefix}, {"outcome", "up_to_date"}, {"dir", summary.dir.string()}},
                   "nothing to do: image " + prefix + " is up to date");
        summary.outcome = ImageOutcome::up_to_date;
        if (options.oci == Oci::yes) write_oci(job, ctx.build_dir(), report);
        return summary;
      }
      publish(summary.dir, *files);
      report.say("summary",
                 {{"image", prefix}, {"outcome", "restored"}, {"dir", summary.dir.string()}},
                 "image " + prefix + " restored from the cache into " + summary.dir.string());
      summary.outcome = ImageOutcome::restored;
      if (options.oci == Oci::yes) write_oci(job, ctx.build_dir(), report);
      return summary;
    }
  }
  if (options.explain == Explain::yes) {
    std::string reason = options.force == Force::yes ? "forced (--force)" : explain(state, inputs);
    report.say("explain", {{"image", prefix}, {"reason", reason}},
               "explain: image " + prefix + ": " + reason);
  }
  report.say("started", {{"image", prefix}, {"packages", job.closure.size()}},
             fmt::format("making image {} ({} packages)", prefix, job.closure.size()));
  process::InterruptGuard guard;
  auto start = Clock::now();
  MadeImage made = make_image(job);
  Json description;
  auto files = store_outputs(job, made, key, description);
  publish(summary.dir, files);
  fs::remove_all(job.work);
  fs::create_directories(state.parent_path());
  write_file_atomic(state, Json({{"key", key}, {"inputs", inputs}}).dump(1) + "\n",
                    Durability::cache);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  report.say("summary",
             {{"image", prefix},
              {"outcome", "made"},
              {"dir", summary.dir.string()},
              {"seconds", std::round(seconds * 1000) / 1000},
              {"root_hash", made.verity.root_hash}},
             fmt::format("made image {} in {:.1f}s: root hash {}\n  {}", prefix, seconds,
                         made.verity.root_hash, summary.dir.string()));
  if (options.oci == Oci::yes) write_oci(job, ctx.build_dir(), report);
  return summary;
}

}  // namespace osbuild::image
