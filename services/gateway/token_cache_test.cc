#include "services/gateway/token_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace petition::gateway {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

std::string Token(const Jwt& jwt, absl::Duration ttl,
                  absl::Time not_before = absl::InfinitePast()) {
  Jwt::Claims claims;
  claims.subject = "official_9";
  claims.roles = {"clerk", "leader"};
  claims.unit_id = "unit_2";
  claims.expires_at = kNow + ttl;
  std::string token = jwt.Mint(claims);
  return token;
}

TEST(TokenCacheTest, AHitGivesTheVerifiedClaims) {
  Jwt jwt("secret");
  TokenCache cache(&jwt);
  std::string token = Token(jwt, absl::Hours(1));
  absl::StatusOr<Jwt::Claims> first = cache.Verify(token, kNow);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(cache.size(), 1u);
  absl::StatusOr<Jwt::Claims> second = cache.Verify(token, kNow + absl::Minutes(5));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->subject, "official_9");
  EXPECT_EQ(second->roles, (std::vector<std::string>{"clerk", "leader"}));
  EXPECT_EQ(second->unit_id, "unit_2");
  EXPECT_EQ(second->expires_at, first->expires_at);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(TokenCacheTest, ACachedTokenStillExpires) {
  Jwt jwt("secret");
  TokenCache cache(&jwt);
  std::string token = Token(jwt, absl::Hours(1));
  ASSERT_TRUE(cache.Verify(token, kNow).ok());
  absl::StatusOr<Jwt::Claims> late = cache.Verify(token, kNow + absl::Hours(1));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(late.status().message(), jwt.Verify(token, kNow + absl::Hours(1)).status().message());
}

TEST(TokenCacheTest, OtherTokensAreVerifiedInFull) {
  Jwt jwt("secret");
  TokenCache cache(&jwt);
  std::string token = Token(jwt, absl::Hours(1));
  ASSERT_TRUE(cache.Verify(token, kNow).ok());
  // Another signature on the same header and payload misses and fails.
  std::string forged = token.substr(0, token.rfind('.') + 1) + "AAAA";
  EXPECT_EQ(cache.Verify(forged, kNow).status().code(), absl::StatusCode::kUnauthenticated);
  // So does a token signed with another secret.
  EXPECT_FALSE(cache.Verify(Token(Jwt("other"), absl::Hours(1)), kNow).ok());
  // Failures are not cached.
  EXPECT_EQ(cache.size(), 1u);
  std::string second = Token(jwt, absl::Hours(2));
  ASSERT_TRUE(cache.Verify(second, kNow).ok());
  EXPECT_EQ(cache.size(), 2u);
}

TEST(TokenCacheTest, StaysWithinItsCapacity) {
  Jwt jwt("secret");
  TokenCache cache(&jwt, /*capacity=*/2);
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(cache.Verify(Token(jwt, absl::Hours(i)), kNow).ok());
    EXPECT_LE(cache.size(), 2u);
  }
}

}  // namespace
}  // namespace petition::gateway
