#include "services/gateway/jwt.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace petition::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

Jwt::Claims SomeClaims() {
  Jwt::Claims claims;
  claims.subject = "official_7";
  claims.roles = {"clerk", "leader"};
  claims.unit_id = "unit_3";
  claims.issued_at = kNow - absl::Hours(1);
  claims.expires_at = kNow + absl::Hours(1);
  return claims;
}

// A token with the given header and payload JSON, signed with `secret`.
std::string Forge(absl::string_view header, absl::string_view payload, absl::string_view secret) {
  std::string input = absl::StrCat(Base64UrlEncode(header), ".", Base64UrlEncode(payload));
  return absl::StrCat(input, ".",
                      Base64UrlEncode(HmacSha256(std::string(secret), std::string(input))));
}

absl::StatusCode VerifyCode(absl::string_view token) {
  return Jwt("secret").Verify(token, kNow).status().code();
}

TEST(JwtTest, RoundTrip) {
  Jwt jwt("secret");
  std::string token = jwt.Mint(SomeClaims());
  EXPECT_EQ(token.find('='), std::string::npos);
  absl::StatusOr<Jwt::Claims> claims = jwt.Verify(token, kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "official_7");
  EXPECT_THAT(claims->roles, ElementsAre("clerk", "leader"));
  EXPECT_EQ(claims->unit_id, "unit_3");
  EXPECT_EQ(claims->issued_at, kNow - absl::Hours(1));
  EXPECT_EQ(claims->expires_at, kNow + absl::Hours(1));
}

TEST(JwtTest, AcceptsATokenMadeElsewhere) {
  std::string token = Forge(R"({"typ":"JWT","alg":"HS256"})",
                            R"({"sub":"u1","roles":["admin"],"exp":1767229200})", "secret");
  absl::StatusOr<Jwt::Claims> claims = Jwt("secret").Verify(token, kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "u1");
  EXPECT_THAT(claims->roles, ElementsAre("admin"));
  EXPECT_EQ(claims->unit_id, "");
}

TEST(JwtTest, BadSignatureIsRejected) {
  std::string token = Jwt("other secret").Mint(SomeClaims());
  absl::StatusOr<Jwt::Claims> claims = Jwt("secret").Verify(token, kNow);
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(claims.status().message(), HasSubstr("signature"));

  // A payload swapped under a valid signature.
  std::string good = Jwt("secret").Mint(SomeClaims());
  std::string::size_type first = good.find('.');
  std::string::size_type second = good.find('.', first + 1);
  std::string tampered =
      absl::StrCat(good.substr(0, first + 1),
                   Base64UrlEncode(R"({"sub":"official_7","roles":["admin"],"exp":1767229200})"),
                   good.substr(second));
  EXPECT_EQ(VerifyCode(tampered), absl::StatusCode::kUnauthenticated);
  // A truncated signature.
  EXPECT_EQ(VerifyCode(good.substr(0, good.size() - 2)), absl::StatusCode::kUnauthenticated);
}

TEST(JwtTest, ExpiredIsRejected) {
  Jwt::Claims claims = SomeClaims();
  claims.expires_at = kNow;
  absl::StatusOr<Jwt::Claims> verified = Jwt("secret").Verify(Jwt("secret").Mint(claims), kNow);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(verified.status().message(), HasSubstr("expired"));
  EXPECT_TRUE(Jwt("secret").Verify(Jwt("secret").Mint(claims), kNow - absl::Seconds(1)).ok());
}

TEST(JwtTest, ExpIsRequired) {
  EXPECT_EQ(VerifyCode(Forge(R"({"alg":"HS256"})", R"({"sub":"u1"})", "secret")),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyCode(Forge(R"({"alg":"HS256"})", R"({"sub":"u1","exp":"later"})", "secret")),
            absl::StatusCode::kUnauthenticated);
}

TEST(JwtTest, TimesAreWholeSecondsInRange) {
  // 1e300 once went through an undefined double-to-integer conversion.
  for (const char* exp :
       {"1e300", "-1e300", "1e19", "9.3e18", "253402300800", "-1", "1767229200.5", "1e-7"}) {
    absl::StatusOr<Jwt::Claims> verified = Jwt("secret").Verify(
        Forge(R"({"alg":"HS256"})", absl::StrCat(R"({"sub":"u","exp":)", exp, "}"), "secret"),
        kNow);
    EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated) << exp;
  }
  for (const char* nbf : {"1e300", "0.5", "-5"}) {
    EXPECT_EQ(VerifyCode(Forge(R"({"alg":"HS256"})",
                               absl::StrCat(R"({"sub":"u","exp":1767229200,"nbf":)", nbf, "}"),
                               "secret")),
              absl::StatusCode::kUnauthenticated)
        << nbf;
  }
  // The end of year 9999 is the latest accepted.
  absl::StatusOr<Jwt::Claims> far = Jwt("secret").Verify(
      Forge(R"({"alg":"HS256"})", R"({"sub":"u","exp":253402300799})", "secret"), kNow);
  ASSERT_TRUE(far.ok()) << far.status();
  EXPECT_EQ(far->expires_at, absl::FromUnixSeconds(253402300799));
}

TEST(JwtTest, SubjectIsRequiredAndClaimsAreTyped) {
  EXPECT_EQ(VerifyCode(Forge(R"({"alg":"HS256"})", R"({"exp":1767229200})", "secret")),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyCode(Forge(R"({"alg":"HS256"})",
                             R"({"sub":"u","roles":"admin","exp":1767229200})", "secret")),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyCode(Forge(R"({"alg":"HS256"})", R"({"sub":"u","roles":[1],"exp":1767229200})",
                             "secret")),
            absl::StatusCode::kUnauthenticated);
}

TEST(JwtTest, NotBeforeIsHonoured) {
  EXPECT_EQ(VerifyCode(Forge(R"({"alg":"HS256"})",
                             R"({"sub":"u","nbf":1767229200,"exp":1767232800})", "secret")),
            absl::StatusCode::kUnauthenticated);
}

TEST(JwtTest, AlgNoneIsRejected) {
  std::string unsigned_token =
      absl::StrCat(Base64UrlEncode(R"({"alg":"none"})"), ".",
                   Base64UrlEncode(R"({"sub":"u","exp":1767229200})"), ".");
  EXPECT_EQ(VerifyCode(unsigned_token), absl::StatusCode::kUnauthenticated);
  // Even with a signature that would verify.
  EXPECT_EQ(VerifyCode(Forge(R"({"alg":"none"})", R"({"sub":"u","exp":1767229200})", "secret")),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyCode(Forge(R"({"alg":"HS512"})", R"({"sub":"u","exp":1767229200})", "secret")),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyCode(Forge(R"({})", R"({"sub":"u","exp":1767229200})", "secret")),
            absl::StatusCode::kUnauthenticated);
}

TEST(JwtTest, MalformedIsRejected) {
  std::string good = Jwt("secret").Mint(SomeClaims());
  for (const std::string& bad :
       {std::string(""), std::string("abc"), std::string("a.b"), absl::StrCat(good, ".x"),
        absl::StrCat(good, "="), absl::StrCat("!", good), std::string("..."),
        Forge("not json", R"({"sub":"u","exp":1767229200})", "secret"),
        Forge(R"({"alg":"HS256"})", "[1,2]", "secret")}) {
    EXPECT_EQ(VerifyCode(bad), absl::StatusCode::kUnauthenticated) << bad;
  }
}

TEST(JwtTest, Base64Url) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(*Base64UrlDecode("-_8"), "\xfb\xff");
  EXPECT_FALSE(Base64UrlDecode("-_8=").ok());
  EXPECT_FALSE(Base64UrlDecode("+/8").ok());
  EXPECT_FALSE(Base64UrlDecode("abcde").ok());
}

}  // namespace
}  // namespace petition::gateway
