// One file out of an uncompressed erofs (erofs.h). The on-disk format, from the kernel's
// fs/erofs/erofs_fs.h: the superblock at byte 1024; inode `nid` at meta_blkaddr × block size +
// nid × 32, compact (32 bytes) or extended (64); a directory's blocks start with 12-byte dirents
// whose name offsets point into the same block.
#include "osbuild/image/erofs.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <vector>

#include "osbuild/image/gpt.h"
#include "osbuild/util/text.h"

namespace osbuild::image {

namespace {

constexpr int k_erofs_max_links = 40;
constexpr std::uint64_t k_erofs_max_file = 64 << 20;  // what this reader is for: small files

enum ErofsLayout : unsigned { flat_plain = 0, flat_inline = 2 };

struct ErofsInode {
  std::uint16_t mode = 0;
  std::uint64_t size = 0;
  std::uint32_t raw_blkaddr = 0;
  unsigned layout = 0;
  std::uint64_t at = 0;         // where the inode starts
  std::uint64_t inline_at = 0;  // where inline data starts (after the inode and its xattrs)
};

class ErofsReader {
 public:
  ErofsReader(int fd, std::uint64_t offset, std::string what) : m_fd(fd), m_offset(offset), m_what(std::move(what)) {
    std::string sb = pread_exact(fd, offset + 1024, 128, m_what);
    if (read_le(sb, 0, 4) != k_erofs_magic) throw Error(m_what + " is not an erofs file system");
    unsigned bits = static_cast<unsigned char>(sb[12]);
    if (bits < 9 || bits > 16) throw Error(fmt::format("{}: block size 2^{} is not erofs's", m_what, bits));
    m_block = std::uint64_t{1} << bits;
    m_root_nid = read_le(sb, 14, 2);
    m_meta = read_le(sb, 40, 4) * m_block;
  }

  ErofsInode inode(std::uint64_t nid) const {
    ErofsInode n;
    n.at = m_offset + m_meta + nid * 32;
    std::string raw = pread_exact(m_fd, n.at, 64, m_what);
    auto format = static_cast<unsigned>(read_le(raw, 0, 2));
    bool extended = (format & 1) != 0;
    n.layout = (format >> 1) & 7;
    auto xattr_count = static_cast<unsigned>(read_le(raw, 2, 2));
    n.mode = static_cast<std::uint16_t>(read_le(raw, 4, 2));
    n.size = extended ? read_le(raw, 8, 8) : read_le(raw, 8, 4);
    n.raw_blkaddr = static_cast<std::uint32_t>(read_le(raw, 16, 4));
    std::uint64_t xattrs = xattr_count == 0 ? 0 : 12 + (std::uint64_t{xattr_count} - 1) * 4;
    n.inline_at = n.at + (extended ? 64 : 32) + xattrs;
    return n;
  }

  std::string data(const ErofsInode& n) const {
    if (n.size > k_erofs_max_file) throw Error(fmt::format("{}: a file of {} bytes is more than this reader reads", m_what, n.size));
    if (n.layout != flat_plain && n.layout != flat_inline) {
      throw Error(fmt::format("{}: data layout {} (compressed or chunked) is not read here", m_what, n.layout),
                  "make the root with osbuild's uncompressed erofs");
    }
    std::uint64_t whole = n.layout == flat_plain ? n.size : n.size / m_block * m_block;
    std::string out = whole == 0 ? std::string() : pread_exact(m_fd, m_offset + std::uint64_t{n.raw_blkaddr} * m_block, whole, m_what);
    if (n.size > whole) out += pread_exact(m_fd, n.inline_at, n.size - whole, m_what);
    return out;
  }

  // The nid of `name` in the directory `dir`, or nothing.
  std::optional<std::uint64_t> lookup(const ErofsInode& dir, std::string_view name) const {
    std::string bytes = data(dir);
    for (std::uint64_t start = 0; start < bytes.size(); start += m_block) {
      std::string_view block = std::string_view(bytes).substr(start, m_block);
      if (block.size() < 12) break;
      std::uint64_t count = read_le(block, 8, 2) / 12;
      for (std::uint64_t i = 0; i < count && (i + 1) * 12 <= block.size(); ++i) {
        std::uint64_t from = read_le(block, i * 12 + 8, 2);
        std::uint64_t to = i + 1 < count ? read_le(block, (i + 1) * 12 + 8, 2) : block.size();
        if (from > to || to > block.size()) throw Error(m_what + ": a damaged directory");
        std::string_view entry = block.substr(from, to - from);
        entry = entry.substr(0, entry.find('\0'));
        if (entry == name) return read_le(block, i * 12, 8);
      }
    }
    return std::nullopt;
  }

  std::uint64_t root_nid() const { return m_root_nid; }

 private:
  int m_fd;
  std::uint64_t m_offset;
  std::string m_what;
  std::uint64_t m_block = 4096;
  std::uint64_t m_root_nid = 0;
  std::uint64_t m_meta = 0;
};

}  // namespace

Result<std::string> erofs_read_file(int fd, std::uint64_t offset, std::string_view path,
                                    const std::string& what) {
  try {
    ErofsReader r(fd, offset, what);
    std::vector<std::string> todo;
    for (const auto& part : split(std::string(path), '/')) {
      if (!part.empty() && part != ".") todo.push_back(part);
    }
    std::vector<std::uint64_t> stack{r.root_nid()};  // the folders walked, root first
    int links = 0;
    std::size_t next = 0;
    while (next < todo.size()) {
      std::string name = todo[next++];
      if (name == "..") {
        if (stack.size() > 1) stack.pop_back();
        continue;
      }
      ErofsInode dir = r.inode(stack.back());
      if (!S_ISDIR(dir.mode)) return Failure{fmt::format("/{}: not a folder in {}", std::string(path), what)};
      auto nid = r.lookup(dir, name);
      if (!nid) return Failure{fmt::format("no /{} in {}", std::string(path), what)};
      ErofsInode found = r.inode(*nid);
      if (S_ISLNK(found.mode)) {
        if (++links > k_erofs_max_links) return Failure{fmt::format("/{}: too many links in {}", std::string(path), what)};
        std::string target = r.data(found);
        std::vector<std::string> rest(todo.begin() + static_cast<std::ptrdiff_t>(next), todo.end());
        todo.clear();
        if (!target.empty() && target[0] == '/') stack.resize(1);  // absolute: from this root
        for (const auto& part : split(target, '/')) {
          if (!part.empty() && part != ".") todo.push_back(part);
        }
        todo.insert(todo.end(), rest.begin(), rest.end());
        next = 0;
        continue;
      }
      stack.push_back(*nid);
    }
    ErofsInode file = r.inode(stack.back());
    if (!S_ISREG(file.mode)) return Failure{fmt::format("/{}: not a file in {}", std::string(path), what)};
    return r.data(file);
  } catch (const Error& e) {
    return Failure{e.what()};
  }
}

}  // namespace osbuild::image
