#include "osbuild/image/disk.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::image {

namespace fs = std::filesystem;

namespace {

Error io_error(const std::string& what, const fs::path& path) {
  return Error(fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(errno)));
}

// Copies [offset, offset+length) of `in` to the same range of `out` shifted by `shift`.
void copy_range(int in, int out, off_t offset, off_t length, off_t shift, const fs::path& from) {
  while (length > 0) {
    off_t src = offset;
    off_t dst = offset + shift;
    ssize_t n = ::copy_file_range(in, &src, out, &dst, static_cast<std::size_t>(length), 0);
    if (n <= 0) throw io_error("copy", from);
    offset += n;
    length -= n;
  }
}

// Copies every data extent of `from` into `out` at `shift`; holes stay holes.
void copy_extents(const fs::path& from, int out, off_t shift) {
  Fd in{::open(from.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) throw io_error("read", from);
  off_t end = ::lseek(in.fd, 0, SEEK_END);
  for (off_t at = 0; at < end;) {
    off_t data = ::lseek(in.fd, at, SEEK_DATA);
    if (data < 0) break;  // only a hole remains
    off_t hole = ::lseek(in.fd, data, SEEK_HOLE);
    if (hole < 0) hole = end;
    copy_range(in.fd, out, data, hole - data, shift, from);
    at = hole;
  }
}

}  // namespace

void write_disk(const fs::path& out, const GptDisk& gpt, const PartitionContents& contents) {
  fs::remove(out);
  Fd fd{::open(out.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (fd.fd < 0 || ::ftruncate(fd.fd, static_cast<off_t>(gpt.size_bytes)) != 0) {
    throw io_error("create", out);
  }
  write_gpt(fd.fd, gpt);
  for (const auto& [name, file] : contents) {
    const GptPartition* part = nullptr;
    for (const auto& p : gpt.partitions) part = p.name == name ? &p : part;
    if (part == nullptr) throw Error("internal: no partition " + name + " on " + out.string());
    std::uint64_t room = (part->last_lba - part->first_lba + 1) * k_sector_size;
    if (fs::file_size(file) > room) {
      throw Error(fmt::format("{} ({} bytes) does not fit partition {} ({} bytes)", file.string(),
                              fs::file_size(file), name, room));
    }
    copy_extents(file, fd.fd, static_cast<off_t>(part->first_lba * k_sector_size));
  }
  if (::fsync(fd.fd) != 0) throw io_error("sync", out);
}

void copy_sparse(const fs::path& from, const fs::path& to) {
  fs::remove(to);
  Fd fd{::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (fd.fd < 0 || ::ftruncate(fd.fd, static_cast<off_t>(fs::file_size(from))) != 0) {
    throw io_error("create", to);
  }
  copy_extents(from, fd.fd, 0);
}

void pin_vmdk_cid(const fs::path& vmdk, const std::string& seed) {
  std::string head(1 << 16, '\0');
  std::fstream file(vmdk, std::ios::in | std::ios::out | std::ios::binary);
  file.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(file.gcount()));
  std::size_t at = head.find("\nCID=");
  std::size_t end = at == std::string::npos ? at : head.find('\n', at + 5);
  if (end == std::string::npos) {
    throw Error("no CID line in the descriptor of " + vmdk.string(), "check the qemu-img version");
  }
  std::size_t text_end = std::min(head.find('\0', end), head.size());
  std::string cid = sha256_hex(seed + std::string(1, '\0') + "vmdk-cid").substr(0, 8);
  std::size_t old_size = end - (at + 5);
  // The text grows by up to seven bytes; the descriptor's padding after it must hold them.
  std::size_t grow = cid.size() > old_size ? cid.size() - old_size : 0;
  if (text_end + grow > head.size() || head.find_first_not_of('\0', text_end) < text_end + grow) {
    throw Error("no room after the descriptor of " + vmdk.string() + " for an 8-digit CID",
                "check the qemu-img version");
  }
  std::string text = cid + head.substr(end, text_end - end);
  text.append(old_size > cid.size() ? old_size - cid.size() : 0, '\0');
  file.clear();
  file.seekp(static_cast<std::streamoff>(at + 5));
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!file.flush()) throw Error("cannot write " + vmdk.string() + ": " + std::strerror(errno));
}

}  // namespace osbuild::image
