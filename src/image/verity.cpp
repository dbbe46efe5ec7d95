#include "osbuild/image/verity.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::image {

namespace {

constexpr std::uint32_t k_digest_size = 32;
constexpr std::uint32_t k_per_block = k_verity_block_size / k_digest_size;  // 128
constexpr std::size_t k_read_blocks = 256;                                  // 1 MiB reads

// Blocks of each level, lowest (over the data) first: level i holds ceil(n / 128^(i+1)) blocks.
// As cryptsetup counts them, a single data block needs no level at all.
std::vector<std::uint64_t> level_sizes(std::uint64_t data_blocks) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t remaining = data_blocks; remaining > 1;) {
    remaining = (remaining + k_per_block - 1) / k_per_block;
    out.push_back(remaining);
  }
  return out;
}

// sha256(salt || block), with one context reused: a gigabyte is 262,144 of these.
class BlockHasher {
 public:
  explicit BlockHasher(const std::vector<std::uint8_t>& salt)
      : m_salt(salt),
        m_ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free),
        m_md(EVP_MD_fetch(nullptr, "SHA256", nullptr), EVP_MD_free) {
    if (!m_ctx || !m_md) throw Error("cannot initialise OpenSSL sha256");
  }
  void hash(const std::uint8_t* block, std::uint8_t* out) {
    unsigned int length = 0;
    if (EVP_DigestInit_ex(m_ctx.get(), m_md.get(), nullptr) != 1 ||
        EVP_DigestUpdate(m_ctx.get(), m_salt.data(), m_salt.size()) != 1 ||
        EVP_DigestUpdate(m_ctx.get(), block, k_verity_block_size) != 1 ||
        EVP_DigestFinal_ex(m_ctx.get(), out, &length) != 1) {
      throw Error("OpenSSL sha256 failed");
    }
  }

 private:
  std::vector<std::uint8_t> m_salt;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> m_ctx;
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> m_md;
};

// Level 0: one digest per data block, read in large chunks.
std::vector<std::uint8_t> hash_data(const std::filesystem::path& data, std::uint64_t blocks,
                                    std::uint64_t level_blocks, BlockHasher& hasher) {
  Fd in{::open(data.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0)
    throw Error(fmt::format("cannot read {}: {}", data.string(), std::strerror(errno)));
  ::posix_fadvise(in.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<std::uint8_t> level(level_blocks * k_verity_block_size, 0);
  std::vector<std::uint8_t> buffer(k_read_blocks * k_verity_block_size);
  for (std::uint64_t done = 0; done < blocks;) {
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(k_read_blocks, blocks - done)) *
        k_verity_block_size;
    std::size_t got = 0;
    while (got < want) {
      ssize_t n = ::read(in.fd, buffer.data() + got, want - got);
      if (n <= 0) throw Error(fmt::format("short read of {} at block {}", data.string(), done));
      got += static_cast<std::size_t>(n);
    }
    for (std::size_t i = 0; i < want / k_verity_block_size; ++i, ++done) {
      hasher.hash(buffer.data() + i * k_verity_block_size, level.data() + done * k_digest_size);
    }
  }
  return level;
}

// The next level up: one digest per block of `below`.
std::vector<std::uint8_t> hash_level(const std::vector<std::uint8_t>& below,
                                     std::uint64_t level_blocks, BlockHasher& hasher) {
  std::vector<std::uint8_t> level(level_blocks * k_verity_block_size, 0);
  std::uint64_t blocks = below.size() / k_verity_block_size;
  for (std::uint64_t b = 0; b < blocks; ++b) {
    hasher.hash(below.data() + b * k_verity_block_size, level.data() + b * k_digest_size);
  }
  return level;
}

// cryptsetup's struct verity_sb, little-endian, 512 bytes.
std::string superblock(const VerityParams& params, std::uint64_t data_blocks) {
  std::string sb(512, '\0');
  auto put = [&sb](std::size_t at, std::uint64_t value, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i)
      sb[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
  };
  std::memcpy(sb.data(), "verity\0\0", 8);
  put(8, 1, 4);   // superblock version
  put(12, 1, 4);  // hash type 1: salt first (0 is Chrome OS's)
  std::memcpy(sb.data() + 16, params.uuid.bytes.data(), 16);
  std::memcpy(sb.data() + 32, "sha256", 6);
  put(64, k_verity_block_size, 4);
  put(68, k_verity_block_size, 4);
  put(72, data_blocks, 8);
  put(80, params.salt.size(), 2);
  std::memcpy(sb.data() + 88, params.salt.data(), params.salt.size());
  return sb;
}

}  // namespace

std::uint64_t verity_hash_bytes(std::uint64_t data_blocks) {
  std::uint64_t blocks = 1;  // the superblock's
  for (auto n : level_sizes(data_blocks)) blocks += n;
  return blocks * k_verity_block_size;
}

VerityResult write_verity(const std::filesystem::path& data, const std::filesystem::path& hash_file,
                          const VerityParams& params) {
  if (params.salt.size() > 256) throw Error("a dm-verity salt holds at most 256 bytes");
  std::error_code ec;
  std::uint64_t size = std::filesystem::file_size(data, ec);
  if (ec || size == 0 || size % k_verity_block_size != 0) {
    throw Error(fmt::format("{}: dm-verity needs a non-empty multiple of 4096 bytes, not {}",
                            data.string(), ec ? 0 : size));
  }
  VerityResult result;
  result.data_blocks = size / k_verity_block_size;
  BlockHasher hasher(params.salt);
  auto sizes = level_sizes(result.data_blocks);
  std::vector<std::vector<std::uint8_t>> levels;
  std::uint8_t root[k_digest_size];
  if (sizes.empty()) {
    auto only = hash_data(data, 1, 1, hasher);
    std::memcpy(root, only.data(), k_digest_size);
  } else {
    levels.push_back(hash_data(data, result.data_blocks, sizes[0], hasher));
    for (std::size_t i = 1; i < sizes.size(); ++i)
      levels.push_back(hash_level(levels.back(), sizes[i], hasher));
    hasher.hash(levels.back().data(), root);
  }
  result.root_hash = to_hex(root, k_digest_size);
  // The file: superblock padded to a block, then the levels from the top down.
  std::string head = superblock(params, result.data_blocks);
  head.resize(k_verity_block_size, '\0');
  AtomicFile out(hash_file, Durability::cache);
  out.write(head);
  for (auto it = levels.rbegin(); it != levels.rend(); ++it) out.write(it->data(), it->size());
  out.commit();
  result.hash_bytes = verity_hash_bytes(result.data_blocks);
  return result;
}

std::string dm_mod_create(const VerityResult& verity, const VerityParams& params,
                          const std::string& boot_uuid) {
  return fmt::format(
      "dm-mod.create=\"root,,,ro,0 {} verity 1 PARTUUID={}/PARTNROFF=1 PARTUUID={}/PARTNROFF=2 "
      "{} {} {} 1 sha256 {} {} 2 restart_on_corruption ignore_zero_blocks\"",
      verity.data_blocks * (k_verity_block_size / 512), boot_uuid, boot_uuid, k_verity_block_size,
      k_verity_block_size, verity.data_blocks, verity.root_hash,
      to_hex(params.salt.data(), params.salt.size()));
}

}  // namespace osbuild::image
