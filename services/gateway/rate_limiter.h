// Token buckets by key (a principal's subject, a client's address): each key
// earns `rate` tokens a second up to `burst`, and a request takes one. What a
// request that finds its bucket empty gets is how long until the next token
// (the gateway's 429 Retry-After). Thread-safe; memory is bounded by sweeping
// buckets that have refilled (an idle key costs nothing once it is full).
#ifndef PETITION_SERVICES_GATEWAY_RATE_LIMITER_H_
#define PETITION_SERVICES_GATEWAY_RATE_LIMITER_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace petition::gateway {

class RateLimiter {
 public:
  // `rate` <= 0 turns the limiter off (every request passes). `burst` below 1
  // is taken as 1. At most `max_keys` buckets are kept (when full, buckets
  // that have refilled are dropped first, then all).
  RateLimiter(double rate, double burst, std::size_t max_keys = 100000);

  bool enabled() const { return rate_ > 0; }

  // Takes a token from `key`'s bucket: nullopt when there was one, else the
  // time until there is.
  std::optional<absl::Duration> Take(absl::string_view key, absl::Time now);
  // The same answer without taking a token: nullopt when `key`'s bucket has
  // one (or has none yet: a new bucket is full).
  std::optional<absl::Duration> Peek(absl::string_view key, absl::Time now);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  static constexpr std::size_t kShards = 16;
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };

  const double rate_;
  const double burst_;
  const std::size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_RATE_LIMITER_H_
