// Who is calling, and may they call this route: a principal from a Bearer JWT
// (people) or an X-Api-Key (machines), checked against the route's
// (petition.v1.http) roles.
#ifndef PETITION_SERVICES_GATEWAY_AUTH_H_
#define PETITION_SERVICES_GATEWAY_AUTH_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/request_context.h"
#include "petition/v1/http.pb.h"
#include "services/gateway/jwt.h"
#include "services/gateway/token_cache.h"

namespace petition::gateway {

class Auth {
 public:
  // `api_keys`: "key=subject:role1+role2[:unitId]" entries separated by ','
  // (empty: no keys). An empty secret is refused.
  static absl::StatusOr<std::unique_ptr<Auth>> Create(std::string jwt_secret,
                                                      absl::string_view api_keys);

  // The principal for a request to a route with `rule`, from the values of the
  // Authorization and X-Api-Key headers ("" when absent).
  //  - public route: the caller if the credentials are good, else anonymous
  //    (an empty subject);
  //  - no credentials, or bad or expired ones: UNAUTHENTICATED;
  //  - none of the route's roles (when it lists any): PERMISSION_DENIED.
  absl::StatusOr<Principal> Authorize(const v1::HttpRule& rule, absl::string_view authorization,
                                      absl::string_view api_key, absl::Time now) const;

  const Jwt& jwt() const { return jwt_; }

  static absl::StatusOr<absl::flat_hash_map<std::string, Principal>> ParseApiKeys(
      absl::string_view spec);

 private:
  Auth(Jwt jwt, absl::flat_hash_map<std::string, Principal> api_keys)
      : jwt_(std::move(jwt)), api_keys_(std::move(api_keys)) {}

  absl::StatusOr<Principal> Authenticate(absl::string_view authorization, absl::string_view api_key,
                                         absl::Time now) const;

  const Jwt jwt_;
  const absl::flat_hash_map<std::string, Principal> api_keys_;
  // Verified bearer tokens (thread-safe; a cache, hence mutable).
  mutable TokenCache tokens_{&jwt_};
};

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_AUTH_H_
