// Petitioner PII at rest: AES-256-GCM with a random 96-bit nonce per value, and
// a keyed hash (HMAC-SHA256) for look-ups by identity number without decrypting.
#ifndef PETITION_COMMON_CRYPTO_H_
#define PETITION_COMMON_CRYPTO_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace petition {

class PiiCipher {
 public:
  // `key_hex`: 64 hex characters (32 bytes). The hashing key is derived from it.
  static absl::StatusOr<std::unique_ptr<PiiCipher>> Create(std::string_view key_hex);

  // nonce || ciphertext || tag, as bytes.
  std::string Encrypt(std::string_view plaintext) const;
  absl::StatusOr<std::string> Decrypt(std::string_view sealed) const;
  // Hex HMAC-SHA256 of `value` under the hashing key.
  std::string KeyedHash(std::string_view value) const;

 private:
  PiiCipher() = default;
  std::string key_;       // 32 bytes
  std::string hash_key_;  // 32 bytes
};

std::string HmacSha256(std::string_view key, std::string_view data);  // raw bytes
std::string HexEncode(std::string_view bytes);
absl::StatusOr<std::string> HexDecode(std::string_view hex);

}  // namespace petition

#endif  // PETITION_COMMON_CRYPTO_H_
