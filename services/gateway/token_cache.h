// A bounded, thread-safe memo of verified bearer tokens: token -> claims. A
// token is verified in full (signature, claims) the first time it is seen;
// later lookups only compare the cached exp (and nbf) with the time of the
// request, so expiry still applies to cached tokens.
#ifndef PETITION_SERVICES_GATEWAY_TOKEN_CACHE_H_
#define PETITION_SERVICES_GATEWAY_TOKEN_CACHE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/gateway/jwt.h"

namespace petition::gateway {

class TokenCache {
 public:
  // `jwt` must outlive the cache. When `capacity` tokens are cached the cache
  // is emptied before the next one goes in.
  explicit TokenCache(const Jwt* jwt, std::size_t capacity = 10000)
      : jwt_(jwt), capacity_(capacity) {}

  // Jwt::Verify(token, now), memoized for tokens that verified.
  absl::StatusOr<Jwt::Claims> Verify(absl::string_view token, absl::Time now);

  std::size_t size() const;

 private:
  const Jwt* const jwt_;
  const std::size_t capacity_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Jwt::Claims>> entries_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_TOKEN_CACHE_H_
