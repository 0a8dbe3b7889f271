#include "services/gateway/token_cache.h"

#include <utility>

namespace petition::gateway {

absl::StatusOr<Jwt::Claims> TokenCache::Verify(absl::string_view token, absl::Time now) {
  std::shared_ptr<const Jwt::Claims> entry;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = entries_.find(token);
    if (it != entries_.end()) entry = it->second;
  }
  if (entry != nullptr) {
    if (absl::Status times = jwt_->CheckTimes(*entry, now); !times.ok()) return times;
    return *entry;
  }
  absl::StatusOr<Jwt::Claims> claims = jwt_->Verify(token, now);
  if (!claims.ok()) return claims;
  auto fresh = std::make_shared<const Jwt::Claims>(*claims);
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= capacity_) entries_.clear();
  entries_.insert_or_assign(std::string(token), std::move(fresh));
  return claims;
}

std::size_t TokenCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace petition::gateway
