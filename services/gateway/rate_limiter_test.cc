#include "services/gateway/rate_limiter.h"

#include "gtest/gtest.h"

namespace petition::gateway {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

TEST(RateLimiterTest, ABurstThenTheRate) {
  RateLimiter limiter(/*rate=*/2, /*burst=*/3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("alice", kNow), std::nullopt) << i;
  std::optional<absl::Duration> wait = limiter.Take("alice", kNow);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, absl::Milliseconds(500));
  // Another key has a bucket of its own.
  EXPECT_EQ(limiter.Take("bob", kNow), std::nullopt);
  // Half a second earns one token at 2/s.
  EXPECT_EQ(limiter.Take("alice", kNow + absl::Milliseconds(500)), std::nullopt);
  EXPECT_TRUE(limiter.Take("alice", kNow + absl::Milliseconds(500)).has_value());
  // Never more than the burst, however long the pause.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("alice", kNow + absl::Hours(1)), std::nullopt);
  EXPECT_TRUE(limiter.Take("alice", kNow + absl::Hours(1)).has_value());
}

TEST(RateLimiterTest, PeekTellsWithoutTaking) {
  RateLimiter limiter(/*rate=*/1, /*burst=*/2);
  EXPECT_EQ(limiter.Peek("mallory", kNow), std::nullopt);  // no bucket yet: full
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.Peek("mallory", kNow), std::nullopt);
  EXPECT_EQ(limiter.Take("mallory", kNow), std::nullopt);
  EXPECT_EQ(limiter.Take("mallory", kNow), std::nullopt);
  std::optional<absl::Duration> wait = limiter.Peek("mallory", kNow);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, absl::Seconds(1));
  EXPECT_EQ(limiter.Peek("mallory", kNow + absl::Seconds(1)), std::nullopt);
  EXPECT_EQ(RateLimiter(0, 0).Peek("x", kNow), std::nullopt);
}

TEST(RateLimiterTest, OffWhenTheRateIsZero) {
  RateLimiter limiter(0, 0);
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.Take("k", kNow), std::nullopt);
}

TEST(RateLimiterTest, ManyKeysStayBoundedAndLimited) {
  RateLimiter limiter(1, 1, /*max_keys=*/32);
  // Far more keys than it keeps: the oldest buckets go, and every key is
  // still limited after its first request.
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    EXPECT_EQ(limiter.Take(key, kNow), std::nullopt) << key;
    EXPECT_TRUE(limiter.Take(key, kNow).has_value()) << key;
  }
}

}  // namespace
}  // namespace petition::gateway
