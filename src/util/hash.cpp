#include "osbuild/util/hash.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace osbuild {

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(HashAlgorithm algorithm) : m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm == HashAlgorithm::sha256 ? EVP_sha256() : EVP_sha512();
  if (m_impl->ctx == nullptr || EVP_DigestInit_ex(m_impl->ctx, md, nullptr) != 1) {
    throw Error("cannot initialise OpenSSL digest");
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, std::size_t size) {
  EVP_DigestUpdate(m_impl->ctx, data, size);
}

std::string Hasher::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_impl->ctx, digest, &length);
  return to_hex(digest, length);
}

std::string sha256_hex(std::string_view data) {
  Hasher h(HashAlgorithm::sha256);
  h.update(data);
  return h.hex_digest();
}

std::string sha512_hex(std::string_view data) {
  Hasher h(HashAlgorithm::sha512);
  h.update(data);
  return h.hex_digest();
}

Result<std::string> hash_file(const std::filesystem::path& path, HashAlgorithm algorithm) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Failure{"cannot open " + path.string() + ": " + std::strerror(errno)};
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Hasher hasher(algorithm);
  // One buffer per thread: allocating 1 MiB per call costs an mmap and munmap for every small file.
  thread_local std::vector<char> buffer(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) {
      break;
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      int saved = errno;
      ::close(fd);
      return Failure{"cannot read " + path.string() + ": " + std::strerror(saved)};
    }
    hasher.update(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return hasher.hex_digest();
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0xf];
  }
  return out;
}

bool is_lower_hex(std::string_view text, std::size_t length) {
  if (text.size() != length) {
    return false;
  }
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace osbuild
