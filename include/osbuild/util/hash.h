#pragma once
// SHA-256 and SHA-512 through OpenSSL's EVP interface, streaming or one-shot, as lowercase hex.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "osbuild/util/error.h"

namespace osbuild {

enum class HashAlgorithm { sha256, sha512 };

class Hasher {
public:
  explicit Hasher(HashAlgorithm algorithm);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // Finishes the digest; the hasher may not be updated afterwards.
  std::string hex_digest();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

std::string sha256_hex(std::string_view data);
std::string sha512_hex(std::string_view data);

// Hashes a file in large blocks; a failure names the file.
Result<std::string> hash_file(const std::filesystem::path& path, HashAlgorithm algorithm);

std::string to_hex(const unsigned char* data, std::size_t size);
bool is_lower_hex(std::string_view text, std::size_t length);

}  // namespace osbuild
