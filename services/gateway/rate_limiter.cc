#include "services/gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"

namespace petition::gateway {

RateLimiter::RateLimiter(double rate, double burst, std::size_t max_keys)
    : rate_(rate),
      burst_(std::max(1.0, burst)),
      max_per_shard_(std::max<std::size_t>(1, max_keys / kShards)) {}

std::optional<absl::Duration> RateLimiter::Take(absl::string_view key, absl::Time now) {
  if (!enabled()) return std::nullopt;
  Shard& shard = shards_[absl::HashOf(key) % kShards];
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) {
      // Buckets full again are the same as no bucket: drop them.
      absl::erase_if(shard.buckets, [&](const auto& entry) {
        const Bucket& b = entry.second;
        return b.tokens + absl::ToDoubleSeconds(now - b.updated) * rate_ >= burst_;
      });
      if (shard.buckets.size() >= max_per_shard_) shard.buckets.clear();
    }
    it = shard.buckets.emplace(std::string(key), Bucket{burst_, now}).first;
  }
  Bucket& bucket = it->second;
  if (now > bucket.updated) {
    bucket.tokens =
        std::min(burst_, bucket.tokens + absl::ToDoubleSeconds(now - bucket.updated) * rate_);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  return absl::Seconds((1 - bucket.tokens) / rate_);
}

std::optional<absl::Duration> RateLimiter::Peek(absl::string_view key, absl::Time now) {
  if (!enabled()) return std::nullopt;
  Shard& shard = shards_[absl::HashOf(key) % kShards];
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) return std::nullopt;
  const Bucket& bucket = it->second;
  const double tokens = std::min(
      burst_, bucket.tokens + std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated)) * rate_);
  if (tokens >= 1) return std::nullopt;
  return absl::Seconds((1 - tokens) / rate_);
}

}  // namespace petition::gateway
