// What a disk image says of itself: its banks (GPT), which bank runs (the boot-state record), and
// the identity its active root file system carries (update.h).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <toml++/toml.h>

#include "osbuild/image/erofs.h"
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

// Reads one file of the root file system of `bank`: erofs by osbuild's own reader, squashfs and
// ext4 through their tools at the partition's offset. Nothing is extracted or copied.
class RootReader {
 public:
  RootReader(int fd, const Bank& bank, const fs::path& disk, process::Runner& runner)
      : m_fd(fd), m_bank(bank), m_disk(disk), m_runner(runner) {
    std::string head = image::pread_exact(fd, bank.root.offset(), 2048, disk.string());
    if (image::read_le(head, 1024, 4) == image::k_erofs_magic) {
      m_type = "erofs";
    } else if (head.compare(0, 4, "hsqs") == 0) {
      m_type = "squashfs";
    } else if (image::read_le(head, 1024 + 56, 2) == 0xEF53) {
      m_type = "ext4";
    } else {
      throw Error(fmt::format("{}: {} holds no erofs, squashfs or ext4", disk.string(), bank.root.name),
                  k_not_ours_hint);
    }
  }

  // The file's bytes, or a Failure saying why there are none.
  Result<std::string> read(const char* file) const {
    std::string what = fmt::format("the {} root of bank {} on {}", m_type, m_bank.letter, m_disk.string());
    if (m_type == "erofs") return image::erofs_read_file(m_fd, m_bank.root.offset(), file, what);
    process::Command cmd;
    std::string offset = std::to_string(m_bank.root.offset());
    if (m_type == "squashfs") {
      cmd.argv = {"unsquashfs", "-o", offset, "-cat", m_disk.string(), file};
    } else {
      cmd.argv = {"debugfs", "-R", std::string("cat /") + file, m_disk.string() + "?offset=" + offset};
    }
    cmd.out = process::Sink::capture;
    cmd.err = process::Sink::capture;
    cmd.capture_limit = 64 << 20;
    cmd.time_limit = std::chrono::minutes(2);
    process::Result r = m_runner.run(cmd);
    if (r.exit_code == 127) {
      throw Error(fmt::format("cannot read {}: {} is missing", what, cmd.argv[0]),
                  "install squashfs-tools and e2fsprogs (scripts/install-deps.sh)");
    }
    // debugfs says "File not found" on stderr and exits 0.
    if (!r.ok() || r.err.find("not found") != std::string::npos) {
      return Failure{fmt::format("no /{} in {}: {}", file, what, r.err)};
    }
    return r.out;
  }

 private:
  int m_fd;
  const Bank& m_bank;
  const fs::path& m_disk;
  process::Runner& m_runner;
  std::string m_type;
};

std::string required(const RootReader& root, const char* file) {
  auto bytes = root.read(file);
  if (!bytes.ok()) {
    throw Error(bytes.error(),
                "the image was made by an osbuild that did not write what an update agent reads, "
                "or not by osbuild: rebuild it with `osbuild image`");
  }
  return bytes.value();
}

Identity identity_of(const RootReader& root, const Bank& bank, const fs::path& disk) {
  std::string origin = fmt::format("{} (bank {}) /{}", disk.string(), bank.letter, k_identity_path);
  Json j;
  try {
    j = Json::parse(required(root, k_identity_path));
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
  id.trusted_root = required(root, k_trusted_root_path);
  auto toml_text = root.read(k_updog_toml_path);
  if (toml_text.ok()) {
    try {
      toml::table t = toml::parse(toml_text.value());
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

Disk inspect_disk(const fs::path& path, process::Runner& runner) {
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
  const Bank& active = disk.banks.at(disk.active);
  disk.identity = identity_of(RootReader(fd.fd, active, path, runner), active, path);
  return disk;
}

}  // namespace osbuild::update
