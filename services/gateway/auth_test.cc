#include "services/gateway/auth.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace petition::gateway {
namespace {

using ::testing::ElementsAre;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

v1::HttpRule Rule(std::vector<std::string> roles, bool is_public = false) {
  v1::HttpRule rule;
  for (const std::string& role : roles) rule.add_roles(role);
  rule.set_public_(is_public);
  return rule;
}

std::unique_ptr<Auth> MakeAuth() {
  absl::StatusOr<std::unique_ptr<Auth>> auth =
      Auth::Create("secret", "k1=county_platform:county, k2=exporter:supervisor+admin:unit_9");
  EXPECT_TRUE(auth.ok()) << auth.status();
  return *std::move(auth);
}

std::string Bearer(const Auth& auth, std::vector<std::string> roles,
                   absl::Time expires_at = kNow + absl::Hours(1)) {
  Jwt::Claims claims;
  claims.subject = "official_1";
  claims.roles = std::move(roles);
  claims.unit_id = "unit_1";
  claims.expires_at = expires_at;
  return absl::StrCat("Bearer ", auth.jwt().Mint(claims));
}

TEST(AuthTest, ParsesApiKeys) {
  auto keys = Auth::ParseApiKeys("k1=county_platform:county,k2=exporter:supervisor+admin:unit_9");
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ(keys->at("k1").subject, "county_platform");
  EXPECT_THAT(keys->at("k1").roles, ElementsAre("county"));
  EXPECT_THAT(keys->at("k2").roles, ElementsAre("supervisor", "admin"));
  EXPECT_EQ(keys->at("k2").unit_id, "unit_9");
  EXPECT_TRUE(Auth::ParseApiKeys("")->empty());
  for (const char* bad : {"k1", "k1=", "=s:r", "k1=s", "k1=s:", "k1=s:r:u:x", "k=s:r,k=t:r",
                          "k1=s p:r", "k1=s:r:unit/9"}) {
    EXPECT_FALSE(Auth::ParseApiKeys(bad).ok()) << bad;
  }
}

TEST(AuthTest, ClaimsThatAreNotIdsAreRefused) {
  // The principal travels in gRPC metadata and log lines: a signed token
  // with a subject such as "a\r\nb" or "张三" is refused, not forwarded.
  auto auth = MakeAuth();
  for (const char* subject : {"a\r\nb", "张三", "a b", ""}) {
    Jwt::Claims claims;
    claims.subject = subject;
    claims.roles = {"clerk"};
    claims.expires_at = kNow + absl::Hours(1);
    EXPECT_EQ(
        auth->Authorize(Rule({}), "Bearer " + auth->jwt().Mint(claims), "", kNow).status().code(),
        absl::StatusCode::kUnauthenticated)
        << subject;
  }
  Jwt::Claims bad_role;
  bad_role.subject = "official_1";
  bad_role.roles = {"clerk,admin"};
  bad_role.expires_at = kNow + absl::Hours(1);
  EXPECT_EQ(
      auth->Authorize(Rule({}), "Bearer " + auth->jwt().Mint(bad_role), "", kNow).status().code(),
      absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, EmptySecretIsRefused) { EXPECT_FALSE(Auth::Create("", "").ok()); }

TEST(AuthTest, NoCredentialsOnAPrivateRouteIsUnauthenticated) {
  auto auth = MakeAuth();
  EXPECT_EQ(auth->Authorize(Rule({}), "", "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, BearerTokenGivesThePrincipal) {
  auto auth = MakeAuth();
  absl::StatusOr<Principal> principal =
      auth->Authorize(Rule({"admin", "clerk"}), Bearer(*auth, {"clerk"}), "", kNow);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "official_1");
  EXPECT_EQ(principal->unit_id, "unit_1");
  // The scheme is case-insensitive.
  std::string lower = Bearer(*auth, {"clerk"});
  lower[0] = 'b';
  EXPECT_TRUE(auth->Authorize(Rule({}), lower, "", kNow).ok());
}

TEST(AuthTest, BadOrExpiredTokenIsUnauthenticated) {
  auto auth = MakeAuth();
  EXPECT_EQ(auth->Authorize(Rule({}), "Bearer abc.def.ghi", "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth->Authorize(Rule({}), Bearer(*auth, {"clerk"}, kNow), "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth->Authorize(Rule({}), "Basic dTpw", "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, MissingRoleIsPermissionDenied) {
  auto auth = MakeAuth();
  EXPECT_EQ(auth->Authorize(Rule({"admin"}), Bearer(*auth, {"clerk"}), "", kNow).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth->Authorize(Rule({"admin"}), "", "k1", kNow).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AuthTest, ApiKeys) {
  auto auth = MakeAuth();
  absl::StatusOr<Principal> principal = auth->Authorize(Rule({"county"}), "", "k1", kNow);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->subject, "county_platform");
  EXPECT_EQ(auth->Authorize(Rule({}), "", "nope", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, PublicRoutesNeedNothing) {
  auto auth = MakeAuth();
  absl::StatusOr<Principal> principal = auth->Authorize(Rule({}, true), "", "", kNow);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->subject, "");
  principal = auth->Authorize(Rule({}, true), "Bearer garbage", "", kNow);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->subject, "");
  principal = auth->Authorize(Rule({}, true), "", "k2", kNow);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->subject, "exporter");
}

}  // namespace
}  // namespace petition::gateway
