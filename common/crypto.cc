#include "common/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/ids.h"

namespace petition {
namespace {

constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

absl::StatusOr<std::string> HexDecode(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return absl::InvalidArgumentError("odd number of hex digits");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return absl::InvalidArgumentError("not a hex digit");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), U(data), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

absl::StatusOr<std::unique_ptr<PiiCipher>> PiiCipher::Create(std::string_view key_hex) {
  auto key = HexDecode(key_hex);
  if (!key.ok() || key->size() != 32) {
    return absl::InvalidArgumentError("the PII key must be 64 hex characters (32 bytes)");
  }
  auto cipher = std::unique_ptr<PiiCipher>(new PiiCipher());
  // Separate keys for sealing and for look-up hashes, both derived from the one secret.
  cipher->key_ = HmacSha256(*key, "petition pii encryption v1");
  cipher->hash_key_ = HmacSha256(*key, "petition pii lookup hash v1");
  return cipher;
}

std::string PiiCipher::Encrypt(std::string_view plaintext, std::string_view associated_data) const {
  std::string nonce = RandomBytes(kNonceSize);
  std::string out = nonce;
  out.resize(kNonceSize + plaintext.size() + kTagSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonceSize;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), U(nonce));
  if (!associated_data.empty()) {
    EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(associated_data),
                      static_cast<int>(associated_data.size()));
  }
  EVP_EncryptUpdate(ctx.get(), dst, &len, U(plaintext), static_cast<int>(plaintext.size()));
  int total = len;
  EVP_EncryptFinal_ex(ctx.get(), dst + total, &len);
  total += len;
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, dst + total);
  return out;
}

absl::StatusOr<std::string> PiiCipher::Decrypt(std::string_view sealed,
                                               std::string_view associated_data) const {
  if (sealed.size() < kNonceSize + kTagSize) return absl::DataLossError("sealed value too short");
  std::string_view nonce = sealed.substr(0, kNonceSize);
  std::string_view body = sealed.substr(kNonceSize, sealed.size() - kNonceSize - kTagSize);
  std::string tag(sealed.substr(sealed.size() - kTagSize));
  std::string out(body.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), U(nonce));
  if (!associated_data.empty()) {
    EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(associated_data),
                      static_cast<int>(associated_data.size()));
  }
  EVP_DecryptUpdate(ctx.get(), dst, &len, U(body), static_cast<int>(body.size()));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data());
  int fin = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), dst + len, &fin) != 1) {
    return absl::DataLossError(
        "PII value failed authentication (wrong key, tampered, or moved from another record)");
  }
  return out;
}

std::string PiiCipher::KeyedHash(std::string_view value) const {
  return HexEncode(HmacSha256(hash_key_, value));
}

}  // namespace petition
