// What a disk image says of itself: its banks (GPT), which bank runs (the boot-state record), and
// the identity its active root file system carries (update.h).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <toml++/toml.h>

#include "osbuild/update/update.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::update {

namespace {

const char* const k_not_ours_hint =
    "give a raw disk image that `osbuild image` made for a variant with two banks (the "
    "`bottlerocket` partition plan)";

std::map<char, Bank> banks_of(const image::ReadGpt& gpt, const fs::path& disk) {
  std::map<char, Bank> banks;
  for (char letter : {'A', 'B'}) {
    auto part = [&](const char* role) -> const image::ReadPartition* {
      return gpt.find(fmt::format("BOTTLEROCKET-{}-{}", role, letter));
    };
    if (!part("BOOT") || !part("ROOT") || !part("HASH")) {
      throw Error(fmt::format("{} is not an osbuild A/B disk: it has no BOTTLEROCKET-BOOT-{}, "
                              "-ROOT-{} and -HASH-{} partitions",
                              disk.string(), letter, letter, letter),
                  k_not_ours_hint);
    }
    banks[letter] = Bank{letter, *part("BOOT"), *part("ROOT"), *part("HASH")};
  }
  return banks;
}

// The bank that runs: the first of boot_order that has booted successfully.
char active_bank(const image::BootState& state, const fs::path& disk) {
  auto order = state.find("boot_order");
  if (order != state.end()) {
    for (char c : order->second) {
      auto ok = state.find(std::string(1, c) + "_ok");
      if (ok != state.end() && ok->second == "1") return c;
    }
  }
  throw Error(fmt::format("{}: no bank has booted successfully (boot-state: {})", disk.string(),
                          image::boot_state_text(state).substr(0, 80)),
              "boot the disk until a bank is marked good, or mark one with `osbuild image "
              "boot-state DISK --mark-good A`");
}

// The bytes of the file system on a ROOT partition: erofs (superblock at 1024) or squashfs.
struct RootFs {
  std::string type;
  std::uint64_t size = 0;
};

RootFs root_fs_of(int fd, const image::ReadPartition& root, const fs::path& disk) {
  std::string head = image::pread_exact(fd, root.offset(), 4096, disk.string());
  if (image::read_le(head, 1024, 4) == 0xE0F5E1E2) {
    unsigned blkszbits = static_cast<unsigned char>(head[1024 + 12]);
    std::uint64_t blocks = image::read_le(head, 1024 + 36, 4);
    if (blkszbits < 9 || blkszbits > 16) throw Error(disk.string() + ": a damaged erofs superblock on " + root.name);
    return {"erofs", blocks << blkszbits};
  }
  if (head.compare(0, 4, "hsqs") == 0) return {"squashfs", image::read_le(head, 40, 8)};
  throw Error(fmt::format("{}: {} holds neither erofs nor squashfs", disk.string(), root.name),
              k_not_ours_hint);
}

// Copies `length` bytes at `offset` of the disk into a new file, keeping holes as holes.
void copy_range(int fd, std::uint64_t offset, std::uint64_t length, const fs::path& out_path,
                const fs::path& disk) {
  Fd out{::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
  if (out.fd < 0) throw Error(fmt::format("cannot write {}: {}", out_path.string(), std::strerror(errno)));
  if (::ftruncate(out.fd, static_cast<off_t>(length)) != 0) {
    throw Error(fmt::format("cannot size {}: {}", out_path.string(), std::strerror(errno)));
  }
  std::string buffer(1 << 20, '\0');
  for (std::uint64_t done = 0; done < length;) {
    auto data = ::lseek(fd, static_cast<off_t>(offset + done), SEEK_DATA);
    if (data < 0 || static_cast<std::uint64_t>(data) >= offset + length) break;  // only holes left
    auto hole = ::lseek(fd, data, SEEK_HOLE);
    std::uint64_t end = std::min<std::uint64_t>(offset + length, static_cast<std::uint64_t>(hole));
    for (auto at = static_cast<std::uint64_t>(data); at < end;) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), end - at));
      std::string piece = image::pread_exact(fd, at, n, disk.string());
      if (::pwrite(out.fd, piece.data(), n, static_cast<off_t>(at - offset)) != static_cast<ssize_t>(n)) {
        throw Error(fmt::format("cannot write {}: {}", out_path.string(), std::strerror(errno)));
      }
      at += n;
    }
    done = end - offset;
  }
}

// Extracts the root file system of `bank` into `dir`.
void extract_root(int fd, const Bank& bank, const fs::path& disk, process::Runner& runner,
                  const fs::path& scratch, const fs::path& dir) {
  RootFs rootfs = root_fs_of(fd, bank.root, disk.string());
  if (rootfs.size == 0 || rootfs.size > bank.root.size()) {
    throw Error(fmt::format("{}: the {} on {} claims {} bytes in a {}-byte partition", disk.string(),
                            rootfs.type, bank.root.name, rootfs.size, bank.root.size()));
  }
  fs::path image = scratch / ("root." + rootfs.type);
  copy_range(fd, bank.root.offset(), rootfs.size, image, disk.string());
  process::Command cmd;
  if (rootfs.type == "erofs") {
    cmd.argv = {"fsck.erofs", "--extract=" + dir.string(), "--no-preserve", image.string()};
  } else {
    cmd.argv = {"unsquashfs", "-no-xattrs", "-quiet", "-no-progress", "-d", dir.string(), image.string()};
  }
  cmd.out = process::Sink::capture;
  cmd.err = process::Sink::same_as_stdout;
  cmd.time_limit = std::chrono::minutes(10);
  process::Result r = runner.run(cmd);
  if (!r.ok()) {
    throw Error(fmt::format("cannot read the {} root file system of bank {} on {}: {} exited with "
                            "{}: {}",
                            rootfs.type, bank.letter, disk.string(), cmd.argv[0], r.exit_code, r.out),
                r.exit_code == 127 ? "install erofs-utils and squashfs-tools" : "");
  }
  std::error_code ec;
  fs::remove(image, ec);
}

std::string read_from_root(const fs::path& root, const char* file, const Bank& bank,
                           const fs::path& disk) {
  fs::path path = root / file;
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(path, ec))) {
    throw Error(fmt::format("{}: the root file system of bank {} has no /{}", disk.string(),
                            bank.letter, file),
                "the image was made by an osbuild that did not write what an update agent reads, "
                "or not by osbuild: rebuild it with `osbuild image`");
  }
  return read_file_or_throw(path);
}

Identity identity_of(const fs::path& root, const Bank& bank, const fs::path& disk) {
  std::string origin = fmt::format("{} (bank {}) /{}", disk.string(), bank.letter, k_identity_path);
  Json j;
  try {
    j = Json::parse(read_from_root(root, k_identity_path, bank, disk));
  } catch (const Json::exception& e) {
    throw Error(origin + ": " + e.what());
  }
  Identity id;
  for (auto [key, field] : {std::pair{"name", &id.name}, {"variant", &id.variant},
                            {"arch", &id.arch}, {"repo", &id.repo}}) {
    if (!j.contains(key) || !j[key].is_string()) throw Error(origin + ": no \"" + key + "\" string");
    *field = j[key].get<std::string>();
  }
  if (!j.contains("version") || !j["version"].is_string()) throw Error(origin + ": no \"version\" string");
  id.version = parse_version(j["version"].get<std::string>()).value_or_throw(origin);
  id.trusted_root = read_from_root(root, k_trusted_root_path, bank, disk.string());
  fs::path toml_path = root / k_updog_toml_path;
  std::error_code ec;
  if (fs::is_regular_file(fs::symlink_status(toml_path, ec))) {
    try {
      toml::table t = toml::parse_file(toml_path.string());
      id.metadata_base_url = t["metadata_base_url"].value_or(std::string());
      id.targets_base_url = t["targets_base_url"].value_or(std::string());
    } catch (const toml::parse_error& e) {
      throw Error(fmt::format("{} (bank {}) /{}: {}", disk.string(), bank.letter, k_updog_toml_path,
                              e.description()));
    }
  }
  return id;
}

}  // namespace

std::uint32_t seed_of(const image::Guid& disk_guid) {
  std::string digest = sha256_hex(disk_guid.str() + "\nosbuild update seed");
  return static_cast<std::uint32_t>(std::stoul(digest.substr(0, 8), nullptr, 16) % repo::k_max_seed);
}

Disk inspect_disk(const fs::path& path, process::Runner& runner, const fs::path& scratch) {
  Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) throw Error(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  Disk disk;
  disk.path = path;
  image::ReadGpt gpt = image::read_gpt(fd.fd, path.string());
  disk.disk_guid = gpt.disk_guid;
  disk.banks = banks_of(gpt, path);
  disk.state = image::read_boot_state(path);
  disk.active = active_bank(disk.state, path);
  disk.inactive = disk.active == 'A' ? 'B' : 'A';
  fs::path root = scratch / "active-root";
  extract_root(fd.fd, disk.banks.at(disk.active), path, runner, scratch, root);
  disk.identity = identity_of(root, disk.banks.at(disk.active), path);
  std::error_code ec;
  fs::remove_all(root, ec);
  return disk;
}

}  // namespace osbuild::update
