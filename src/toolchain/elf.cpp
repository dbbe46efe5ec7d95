// The interpreter and shared libraries an ELF file needs, for the image stage's check that every
// program in the root can be started (docs/image.md).
#include "osbuild/toolchain/elf.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>

#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"

namespace osbuild::toolchain {

namespace {

constexpr std::uint32_t k_pt_load = 1;
constexpr std::uint32_t k_pt_dynamic = 2;
constexpr std::uint32_t k_pt_interp = 3;
constexpr std::uint64_t k_dt_needed = 1;
constexpr std::uint64_t k_dt_strtab = 5;
constexpr std::uint64_t k_dt_strsz = 10;
constexpr std::uint64_t k_dt_rpath = 15;
constexpr std::uint64_t k_dt_runpath = 29;
constexpr std::uint64_t k_max_read = 64u << 20;  // no header table is this large

struct Segment {
  std::uint32_t type;
  std::uint64_t offset, vaddr, filesz;
};

class Reader {
 public:
  Reader(int fd, bool big_endian, bool wide) : m_fd(fd), m_big(big_endian), m_wide(wide) {}

  std::optional<std::string> bytes(std::uint64_t at, std::uint64_t length) const {
    if (length > k_max_read) return std::nullopt;
    std::string out(length, '\0');
    if (::pread(m_fd, out.data(), length, static_cast<off_t>(at)) != static_cast<ssize_t>(length))
      return std::nullopt;
    return out;
  }
  std::uint64_t num(const std::string& b, std::size_t at, int size) const {
    std::uint64_t v = 0;
    for (int i = 0; i < size; ++i) {
      auto byte = static_cast<unsigned char>(b[at + (m_big ? i : size - 1 - i)]);
      v = v << 8 | byte;
    }
    return v;
  }
  // A word: 8 bytes in ELF64, 4 in ELF32.
  std::uint64_t word(const std::string& b, std::size_t at) const { return num(b, at, m_wide ? 8 : 4); }
  bool wide() const { return m_wide; }

 private:
  int m_fd;
  bool m_big, m_wide;
};

std::vector<Segment> segments(const Reader& r, const std::string& h) {
  bool w = r.wide();
  std::uint64_t phoff = r.word(h, w ? 32 : 28);
  std::uint64_t entsize = r.num(h, w ? 54 : 42, 2);
  std::uint64_t count = r.num(h, w ? 56 : 44, 2);
  std::vector<Segment> out;
  if (count == 0 || entsize < (w ? 56u : 32u)) return out;
  auto table = r.bytes(phoff, entsize * count);
  if (!table) return out;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::size_t at = i * entsize;
    out.push_back({static_cast<std::uint32_t>(r.num(*table, at, 4)), r.word(*table, at + (w ? 8 : 4)),
                   r.word(*table, at + (w ? 16 : 8)), r.word(*table, at + (w ? 32 : 16))});
  }
  return out;
}

// The file offset of a virtual address, through the PT_LOAD segment that maps it.
std::optional<std::uint64_t> file_offset(const std::vector<Segment>& segs, std::uint64_t vaddr) {
  for (const auto& s : segs) {
    if (s.type == k_pt_load && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz)
      return vaddr - s.vaddr + s.offset;
  }
  return std::nullopt;
}

std::string c_string(const std::string& table, std::uint64_t at) {
  if (at >= table.size()) return {};
  return std::string(table.c_str() + at);
}

std::vector<std::string> paths(const std::string& list) {
  std::vector<std::string> out;
  for (auto& p : split(list, ':')) {
    if (!p.empty()) out.push_back(p);
  }
  return out;
}

Result<bool> read_dynamic(const Reader& r, const std::vector<Segment>& segs, const Segment& dyn,
                          ElfDynamicInfo& info) {
  auto table = r.bytes(dyn.offset, dyn.filesz);
  if (!table) return Failure{"the dynamic section lies past the end of the file"};
  std::size_t entry = r.wide() ? 16 : 8;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> tags;
  std::uint64_t strtab = 0, strsz = 0;
  for (std::size_t at = 0; at + entry <= table->size(); at += entry) {
    std::uint64_t tag = r.word(*table, at), value = r.word(*table, at + entry / 2);
    if (tag == 0) break;
    if (tag == k_dt_strtab) strtab = value;
    if (tag == k_dt_strsz) strsz = value;
    tags.emplace_back(tag, value);
  }
  if (tags.empty()) return true;
  auto at = file_offset(segs, strtab);
  auto strings = at ? r.bytes(*at, strsz) : std::nullopt;
  if (!strings) return Failure{"the dynamic string table is not in a loaded segment"};
  for (auto [tag, value] : tags) {
    if (tag == k_dt_needed) info.needed.push_back(c_string(*strings, value));
    if (tag == k_dt_rpath) info.rpath = paths(c_string(*strings, value));
    if (tag == k_dt_runpath) info.runpath = paths(c_string(*strings, value));
  }
  return true;
}

}  // namespace

Result<std::optional<ElfDynamicInfo>> read_elf_dynamic(const std::filesystem::path& file) {
  Fd fd{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) return std::optional<ElfDynamicInfo>();
  std::string h(64, '\0');
  ssize_t n = ::pread(fd.fd, h.data(), h.size(), 0);
  if (n < 52 || std::memcmp(h.data(), "\x7f" "ELF", 4) != 0) return std::optional<ElfDynamicInfo>();
  if ((h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2)) {
    return Failure{"an ELF class or byte order this reader does not know"};
  }
  Reader r(fd.fd, h[5] == 2, h[4] == 2);
  ElfDynamicInfo info;
  info.bits = r.wide() ? 64 : 32;
  info.type = static_cast<unsigned>(r.num(h, 16, 2));
  info.machine = static_cast<unsigned>(r.num(h, 18, 2));
  if (info.type != k_et_exec && info.type != k_et_dyn) return std::optional(info);
  auto segs = segments(r, h);
  for (const auto& s : segs) {
    if (s.type == k_pt_interp) {
      auto path = r.bytes(s.offset, s.filesz);
      if (!path) return Failure{"PT_INTERP lies past the end of the file"};
      info.interpreter = std::string(path->c_str());
    }
  }
  for (const auto& s : segs) {
    if (s.type != k_pt_dynamic) continue;
    auto read = read_dynamic(r, segs, s, info);
    if (!read.ok()) return Failure{read.error()};
  }
  return std::optional(info);
}

}  // namespace osbuild::toolchain
