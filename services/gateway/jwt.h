// JSON Web Tokens (RFC 7519) signed with HS256 or RS256: the bearer
// credentials of people. The gateway verifies them; `gateway --mint_token`
// issues them for the dev script and tests. Claims: sub, roles (array of
// strings), unitId, iat, nbf, exp (required), iss and aud (checked when the
// gateway is configured with an issuer or audience).
//
// Keys: a key set of named keys (`kid`) so that keys can roll: a token's
// header `kid` picks its key, and the key's configured algorithm decides how
// it is checked; the header's `alg` must agree with it and is never trusted
// alone (no `none`, no HS256 token checked against an RSA public key used as
// an HMAC secret). A token without `kid` is checked against the key without
// one (--jwt_secret).
#ifndef PETITION_SERVICES_GATEWAY_JWT_H_
#define PETITION_SERVICES_GATEWAY_JWT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "openssl/evp.h"

namespace petition::gateway {

enum class JwtAlg { kHs256, kRs256 };

// "HS256" / "RS256".
absl::string_view JwtAlgName(JwtAlg alg);

// One verification (and, with a secret or private key, signing) key.
class JwtKey {
 public:
  // An HMAC-SHA256 key; an empty secret is refused.
  static absl::StatusOr<JwtKey> Hs256(std::string kid, std::string secret);
  // An RSA key (at least 2048 bits) from a PEM: a public key ("BEGIN PUBLIC
  // KEY", as `openssl rsa -pubout` writes it) verifies; a private key also
  // signs.
  static absl::StatusOr<JwtKey> Rs256(std::string kid, absl::string_view pem);

  const std::string& kid() const { return kid_; }
  JwtAlg alg() const { return alg_; }
  bool can_sign() const { return alg_ == JwtAlg::kHs256 || private_key_ != nullptr; }

  // The signature of `input` (raw bytes); FAILED_PRECONDITION without a
  // private key.
  absl::StatusOr<std::string> Sign(absl::string_view input) const;
  bool VerifySignature(absl::string_view input, absl::string_view signature) const;

 private:
  JwtKey() = default;

  std::string kid_;
  JwtAlg alg_ = JwtAlg::kHs256;
  std::string secret_;
  std::shared_ptr<EVP_PKEY> public_key_;
  std::shared_ptr<EVP_PKEY> private_key_;
};

// Lines "<kid> <alg> <path>", '#' starts a comment: `alg` HS256 names a file
// holding the secret (surrounding whitespace trimmed), RS256 a PEM file (a
// public key; a private key also lets --mint_token sign). A relative path is
// relative to the key file's directory. INVALID_ARGUMENT naming the line.
absl::StatusOr<std::vector<JwtKey>> ReadJwtKeyFile(const std::string& path);

struct JwtOptions {
  // Clock skew allowed on exp, nbf and iat.
  absl::Duration leeway = absl::ZeroDuration();
  // When set, the iss claim must equal it.
  std::string issuer;
  // When set, aud (a string or an array of strings) must contain it.
  std::string audience;
};

class Jwt {
 public:
  struct Claims {
    std::string subject;
    std::vector<std::string> roles;
    std::string unit_id;
    absl::Time issued_at = absl::InfinitePast();  // omitted when infinite
    absl::Time expires_at = absl::InfinitePast();
    // Read by Verify (nbf, absent: InfinitePast); Mint does not write it.
    absl::Time not_before = absl::InfinitePast();
    std::string issuer;    // omitted when empty
    std::string audience;  // Mint: omitted when empty; Verify: the configured one, if any
  };

  // One HS256 key without a kid, no leeway, no issuer or audience.
  explicit Jwt(std::string secret);

  // Kids must be unique (at most one key without a kid); at least one key.
  static absl::StatusOr<Jwt> Create(std::vector<JwtKey> keys, JwtOptions options);

  // header.payload.signature, base64url without padding, signed with the key
  // without a kid (the HS256 --jwt_secret); it must exist.
  std::string Mint(const Claims& claims) const;
  // Signed with the key `kid` ("" the key without one), named in the header.
  absl::StatusOr<std::string> Mint(const Claims& claims, absl::string_view kid) const;

  // UNAUTHENTICATED unless `token` is well formed, names a configured key
  // (by kid), uses that key's alg, carries a valid signature under it, names a
  // subject, has not expired at `now` (exp is required), is already valid
  // (nbf) and was not issued in the future (iat), each within the leeway, and
  // has the configured issuer and audience.
  absl::StatusOr<Claims> Verify(absl::string_view token, absl::Time now) const;

  // The time checks of Verify alone (for claims verified before).
  absl::Status CheckTimes(const Claims& claims, absl::Time now) const;

  const JwtOptions& options() const { return options_; }

 private:
  Jwt(std::vector<std::shared_ptr<const JwtKey>> keys, JwtOptions options);

  absl::flat_hash_map<std::string, std::shared_ptr<const JwtKey>> keys_;  // by kid
  JwtOptions options_;
};

// base64url without padding (RFC 7515 section 2).
std::string Base64UrlEncode(absl::string_view bytes);
// Rejects padding and characters outside the URL-safe alphabet.
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_JWT_H_
