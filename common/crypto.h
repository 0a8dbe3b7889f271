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

  // nonce || ciphertext || tag, as bytes. `associated_data` is authenticated
  // but not stored: bind a value to where it belongs (e.g. its row's key), and
  // Decrypt() with other associated data fails, so a sealed value moved to
  // another row does not open. Empty associated data is what values sealed
  // before it existed were sealed with.
  std::string Encrypt(std::string_view plaintext, std::string_view associated_data = {}) const;
  absl::StatusOr<std::string> Decrypt(std::string_view sealed,
                                      std::string_view associated_data = {}) const;
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
