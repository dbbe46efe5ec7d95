#pragma once
// TUF keys through OpenSSL EVP: ed25519, ecdsa-sha2-nistp256 (DER signatures) and
// rsassa-pss-sha256, in the form tough, python-tuf and tuf-js read (docs/repo.md "Keys").
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "osbuild/util/error.h"
#include "osbuild/util/json.h"

namespace osbuild::repo {

namespace fs = std::filesystem;

enum class KeyType { ed25519, ecdsa, rsa };
std::string_view key_type_name(KeyType type);
Result<KeyType> parse_key_type(std::string_view text);

// A public key as root.json lists it: keytype, scheme and keyval.public (hex for ed25519, an SPKI
// PEM for ecdsa and rsa).
struct PublicKey {
  std::string keytype;
  std::string scheme;
  std::string value;

  Json to_json() const;
  // The key id: SHA-256 of the canonical JSON of to_json().
  std::string key_id() const;
  static Result<PublicKey> from_json(const Json& json);
  bool operator==(const PublicKey&) const = default;
};

// Whether `signature` (raw bytes) is a valid signature of `message` by `key`; a key this build
// cannot read gives false.
bool verify_signature(const PublicKey& key, std::string_view message, std::string_view signature);

// The public half of a PEM file holding a private key (PKCS#8, "RSA PRIVATE KEY", "EC PRIVATE
// KEY") or a public key ("PUBLIC KEY"); `origin` names the file in messages.
PublicKey public_key_from_pem(std::string_view pem, const std::string& origin);

// A private key that signs metadata.
class SigningKey {
 public:
  static SigningKey generate(KeyType type);
  static SigningKey from_pem(std::string_view pem, const std::string& origin);
  // Reads a PEM file, refusing one that group or others may read.
  static SigningKey load(const fs::path& path);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  std::string to_pem() const;  // PKCS#8 "PRIVATE KEY"
  const PublicKey& public_key() const { return m_public; }
  const std::string& key_id() const { return m_key_id; }
  KeyType type() const { return m_type; }
  std::string sign(std::string_view message) const;  // raw signature bytes

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
  PublicKey m_public;
  std::string m_key_id;
  KeyType m_type = KeyType::ed25519;
};

// Writes the key as PKCS#8 PEM with mode 0600, atomically; refuses to replace an existing file.
void write_private_key(const fs::path& path, const SigningKey& key);

}  // namespace osbuild::repo
