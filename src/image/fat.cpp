#include "osbuild/image/fat.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>

#include "osbuild/util/text.h"

namespace osbuild::image {

namespace {

std::uint32_t le(const std::string& b, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[at + i]);
  return v;
}

// "grubenv" → "GRUBENV    ", "grub.cfg" → "GRUB    CFG"; empty when it is no 8.3 name.
std::string short_name(const std::string& name) {
  auto dot = name.rfind('.');
  std::string base = dot == std::string::npos ? name : name.substr(0, dot);
  std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  if (base.empty() || base.size() > 8 || ext.size() > 3) return {};
  std::string out = base + std::string(8 - base.size(), ' ') + ext + std::string(3 - ext.size(), ' ');
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

class Fat {
 public:
  Fat(int fd, std::uint64_t offset, std::uint64_t size) : m_fd(fd), m_offset(offset), m_size(size) {}

  Result<bool> open() {
    auto boot = read(0, 512);
    if (!boot.ok()) return Failure{boot.error()};
    const std::string& b = boot.value();
    if (le(b, 510, 2) != 0xAA55) return Failure{"no FAT boot sector (signature 55 AA missing)"};
    m_sector = le(b, 11, 2);
    m_cluster_sectors = le(b, 13, 1);
    std::uint32_t reserved = le(b, 14, 2), fats = le(b, 16, 1);
    m_root_entries = le(b, 17, 2);
    std::uint32_t total = le(b, 19, 2) != 0 ? le(b, 19, 2) : le(b, 32, 4);
    std::uint32_t fat_sectors = le(b, 22, 2) != 0 ? le(b, 22, 2) : le(b, 36, 4);
    if (m_sector < 512 || m_sector > 4096 || m_cluster_sectors == 0 || fats == 0 ||
        fat_sectors == 0 || std::uint64_t{total} * m_sector > m_size) {
      return Failure{"the FAT boot sector's geometry does not fit the partition"};
    }
    m_fat_at = std::uint64_t{reserved} * m_sector;
    m_root_at = m_fat_at + std::uint64_t{fats} * fat_sectors * m_sector;
    std::uint64_t root_sectors = (m_root_entries * 32ull + m_sector - 1) / m_sector;
    m_data_at = m_root_at + root_sectors * m_sector;
    m_clusters = (total - m_data_at / m_sector) / m_cluster_sectors;
    m_bits = m_clusters < 4085 ? 12 : m_clusters < 65525 ? 16 : 32;
    m_root_cluster = m_bits == 32 ? le(b, 44, 4) : 0;
    auto fat = read(m_fat_at, std::uint64_t{fat_sectors} * m_sector);
    if (!fat.ok()) return Failure{fat.error()};
    m_fat = std::move(fat).value();
    return true;
  }

  // The byte ranges of a cluster chain.
  Result<std::vector<std::pair<std::uint64_t, std::uint64_t>>> chain(std::uint32_t first) const {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    std::uint64_t bytes = std::uint64_t{m_cluster_sectors} * m_sector;
    for (std::uint32_t c = first; !end_of_chain(c);) {
      if (c < 2 || c >= m_clusters + 2 || out.size() > m_clusters) {
        return Failure{fmt::format("a damaged cluster chain (cluster {})", c)};
      }
      out.emplace_back(m_data_at + std::uint64_t{c - 2} * bytes, bytes);
      c = next(c);
    }
    return out;
  }

  Result<FatFile> find(const std::string& path) const {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> dir;
    if (m_bits == 32) {
      auto root = chain(m_root_cluster);
      if (!root.ok()) return Failure{root.error()};
      dir = root.value();
    } else {
      dir = {{m_root_at, m_root_entries * 32ull}};
    }
    auto parts = split(path, '/');
    for (std::size_t i = 0; i < parts.size(); ++i) {
      auto entry = lookup(dir, parts[i]);
      if (!entry.ok()) return Failure{entry.error()};
      auto [cluster, size, is_dir] = entry.value();
      if (is_dir != (i + 1 < parts.size())) {
        return Failure{fmt::format("{} is {}", parts[i], is_dir ? "a folder" : "not a folder")};
      }
      dir.clear();
      if (cluster != 0) {  // an empty file has no cluster
        auto extents = chain(cluster);
        if (!extents.ok()) return Failure{extents.error()};
        dir = extents.value();
      }
      if (!is_dir) return trimmed(dir, size);
    }
    return Failure{"an empty path"};
  }

 private:
  struct Entry {
    std::uint32_t cluster;
    std::uint32_t size;
    bool dir;
  };

  Result<Entry> lookup(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& dir,
                       const std::string& name) const {
    std::string want = short_name(name);
    for (const auto& [at, length] : dir) {
      auto bytes = read(at, length);
      if (!bytes.ok()) return Failure{bytes.error()};
      const std::string& d = bytes.value();
      for (std::size_t e = 0; e + 32 <= d.size(); e += 32) {
        auto first = static_cast<unsigned char>(d[e]);
        if (first == 0) return Failure{"no " + name};
        std::uint32_t attr = le(d, e + 11, 1);
        if (first == 0xE5 || attr == 0x0F || (attr & 0x08) != 0) continue;
        if (d.compare(e, 11, want) != 0) continue;
        return Entry{le(d, e + 20, 2) << 16 | le(d, e + 26, 2), le(d, e + 28, 4),
                     (attr & 0x10) != 0};
      }
    }
    return Failure{"no " + name};
  }

  static FatFile trimmed(std::vector<std::pair<std::uint64_t, std::uint64_t>> extents,
                         std::uint64_t size) {
    FatFile file{size, {}};
    for (auto [at, length] : extents) {
      if (size == 0) break;
      file.extents.emplace_back(at, std::min(length, size));
      size -= std::min(length, size);
    }
    return file;
  }

  bool end_of_chain(std::uint32_t c) const {
    std::uint32_t eoc = m_bits == 12 ? 0xFF8 : m_bits == 16 ? 0xFFF8 : 0x0FFFFFF8;
    return c >= eoc || c == 0;
  }

  std::uint32_t next(std::uint32_t c) const {
    if (m_bits == 12) {
      std::size_t at = c + c / 2;
      if (at + 2 > m_fat.size()) return 0xFFF;
      std::uint32_t v = le(m_fat, at, 2);
      return c % 2 == 1 ? v >> 4 : v & 0xFFF;
    }
    std::size_t at = std::size_t{c} * (m_bits / 8);
    if (at + m_bits / 8 > m_fat.size()) return 0x0FFFFFFF;
    return m_bits == 16 ? le(m_fat, at, 2) : le(m_fat, at, 4) & 0x0FFFFFFF;
  }

  Result<std::string> read(std::uint64_t at, std::uint64_t length) const {
    if (at + length > m_size) return Failure{"a FAT structure lies past the end of the partition"};
    std::string out(length, '\0');
    if (::pread(m_fd, out.data(), length, static_cast<off_t>(m_offset + at)) !=
        static_cast<ssize_t>(length)) {
      return Failure{"cannot read the partition"};
    }
    return out;
  }

  int m_fd;
  std::uint64_t m_offset, m_size;
  std::uint32_t m_sector = 512, m_cluster_sectors = 1, m_root_entries = 0, m_root_cluster = 0;
  std::uint64_t m_fat_at = 0, m_root_at = 0, m_data_at = 0, m_clusters = 0;
  int m_bits = 12;
  std::string m_fat;
};

}  // namespace

Result<FatFile> locate_fat_file(int fd, std::uint64_t offset, std::uint64_t size,
                                const std::string& path) {
  Fat fat(fd, offset, size);
  auto opened = fat.open();
  if (!opened.ok()) return Failure{opened.error()};
  return fat.find(path);
}

}  // namespace osbuild::image
