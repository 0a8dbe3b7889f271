#include "services/gateway/auth.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace petition::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

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

TEST(AuthTest, ApiKeyHashIsTheHexSha256) {
  // printf %s abc | sha256sum
  EXPECT_EQ(ApiKeyHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuthTest, ParsesAnApiKeyFile) {
  const std::string text = absl::StrCat(
      "# hash subject roles unit\n", ApiKeyHash("k1"), " county_platform county\n\n",
      absl::AsciiStrToUpper(ApiKeyHash("k2")), "\texporter supervisor+admin unit_9  # comment\n");
  absl::StatusOr<Auth::KeyTable> keys = Auth::ParseApiKeyFile(text, "keys");
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ(keys->at(ApiKeyHash("k1")).subject, "county_platform");
  EXPECT_THAT(keys->at(ApiKeyHash("k2")).roles, ElementsAre("supervisor", "admin"));
  EXPECT_EQ(keys->at(ApiKeyHash("k2")).unit_id, "unit_9");
  const std::string h = ApiKeyHash("k1");
  for (const std::string& bad :
       {std::string("abc county_platform county"), absl::StrCat(h, " county_platform"),
        absl::StrCat(h, " s r u extra"), absl::StrCat(h, " s +"), absl::StrCat(h, " 张三 county"),
        absl::StrCat(h, " s r\n", h, " t r"), absl::StrCat(h.substr(1), "g s r")}) {
    absl::StatusOr<Auth::KeyTable> refused = Auth::ParseApiKeyFile(bad, "keys");
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(Auth::ParseApiKeyFile(absl::StrCat(h, " s r\nnope"), "keys").status().message(),
              HasSubstr("keys line 2"));
}

TEST(AuthTest, TheApiKeyFileIsReloadedAndABadOneKeepsTheKeys) {
  const std::string path =
      (std::filesystem::temp_directory_path() / absl::StrCat("api_keys_", getpid())).string();
  auto write = [&](const std::string& text) { std::ofstream(path, std::ios::trunc) << text; };
  write(absl::StrCat(ApiKeyHash("old-key"), " county_platform county\n"));
  absl::StatusOr<std::unique_ptr<Auth>> auth =
      Auth::Create(Jwt("secret"), "flag-key=tool:admin", path);
  ASSERT_TRUE(auth.ok()) << auth.status();
  const v1::HttpRule rule = Rule({});
  EXPECT_EQ((*auth)->Authorize(rule, "", "old-key", kNow)->subject, "county_platform");
  EXPECT_EQ((*auth)->Authorize(rule, "", "flag-key", kNow)->subject, "tool");

  // Rolled: a new key in, the old one out.
  write(absl::StrCat(ApiKeyHash("new-key"), " county_platform county\n"));
  absl::StatusOr<std::size_t> loaded = (*auth)->ReloadApiKeys();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, 2u);
  EXPECT_TRUE((*auth)->Authorize(rule, "", "new-key", kNow).ok());
  EXPECT_EQ((*auth)->Authorize(rule, "", "old-key", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);

  // A broken file: refused, the keys stay as they were.
  write("not a key file\n");
  EXPECT_FALSE((*auth)->ReloadApiKeys().ok());
  EXPECT_TRUE((*auth)->Authorize(rule, "", "new-key", kNow).ok());
  std::filesystem::remove(path);
  EXPECT_FALSE((*auth)->ReloadApiKeys().ok());
  EXPECT_TRUE((*auth)->Authorize(rule, "", "new-key", kNow).ok());
  // At start, a file that cannot be read stops the gateway.
  EXPECT_FALSE(Auth::Create(Jwt("secret"), "", path).ok());
}

TEST(AuthTest, ReplacedJwtKeysApplyAtOnceEvenToCachedTokens) {
  auto auth = MakeAuth();
  const std::string old_token = Bearer(*auth, {"clerk"});
  ASSERT_TRUE(auth->Authorize(Rule({}), old_token, "", kNow).ok());  // now cached
  auth->ReplaceJwt(Jwt("rolled secret"));
  EXPECT_EQ(auth->Authorize(Rule({}), old_token, "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(auth->Authorize(Rule({}), Bearer(*auth, {"clerk"}), "", kNow).ok());
  // API keys are untouched.
  EXPECT_TRUE(auth->Authorize(Rule({}), "", "k1", kNow).ok());
}

}  // namespace
}  // namespace petition::gateway
