// JSON Web Tokens (RFC 7519) signed with HS256: the bearer credentials of
// people. The gateway verifies them; `gateway --mint_token` issues them for the
// dev script. Claims: sub, roles (array of strings), unitId, iat, exp
// (required).
#ifndef PETITION_SERVICES_GATEWAY_JWT_H_
#define PETITION_SERVICES_GATEWAY_JWT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace petition::gateway {

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
  };

  explicit Jwt(std::string secret) : secret_(std::move(secret)) {}

  // header.payload.signature, base64url without padding.
  std::string Mint(const Claims& claims) const;

  // UNAUTHENTICATED unless `token` is well formed, uses alg HS256, carries a
  // valid signature under the secret, names a subject and has not expired at
  // `now` (exp is required).
  absl::StatusOr<Claims> Verify(absl::string_view token, absl::Time now) const;

 private:
  std::string secret_;
};

// base64url without padding (RFC 7515 section 2).
std::string Base64UrlEncode(absl::string_view bytes);
// Rejects padding and characters outside the URL-safe alphabet.
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_JWT_H_
