// Applying an update to a disk image (update.h): read the disk, verify the repository from the
// root the disk trusts, choose, download and verify every image, then write the inactive bank and
// flip the boot-state record. Every refusal comes before the first byte is written.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "osbuild/repo/client.h"
#include "osbuild/repo/transport.h"
#include "osbuild/update/update.h"
#include "osbuild/util/archive.h"
#include "osbuild/util/fs.h"

namespace osbuild::update {

namespace {

// The repository's base URL: --repo (a URL, or a folder), else the disk's updog.toml.
repo::RepoLocation locate(const Request& request, const Identity& id) {
  std::string variant_dir = "metadata/" + id.variant + "/" + id.arch + "/";
  if (!request.repo_url.empty()) {
    std::string base = request.repo_url;
    if (base.find("://") == std::string::npos) base = repo::file_url(fs::absolute(base));
    return {repo::join_url(base, variant_dir), repo::join_url(base, "targets/")};
  }
  if (id.metadata_base_url.empty() || id.targets_base_url.empty()) {
    throw UsageError("the disk's /etc/updog.toml names no repository",
                     "pass --repo URL (the folder or URL holding metadata/ and targets/, such as "
                     "build/repos/default)");
  }
  auto slash = [](std::string u) { return u.empty() || u.back() == '/' ? u : u + "/"; };
  return {slash(id.metadata_base_url), slash(id.targets_base_url)};
}

bool all_zero(std::string_view data) {
  return std::all_of(data.begin(), data.end(), [](char c) { return c == 0; });
}

// Decompresses `file` into `part` of the disk. A piece of zeros becomes a hole where the file
// system can punch one (a raw image stays sparse); a piece past the partition's end stops it.
std::uint64_t write_image(int fd, const image::ReadPartition& part, const fs::path& file,
                          const std::string& target, const fs::path& disk) {
  std::uint64_t written = 0;
  archives::decompress_stream(
      file,
      [&](std::uint64_t at, std::string_view data) {
        if (at + data.size() > part.size()) {
          throw Error(fmt::format("update image {} is larger than partition {} ({} bytes) of {}: "
                                  "the inactive bank is partly written and not marked to boot",
                                  target, part.name, part.size(), disk.string()),
                      "the update was built for another partition plan; publish one made for "
                      "this disk's layout");
        }
        auto offset = static_cast<off_t>(part.offset() + at);
        if (all_zero(data) && ::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset,
                                          static_cast<off_t>(data.size())) == 0) {
          written += data.size();
          return;
        }
        if (::pwrite(fd, data.data(), data.size(), offset) != static_cast<ssize_t>(data.size())) {
          throw Error(fmt::format("cannot write {} into {} of {}: {}", target, part.name,
                                  disk.string(), std::strerror(errno)));
        }
        written += data.size();
      },
      target);
  return written;
}

}  // namespace

Outcome apply_update(const config::Settings& settings, process::Runner& runner,
                     const Request& request) {
  Disk disk = inspect_disk(request.disk, runner);
  const Identity& id = disk.identity;
  Time now = request.now.value_or(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));

  repo::RepoLocation where = locate(request, id);
  repo::Metadata trusted = repo::Metadata::parse(
      id.trusted_root, fmt::format("{} (bank {}) /{}", request.disk.string(), disk.active, k_trusted_root_path));
  auto transport = repo::make_transport(settings);
  repo::LoadOptions options;
  options.now = now;
  auto loaded = repo::load_repository(*transport, where, trusted, options);
  if (!loaded) {
    throw Error(fmt::format("no repository for variant {} on {} at {} (no timestamp.json)",
                            id.variant, id.arch, where.metadata_url),
                "the disk is " + id.variant + " for " + id.arch +
                    ": give the repository that `osbuild repo " + id.variant + " --arch " + id.arch +
                    "` published");
  }
  Json manifest = repo::parse_manifest(
      repo::fetch_target_text(*transport, where, loaded->targets, "manifest.json",
                              repo::layout_of(loaded->root)),
      where.targets_url + "manifest.json");
  auto choices = candidates(manifest, id.variant, id.arch, seed_of(disk.disk_guid));
  Outcome outcome = choose(disk, choices, request, now);
  if (outcome.verdict != Verdict::updated) return outcome;

  // Every image is downloaded and checked before the disk is opened for writing.
  const Candidate* pick = nullptr;
  for (const auto& c : choices) {
    if (c.version == outcome.to) pick = &c;
  }
  const Bank& bank = disk.banks.at(disk.inactive);
  const std::pair<const std::string*, const image::ReadPartition*> plan[] = {
      {&pick->images.boot, &bank.boot}, {&pick->images.root, &bank.root}, {&pick->images.hash, &bank.hash}};
  TempDir scratch("osbuild-update");
  std::vector<fs::path> files;
  for (const auto& [target, part] : plan) {
    files.push_back(scratch.path() / (part->name + ".lz4"));
    repo::download_target(*transport, where, *loaded, *target, files.back());
  }

  Fd fd{::open(request.disk.c_str(), O_RDWR | O_CLOEXEC)};
  if (fd.fd < 0) {
    throw Error(fmt::format("cannot write {}: {}", request.disk.string(), std::strerror(errno)));
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    outcome.bytes_written += write_image(fd.fd, *plan[i].second, files[i], *plan[i].first, request.disk);
  }
  if (::fsync(fd.fd) != 0) {
    throw Error(fmt::format("cannot sync {}: {}", request.disk.string(), std::strerror(errno)));
  }
  // Last: until the record says so, the disk boots the bank it booted before.
  outcome.state = image::try_bank(disk.state, disk.inactive);
  image::write_boot_state(request.disk, outcome.state);
  return outcome;
}

}  // namespace osbuild::update
