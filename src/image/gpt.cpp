#include "osbuild/image/gpt.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "osbuild/util/hash.h"

namespace osbuild::image {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <typename T>
void put_le(std::string& out, std::size_t at, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out[at + i] = static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff);
  }
}

void put_bytes(std::string& out, std::size_t at, const std::array<std::uint8_t, 16>& bytes) {
  std::memcpy(out.data() + at, bytes.data(), bytes.size());
}

std::uint64_t total_sectors(const GptDisk& disk) {
  return disk.size_bytes / k_sector_size;
}

// The partition entry array, 128 entries of 128 bytes.
std::string entry_array(const GptDisk& disk) {
  std::string out(k_gpt_entries * k_gpt_entry_size, '\0');
  if (disk.partitions.size() > k_gpt_entries) {
    throw Error(fmt::format("{} partitions do not fit a GPT of {} entries", disk.partitions.size(),
                            k_gpt_entries));
  }
  for (std::size_t i = 0; i < disk.partitions.size(); ++i) {
    const auto& p = disk.partitions[i];
    std::size_t at = i * k_gpt_entry_size;
    put_bytes(out, at, p.type.on_disk());
    put_bytes(out, at + 16, p.guid.on_disk());
    put_le<std::uint64_t>(out, at + 32, p.first_lba);
    put_le<std::uint64_t>(out, at + 40, p.last_lba);
    put_le<std::uint64_t>(out, at + 48, p.attributes);
    for (std::size_t c = 0; c < p.name.size() && c < 36; ++c) {  // UTF-16LE of ASCII
      out[at + 56 + 2 * c] = p.name[c];
    }
  }
  return out;
}

// One 512-byte header; `primary` says which copy (they differ in my/alternate LBA and where the
// entries are).
std::string header(const GptDisk& disk, bool primary, std::uint32_t entries_crc) {
  std::uint64_t last = total_sectors(disk) - 1;
  std::string out(k_sector_size, '\0');
  std::memcpy(out.data(), "EFI PART", 8);
  put_le<std::uint32_t>(out, 8, 0x00010000);  // revision 1.0
  put_le<std::uint32_t>(out, 12, 92);         // header size
  put_le<std::uint64_t>(out, 24, primary ? 1 : last);
  put_le<std::uint64_t>(out, 32, primary ? last : 1);
  put_le<std::uint64_t>(out, 40, 1 + k_gpt_table_sectors);     // first usable LBA
  put_le<std::uint64_t>(out, 48, last - k_gpt_table_sectors);  // last usable LBA
  put_bytes(out, 56, disk.disk_guid.on_disk());
  put_le<std::uint64_t>(out, 72, primary ? 2 : last - k_gpt_table_sectors + 1);
  put_le<std::uint32_t>(out, 80, k_gpt_entries);
  put_le<std::uint32_t>(out, 84, k_gpt_entry_size);
  put_le<std::uint32_t>(out, 88, entries_crc);
  put_le<std::uint32_t>(out, 16, crc32(out.data(), 92));
  return out;
}

std::string protective_mbr(const GptDisk& disk) {
  std::string out(k_sector_size, '\0');
  std::uint64_t sectors = total_sectors(disk) - 1;
  out[446 + 1] = 0x00;  // CHS of the first sector: 0/0/2
  out[446 + 2] = 0x02;
  out[446 + 4] = static_cast<char>(0xee);  // GPT protective
  out[446 + 5] = static_cast<char>(0xff);
  out[446 + 6] = static_cast<char>(0xff);
  out[446 + 7] = static_cast<char>(0xff);
  put_le<std::uint32_t>(out, 446 + 8, 1);
  put_le<std::uint32_t>(out, 446 + 12,
                        static_cast<std::uint32_t>(std::min<std::uint64_t>(sectors, 0xffffffff)));
  out[510] = 0x55;
  out[511] = static_cast<char>(0xaa);
  return out;
}

void check_disk(const GptDisk& disk) {
  if (disk.size_bytes % k_sector_size != 0 || total_sectors(disk) < 2 * k_gpt_table_sectors + 2) {
    throw Error(fmt::format("a disk of {} bytes cannot hold a GPT", disk.size_bytes));
  }
}

}  // namespace

Result<Guid> Guid::parse(std::string_view text) {
  Guid g;
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return Failure{"expected '-' at position " + std::to_string(i + 1)};
      continue;
    }
    int hi = hex_value(text[i]);
    int lo = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    if (hi < 0 || lo < 0 || n >= 16) return Failure{"not a GUID: '" + std::string(text) + "'"};
    g.bytes[n++] = static_cast<std::uint8_t>(hi * 16 + lo);
    ++i;
  }
  if (n != 16 || text.size() != 36) return Failure{"not a GUID: '" + std::string(text) + "'"};
  return g;
}

std::string Guid::str() const {
  std::string hex = to_hex(bytes.data(), bytes.size());
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::array<std::uint8_t, 16> Guid::on_disk() const {
  std::array<std::uint8_t, 16> out = bytes;
  std::swap(out[0], out[3]);
  std::swap(out[1], out[2]);
  std::swap(out[4], out[5]);
  std::swap(out[6], out[7]);
  return out;
}

Guid derive_guid(std::string_view seed, std::string_view label) {
  std::string input(seed);
  input.push_back('\0');
  input.append(label);
  std::string hex = sha256_hex(input);
  Guid g;
  for (std::size_t i = 0; i < 16; ++i) {
    g.bytes[i] = static_cast<std::uint8_t>(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
  }
  g.bytes[6] = static_cast<std::uint8_t>((g.bytes[6] & 0x0f) | 0x40);  // version 4
  g.bytes[8] = static_cast<std::uint8_t>((g.bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return g;
}

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  const auto* p = static_cast<const std::uint8_t*>(data);
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

std::string gpt_primary(const GptDisk& disk) {
  check_disk(disk);
  std::string entries = entry_array(disk);
  return protective_mbr(disk) + header(disk, true, crc32(entries.data(), entries.size())) + entries;
}

std::string gpt_backup(const GptDisk& disk) {
  check_disk(disk);
  std::string entries = entry_array(disk);
  return entries + header(disk, false, crc32(entries.data(), entries.size()));
}

void write_gpt(int fd, const GptDisk& disk) {
  auto write_at = [fd](const std::string& bytes, std::uint64_t offset) {
    if (::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)) !=
        static_cast<ssize_t>(bytes.size())) {
      throw Error(fmt::format("cannot write the partition table: {}", std::strerror(errno)));
    }
  };
  write_at(gpt_primary(disk), 0);
  std::string backup = gpt_backup(disk);
  write_at(backup, disk.size_bytes - backup.size());
}

namespace {

// A GUID from its on-disk form (the swaps of on_disk() undo themselves).
Guid guid_at(const std::string& b, std::size_t at) {
  Guid g;
  std::memcpy(g.bytes.data(), b.data() + at, 16);
  g.bytes = g.on_disk();
  return g;
}

// The UTF-16LE name of an entry, ASCII kept, anything else as '?'.
std::string entry_name(const std::string& entry) {
  std::string name;
  for (std::size_t i = 56; i + 1 < 128; i += 2) {
    auto unit = static_cast<std::uint16_t>(read_le(entry, i, 2));
    if (unit == 0) break;
    name += unit < 0x80 ? static_cast<char>(unit) : '?';
  }
  return name;
}

}  // namespace

std::uint64_t read_le(std::string_view bytes, std::size_t at, int width) {
  std::uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

std::string pread_exact(int fd, std::uint64_t offset, std::size_t length, const std::string& what) {
  std::string out(length, '\0');
  errno = 0;
  if (::pread(fd, out.data(), length, static_cast<off_t>(offset)) != static_cast<ssize_t>(length)) {
    throw Error(fmt::format("cannot read {} at byte {}: {}", what, offset,
                            errno != 0 ? std::strerror(errno) : "short read"));
  }
  return out;
}

const ReadPartition* ReadGpt::find(std::string_view name) const {
  for (const auto& p : partitions) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const ReadPartition* ReadGpt::find_type(const Guid& type) const {
  for (const auto& p : partitions) {
    if (p.type == type) return &p;
  }
  return nullptr;
}

ReadGpt read_gpt(int fd, const std::string& disk) {
  std::string head = pread_exact(fd, 0, 1024, disk);
  if (head.compare(0, 4, "QFI\xfb") == 0 || head.compare(0, 4, "KDMV") == 0 ||
      head.compare(512, 8, "EFI PART") != 0) {
    throw Error(fmt::format("{} is not a raw disk image with a GPT", disk),
                "give the .img that `osbuild image` writes (qemu-img convert -O raw turns a "
                "qcow2 or vmdk into one)");
  }
  std::string hdr = head.substr(512, 512);
  auto header_size = static_cast<std::uint32_t>(read_le(hdr, 12, 4));
  if (header_size < 92 || header_size > 512) throw Error(disk + ": a damaged GPT header (size)");
  std::string checked = hdr.substr(0, header_size);
  std::memset(checked.data() + 16, 0, 4);
  if (crc32(checked.data(), checked.size()) != read_le(hdr, 16, 4)) {
    throw Error(disk + ": the primary GPT header fails its CRC32",
                "the disk is damaged or was not written by a GPT tool");
  }
  std::uint64_t entries_lba = read_le(hdr, 72, 8);
  auto count = static_cast<std::uint32_t>(read_le(hdr, 80, 4));
  auto size = static_cast<std::uint32_t>(read_le(hdr, 84, 4));
  if (size < 128 || size > 4096 || count > 1024) throw Error(disk + ": a damaged GPT header");
  std::string table = pread_exact(fd, entries_lba * k_sector_size, std::size_t{count} * size, disk);
  if (crc32(table.data(), table.size()) != read_le(hdr, 88, 4)) {
    throw Error(disk + ": the GPT partition entries fail their CRC32",
                "the disk is damaged or was not written by a GPT tool");
  }
  ReadGpt gpt;
  gpt.disk_guid = guid_at(hdr, 56);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string entry = table.substr(std::size_t{i} * size, 128);
    ReadPartition p;
    p.type = guid_at(entry, 0);
    if (p.type == Guid{}) continue;
    p.guid = guid_at(entry, 16);
    p.first_lba = read_le(entry, 32, 8);
    p.last_lba = read_le(entry, 40, 8);
    p.attributes = read_le(entry, 48, 8);
    p.name = entry_name(entry);
    p.number = i + 1;
    if (p.last_lba < p.first_lba) throw Error(fmt::format("{}: partition {} ends before it starts", disk, p.number));
    gpt.partitions.push_back(p);
  }
  return gpt;
}

std::uint64_t gptprio_attributes(unsigned priority, unsigned tries, bool successful) {
  return (static_cast<std::uint64_t>(priority & 0xf) << 48) |
         (static_cast<std::uint64_t>(tries & 0xf) << 52) |
         (static_cast<std::uint64_t>(successful ? 1 : 0) << 56);
}

}  // namespace osbuild::image
