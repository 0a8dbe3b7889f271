#include "common/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/ids.h"

namespace petition {
namespace {

constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
// A sealed value's header: this marker, the key id's length (one byte), the id.
constexpr char kHeaderMarker = 0x01;
constexpr size_t kMaxKeyIdSize = 32;

bool IsValidKeyId(std::string_view id) {
  if (id.empty() || id.size() > kMaxKeyIdSize) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string KeyHeader(const std::string& id) {
  std::string header = {kHeaderMarker, static_cast<char>(id.size())};
  return header + id;
}

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
  return Create({PiiKey{kDefaultPiiKeyId, std::string(key_hex)}}, kDefaultPiiKeyId);
}

absl::StatusOr<std::unique_ptr<PiiCipher>> PiiCipher::Create(const std::vector<PiiKey>& keys,
                                                             std::string_view current_id) {
  auto cipher = std::unique_ptr<PiiCipher>(new PiiCipher());
  for (const PiiKey& k : keys) {
    if (!IsValidKeyId(k.id)) {
      return absl::InvalidArgumentError(absl::StrCat("PII key id \"", k.id, "\" must be 1 to ",
                                                     kMaxKeyIdSize, " of A-Z a-z 0-9 . _ -"));
    }
    auto key = HexDecode(k.key_hex);
    if (!key.ok() || key->size() != 32) {
      return absl::InvalidArgumentError(
          absl::StrCat("the PII key ", k.id, " must be 64 hex characters (32 bytes)"));
    }
    // Separate keys for sealing and for look-up hashes, both derived from the one secret.
    Key derived{HmacSha256(*key, "petition pii encryption v1"),
                HmacSha256(*key, "petition pii lookup hash v1")};
    if (!cipher->keys_.emplace(k.id, std::move(derived)).second) {
      return absl::InvalidArgumentError(absl::StrCat("the PII key id ", k.id, " is given twice"));
    }
  }
  if (cipher->keys_.count(std::string(current_id)) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the current PII key id \"", std::string(current_id), "\" is not one of the keys given"));
  }
  cipher->current_id_ = std::string(current_id);
  return cipher;
}

absl::StatusOr<std::vector<PiiKey>> PiiCipher::ParseKeys(std::string_view spec) {
  std::vector<PiiKey> keys;
  for (absl::string_view item :
       absl::StrSplit(absl::string_view(spec.data(), spec.size()), ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    const std::size_t colon = item.find(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError("PII keys are id:hex items separated by commas");
    }
    keys.push_back({std::string(item.substr(0, colon)), std::string(item.substr(colon + 1))});
  }
  if (keys.empty()) return absl::InvalidArgumentError("no PII key given");
  return keys;
}

std::string PiiCipher::CurrentKeyHeader() const { return KeyHeader(current_id_); }

absl::StatusOr<std::string> PiiCipher::KeyIdOf(std::string_view sealed) {
  if (sealed.size() < 2 || sealed[0] != kHeaderMarker) {
    return absl::DataLossError("sealed value has no key id");
  }
  const std::size_t size = static_cast<unsigned char>(sealed[1]);
  if (size == 0 || size > kMaxKeyIdSize || sealed.size() < 2 + size) {
    return absl::DataLossError("sealed value has a malformed key id");
  }
  return std::string(sealed.substr(2, size));
}

std::string PiiCipher::Encrypt(std::string_view plaintext, std::string_view associated_data) const {
  std::string nonce = RandomBytes(kNonceSize);
  std::string out = KeyHeader(current_id_);
  const std::size_t header = out.size();
  out += nonce;
  out.resize(header + kNonceSize + plaintext.size() + kTagSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + header + kNonceSize;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(current().seal), U(nonce));
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
  absl::StatusOr<std::string> key_id = KeyIdOf(sealed);
  if (!key_id.ok()) return key_id.status();
  auto key = keys_.find(*key_id);
  if (key == keys_.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("sealed under PII key id \"", *key_id,
                     "\", which is not configured (keep every key in use in --pii_keys)"));
  }
  sealed.remove_prefix(2 + key_id->size());
  if (sealed.size() < kNonceSize + kTagSize) return absl::DataLossError("sealed value too short");
  std::string_view nonce = sealed.substr(0, kNonceSize);
  std::string_view body = sealed.substr(kNonceSize, sealed.size() - kNonceSize - kTagSize);
  std::string tag(sealed.substr(sealed.size() - kTagSize));
  std::string out(body.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key->second.seal), U(nonce));
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
  return HexEncode(HmacSha256(current().hash, value));
}

std::vector<std::string> PiiCipher::KeyedHashes(std::string_view value) const {
  std::vector<std::string> hashes = {KeyedHash(value)};
  for (const auto& [id, key] : keys_) {
    if (id != current_id_) hashes.push_back(HexEncode(HmacSha256(key.hash, value)));
  }
  return hashes;
}

}  // namespace petition
