// Petitioner PII at rest: AES-256-GCM with a random 96-bit nonce per value, and
// a keyed hash (HMAC-SHA256) for look-ups by identity number without decrypting.
//
// Keys roll: a PiiCipher holds a keyring, every key under an id. A sealed value
// starts with the id of the key that sealed it (0x01, the id's length, the id,
// then nonce || ciphertext || tag), so new values are sealed under the current
// key while values sealed under an older key still open, until a rotation
// (intake --rotate_keys) has re-sealed them and the old key can be dropped.
// Each key has its own hashing key: a row's look-up hash is under the key that
// sealed it, so look-ups ask for the hashes under every key (KeyedHashes).
#ifndef PETITION_COMMON_CRYPTO_H_
#define PETITION_COMMON_CRYPTO_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace petition {

// One key of the keyring: its id (1–32 of [A-Za-z0-9._-], stored with every
// value it seals) and its 64 hex characters.
struct PiiKey {
  std::string id;
  std::string key_hex;
};

// The id of the one key a bare `--pii_key` configures, and of the key every
// value sealed before key ids existed was sealed under (intake migration 0009).
inline constexpr char kDefaultPiiKeyId[] = "1";

class PiiCipher {
 public:
  // One key, with id kDefaultPiiKeyId. `key_hex`: 64 hex characters (32
  // bytes); the sealing and hashing keys are derived from it.
  static absl::StatusOr<std::unique_ptr<PiiCipher>> Create(std::string_view key_hex);
  // A keyring: `current_id` (one of `keys`) seals new values and hashes new
  // rows; every key opens what it sealed. Ids are unique.
  static absl::StatusOr<std::unique_ptr<PiiCipher>> Create(const std::vector<PiiKey>& keys,
                                                           std::string_view current_id);
  // "id:hex,id:hex" (spaces around items ignored) into keys.
  static absl::StatusOr<std::vector<PiiKey>> ParseKeys(std::string_view spec);

  // key id header || nonce || ciphertext || tag, as bytes, under the current
  // key. `associated_data` is authenticated but not stored: bind a value to
  // where it belongs (e.g. its row's key), and Decrypt() with other associated
  // data fails, so a sealed value moved to another row does not open. Empty
  // associated data is what values sealed before it existed were sealed with.
  std::string Encrypt(std::string_view plaintext, std::string_view associated_data = {}) const;
  // Opens a value under the key its header names. FAILED_PRECONDITION when
  // that key is not in the keyring (naming the id); DATA_LOSS when the value
  // is malformed or fails authentication.
  absl::StatusOr<std::string> Decrypt(std::string_view sealed,
                                      std::string_view associated_data = {}) const;
  // The id of the key a value was sealed under (DATA_LOSS when malformed).
  static absl::StatusOr<std::string> KeyIdOf(std::string_view sealed);
  // The header every value sealed under the current key starts with.
  std::string CurrentKeyHeader() const;
  const std::string& current_key_id() const { return current_id_; }

  // Hex HMAC-SHA256 of `value` under the current key's hashing key: what a
  // new row stores.
  std::string KeyedHash(std::string_view value) const;
  // The same under every key of the keyring, the current key's first: what a
  // look-up matches, whichever key the row was sealed under.
  std::vector<std::string> KeyedHashes(std::string_view value) const;

 private:
  struct Key {
    std::string seal;  // 32 bytes
    std::string hash;  // 32 bytes
  };

  PiiCipher() = default;
  const Key& current() const { return keys_.at(current_id_); }

  std::map<std::string, Key> keys_;
  std::string current_id_;
};

std::string HmacSha256(std::string_view key, std::string_view data);  // raw bytes
std::string HexEncode(std::string_view bytes);
absl::StatusOr<std::string> HexDecode(std::string_view hex);

}  // namespace petition

#endif  // PETITION_COMMON_CRYPTO_H_
