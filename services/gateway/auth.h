// Who is calling, and may they call this route: a principal from a Bearer JWT
// (people) or an X-Api-Key (machines), checked against the route's
// (petition.v1.http) roles.
//
// API keys come from --api_keys (the keys themselves, for tests) and from an
// API key file that holds only each key's SHA-256, re-read on ReloadApiKeys()
// (SIGHUP) without a restart: a file that does not parse leaves the keys as
// they were.
#ifndef PETITION_SERVICES_GATEWAY_AUTH_H_
#define PETITION_SERVICES_GATEWAY_AUTH_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/request_context.h"
#include "petition/v1/http.pb.h"
#include "services/gateway/jwt.h"
#include "services/gateway/token_cache.h"

namespace petition::gateway {

// The hex SHA-256 of an API key, as the key file stores it.
std::string ApiKeyHash(absl::string_view key);

class Auth {
 public:
  // SHA-256 (lower-case hex) -> principal.
  using KeyTable = absl::flat_hash_map<std::string, Principal>;

  // `api_keys`: "key=subject:role1+role2[:unitId]" entries separated by ','
  // (empty: no keys). An empty secret is refused.
  static absl::StatusOr<std::unique_ptr<Auth>> Create(std::string jwt_secret,
                                                      absl::string_view api_keys);
  // `api_keys_file` ("": none) is read now and again on each ReloadApiKeys().
  static absl::StatusOr<std::unique_ptr<Auth>> Create(Jwt jwt, absl::string_view api_keys,
                                                      std::string api_keys_file);

  // The principal for a request to a route with `rule`, from the values of the
  // Authorization and X-Api-Key headers ("" when absent).
  //  - public route: the caller if the credentials are good, else anonymous
  //    (an empty subject);
  //  - no credentials, or bad or expired ones: UNAUTHENTICATED;
  //  - none of the route's roles (when it lists any): PERMISSION_DENIED.
  absl::StatusOr<Principal> Authorize(const v1::HttpRule& rule, absl::string_view authorization,
                                      absl::string_view api_key, absl::Time now) const;

  // Re-reads the API key file. On an error the keys in use stay, and the
  // error (naming the line, never a key) is returned. Returns the number of
  // keys in use.
  absl::StatusOr<std::size_t> ReloadApiKeys();

  // The bearer-token keys in use (valid until the next ReplaceJwt).
  const Jwt& jwt() const;

  // Verifies bearer tokens with `jwt` from now on (rolled keys, SIGHUP);
  // tokens verified before are verified again.
  void ReplaceJwt(Jwt jwt);

  static absl::StatusOr<absl::flat_hash_map<std::string, Principal>> ParseApiKeys(
      absl::string_view spec);
  // Lines "<sha256-hex> <subject> <role1+role2> [unitId]"; '#' starts a
  // comment. `name` names the file in errors.
  static absl::StatusOr<KeyTable> ParseApiKeyFile(absl::string_view text, absl::string_view name);

 private:
  // The keys and the tokens verified with them, replaced together.
  struct Verifier {
    explicit Verifier(Jwt keys) : jwt(std::move(keys)) {}
    const Jwt jwt;
    TokenCache tokens{&jwt};
  };

  Auth(Jwt jwt, KeyTable flag_keys, std::string api_keys_file)
      : flag_keys_(std::move(flag_keys)),
        api_keys_file_(std::move(api_keys_file)),
        verifier_(std::make_shared<Verifier>(std::move(jwt))) {}

  absl::StatusOr<Principal> Authenticate(absl::string_view authorization, absl::string_view api_key,
                                         absl::Time now) const;

  const KeyTable flag_keys_;
  const std::string api_keys_file_;
  mutable absl::Mutex keys_mu_;
  // The flag's keys and the file's, as last read.
  std::shared_ptr<const KeyTable> keys_ ABSL_GUARDED_BY(keys_mu_);
  // Its cache of verified tokens is thread-safe.
  std::shared_ptr<Verifier> verifier_ ABSL_GUARDED_BY(keys_mu_);
};

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_AUTH_H_
