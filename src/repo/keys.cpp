// Keys through OpenSSL EVP. Signatures follow what tough and tuf-js verify: ed25519 over the
// message, ECDSA P-256 with SHA-256 as DER, RSASSA-PSS with SHA-256 and a 32-byte salt.
#include "osbuild/repo/keys.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include "osbuild/repo/metadata.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"

namespace osbuild::repo {

// The owners of OpenSSL's objects. Outside the anonymous namespace, because SigningKey::Impl,
// declared in the header, holds one.
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

namespace {

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return "unknown OpenSSL error";
  }
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Result<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Failure{"odd number of hex digits"};
  }
  std::string out(hex.size() / 2, '\0');
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = digit(hex[2 * i]);
    int lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Failure{"not a hex digit in '" + std::string(hex.substr(2 * i, 2)) + "'"};
    }
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

KeyType type_of(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "ED25519")) return KeyType::ed25519;
  if (EVP_PKEY_is_a(pkey, "EC")) return KeyType::ecdsa;
  if (EVP_PKEY_is_a(pkey, "RSA")) return KeyType::rsa;
  throw Error("unsupported key algorithm " + std::string(EVP_PKEY_get0_type_name(pkey)),
              "use an ed25519, ecdsa P-256 or rsa key (osbuild keys generate --type ...)");
}

PublicKey describe_public(EVP_PKEY* pkey) {
  KeyType type = type_of(pkey);
  if (type == KeyType::ed25519) {
    unsigned char raw[32];
    std::size_t size = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(pkey, raw, &size) != 1) {
      throw Error("cannot read an ed25519 public key: " + openssl_error());
    }
    return {"ed25519", "ed25519", to_hex(raw, size)};
  }
  if (type == KeyType::ecdsa) {
    char group[64] = {};
    std::size_t len = 0;
    EVP_PKEY_get_utf8_string_param(pkey, "group", group, sizeof group, &len);
    if (std::string_view(group) != "prime256v1") {
      throw Error("ecdsa key on curve '" + std::string(group) + "' is not supported",
                  "use a P-256 key: osbuild keys generate --type ecdsa");
    }
  }
  Bio bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), pkey) != 1) {
    throw Error("cannot write a public key: " + openssl_error());
  }
  if (type == KeyType::ecdsa) {
    return {"ecdsa", "ecdsa-sha2-nistp256", bio_text(bio.get())};
  }
  return {"rsa", "rsassa-pss-sha256", bio_text(bio.get())};
}

Pkey read_pem_public(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

// The OpenSSL key behind a root.json entry, or null when the entry is not one osbuild reads.
Pkey load_public(const PublicKey& key) {
  if (key.keytype == "ed25519" && key.scheme == "ed25519") {
    auto raw = from_hex(key.value);
    if (!raw || raw.value().size() != 32) {
      return nullptr;
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.value().data());
    return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes, 32));
  }
  bool ecdsa = (key.keytype == "ecdsa" || key.keytype == "ecdsa-sha2-nistp256") &&
               key.scheme == "ecdsa-sha2-nistp256";
  bool rsa = key.keytype == "rsa" && key.scheme == "rsassa-pss-sha256";
  if (!ecdsa && !rsa) {
    return nullptr;
  }
  Pkey pkey = read_pem_public(key.value);
  if (pkey && (ecdsa ? !EVP_PKEY_is_a(pkey.get(), "EC") : !EVP_PKEY_is_a(pkey.get(), "RSA"))) {
    return nullptr;
  }
  return pkey;
}

// Sets up a digest-sign or digest-verify context with the scheme's digest and padding.
bool init_context(EVP_MD_CTX* ctx, EVP_PKEY* pkey, bool signing) {
  KeyType type = type_of(pkey);
  const EVP_MD* md = type == KeyType::ed25519 ? nullptr : EVP_sha256();
  EVP_PKEY_CTX* pctx = nullptr;
  int ok = signing ? EVP_DigestSignInit(ctx, &pctx, md, nullptr, pkey)
                   : EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pkey);
  if (ok != 1) {
    return false;
  }
  if (type == KeyType::rsa) {
    // Sign with a digest-length salt (what tough requires); accept any salt length on verify, as
    // python-tuf signs with the longest salt.
    int salt = signing ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_AUTO;
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt) == 1;
  }
  return true;
}

}  // namespace

std::string_view key_type_name(KeyType type) {
  switch (type) {
    case KeyType::ed25519:
      return "ed25519";
    case KeyType::ecdsa:
      return "ecdsa";
    case KeyType::rsa:
      return "rsa";
  }
  return "ed25519";
}

Result<KeyType> parse_key_type(std::string_view text) {
  if (text == "ed25519") return KeyType::ed25519;
  if (text == "ecdsa" || text == "ecdsa-sha2-nistp256" || text == "p256") return KeyType::ecdsa;
  if (text == "rsa" || text == "rsassa-pss-sha256") return KeyType::rsa;
  return Failure{"unknown key type '" + std::string(text) + "': expected ed25519, ecdsa or rsa"};
}

Json PublicKey::to_json() const {
  return Json{{"keytype", keytype}, {"scheme", scheme}, {"keyval", {{"public", value}}}};
}

std::string PublicKey::key_id() const {
  return sha256_hex(tuf_canonical_json(to_json()));
}

Result<PublicKey> PublicKey::from_json(const Json& json) {
  if (!json.is_object() || !json.contains("keytype") || !json.contains("scheme") ||
      !json.contains("keyval") || !json["keytype"].is_string() || !json["scheme"].is_string() ||
      !json["keyval"].is_object() || !json["keyval"].contains("public") ||
      !json["keyval"]["public"].is_string()) {
    return Failure{"a key needs string 'keytype' and 'scheme' and 'keyval': {'public': ...}"};
  }
  return PublicKey{json["keytype"].get<std::string>(), json["scheme"].get<std::string>(),
                   json["keyval"]["public"].get<std::string>()};
}

bool verify_signature(const PublicKey& key, std::string_view message, std::string_view signature) {
  Pkey pkey = load_public(key);
  if (!pkey) {
    ERR_clear_error();
    return false;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  bool ok =
      init_context(ctx.get(), pkey.get(), false) &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();
  return ok;
}

PublicKey public_key_from_pem(std::string_view pem, const std::string& origin) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) {
    ERR_clear_error();
    pkey = read_pem_public(pem);
  }
  if (!pkey) {
    throw Error(origin + ": not a PEM private or public key: " + openssl_error(),
                "give a key written by `osbuild keys generate` (PKCS#8 PEM) or its public half");
  }
  return describe_public(pkey.get());
}

struct SigningKey::Impl {
  Pkey pkey;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {
  m_type = type_of(m_impl->pkey.get());
  m_public = describe_public(m_impl->pkey.get());
  m_key_id = m_public.key_id();
}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

SigningKey SigningKey::generate(KeyType type) {
  EVP_PKEY* pkey = nullptr;
  switch (type) {
    case KeyType::ed25519:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyType::ecdsa:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::rsa:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072});
      break;
  }
  if (pkey == nullptr) {
    throw Error("cannot generate an " + std::string(key_type_name(type)) +
                " key: " + openssl_error());
  }
  auto impl = std::make_unique<Impl>();
  impl->pkey.reset(pkey);
  return SigningKey(std::move(impl));
}

SigningKey SigningKey::from_pem(std::string_view pem, const std::string& origin) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) {
    throw Error(
        origin + ": not a PEM private key: " + openssl_error(),
        "give a PKCS#8 PEM key such as `osbuild keys generate --out " + origin + "` writes");
  }
  auto impl = std::make_unique<Impl>();
  impl->pkey.reset(pkey);
  return SigningKey(std::move(impl));
}

SigningKey SigningKey::load(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error("signing key " + path.string() + " does not exist",
                "generate one with `osbuild keys generate --out " + path.string() +
                    "`, or fix signing_keys in Infra.toml");
  }
  if (!S_ISREG(st.st_mode)) {
    throw Error("signing key " + path.string() + " is " +
                    (S_ISDIR(st.st_mode) ? "a folder" : "not a regular file") + ", not a key file",
                "give the path of a PEM key file (`osbuild keys generate --out FILE` makes one), "
                "or fix signing_keys in Infra.toml");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw Error(
        "signing key " + path.string() + " is readable by group or others (mode " + mode + ")",
        "chmod 600 " + path.string(), ExitCode::verification);
  }
  return from_pem(read_file_or_throw(path), path.string());
}

std::string SigningKey::to_pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), m_impl->pkey.get(), nullptr, nullptr, 0, nullptr,
                                    nullptr) != 1) {
    throw Error("cannot write a private key: " + openssl_error());
  }
  return bio_text(bio.get());
}

std::string SigningKey::sign(std::string_view message) const {
  MdCtx ctx(EVP_MD_CTX_new());
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  std::size_t size = 0;
  if (!init_context(ctx.get(), m_impl->pkey.get(), true) ||
      EVP_DigestSign(ctx.get(), nullptr, &size, data, message.size()) != 1) {
    throw Error("cannot sign with key " + m_key_id + ": " + openssl_error());
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, data,
                     message.size()) != 1) {
    throw Error("cannot sign with key " + m_key_id + ": " + openssl_error());
  }
  signature.resize(size);
  return signature;
}

void write_private_key(const fs::path& path, const SigningKey& key) {
  if (fs::exists(path)) {
    throw Error(path.string() + " already exists; osbuild does not overwrite a key",
                "choose another --out path, or remove the old key if it is really unused");
  }
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path());
  }
  AtomicFile file(path);
  ::fchmod(file.fd(), 0600);
  file.write(key.to_pem());
  file.commit();
}

}  // namespace osbuild::repo
