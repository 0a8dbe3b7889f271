#include "services/gateway/jwt.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/pem.h"
#include "openssl/rsa.h"

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

TEST(JwtTest, TheAlgOfATokenIsNeverEchoed) {
  const std::string marker = "<script>alert(1)</script>";
  auto refused = Jwt("secret").Verify(Forge(absl::StrCat(R"({"alg":")", marker, R"("})"),
                                            R"({"sub":"u","exp":1767229200})", "secret"),
                                      kNow);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(refused.status().message(), HasSubstr("alg is not accepted"));
  EXPECT_THAT(std::string(refused.status().message()), ::testing::Not(HasSubstr("script")));
}

// Nothing unsigned is parsed at length: a long token, a long header or deep
// JSON is refused before any JSON parser sees it (the messages say which
// bound refused it; a parse would have said "not a JSON object").
TEST(JwtTest, WhatIsReadBeforeTheSignatureIsBounded) {
  const std::string deep = absl::StrCat(std::string(5900, '['), std::string(5900, ']'));
  auto nested = Jwt("secret").Verify(
      absl::StrCat(Base64UrlEncode(deep), ".", Base64UrlEncode("{}"), ".x"), kNow);
  EXPECT_EQ(nested.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(nested.status().message(), HasSubstr("too long"));
  const std::string five = R"({"alg":"HS256","x":[[[[{}]]]]})";
  auto too_deep =
      Jwt("secret").Verify(Forge(five, R"({"sub":"u","exp":1767229200})", "secret"), kNow);
  EXPECT_THAT(too_deep.status().message(), HasSubstr("nests too deeply"));
  // Brackets inside strings are not nesting.
  auto in_string = Jwt("secret").Verify(
      Forge(R"({"alg":"HS256","x":"[[[[[[[[\"]]"})", R"({"sub":"u","exp":1767229200})", "secret"),
      kNow);
  EXPECT_TRUE(in_string.ok()) << in_string.status();
  const std::string claims_deep = R"({"sub":"u","exp":1767229200,"x":[[[[[1]]]]]})";
  EXPECT_THAT(Jwt("secret")
                  .Verify(Forge(R"({"alg":"HS256"})", claims_deep, "secret"), kNow)
                  .status()
                  .message(),
              HasSubstr("nests too deeply"));
  EXPECT_THAT(Jwt("secret").Verify(std::string(8193, 'a'), kNow).status().message(),
              HasSubstr("too long"));
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

// RSA key pairs as PEM, made once (2048 bits takes a moment).
struct RsaPem {
  std::string private_pem;
  std::string public_pem;
};

RsaPem MakeRsa(int bits = 2048) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  RsaPem pem;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  pem.private_pem.assign(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  size = BIO_get_mem_data(bio, &data);
  pem.public_pem.assign(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

const RsaPem& KeyA() {
  static const RsaPem* const pem = new RsaPem(MakeRsa());
  return *pem;
}
const RsaPem& KeyB() {
  static const RsaPem* const pem = new RsaPem(MakeRsa());
  return *pem;
}

// A verifier with the public halves of A (kid "a") and B (kid "b"), an HS256
// key "h" and the default HS256 key.
Jwt Verifier(JwtOptions options = {}) {
  std::vector<JwtKey> keys;
  keys.push_back(*JwtKey::Hs256("", "secret"));
  keys.push_back(*JwtKey::Hs256("h", "h-secret"));
  keys.push_back(*JwtKey::Rs256("a", KeyA().public_pem));
  keys.push_back(*JwtKey::Rs256("b", KeyB().public_pem));
  absl::StatusOr<Jwt> jwt = Jwt::Create(std::move(keys), std::move(options));
  EXPECT_TRUE(jwt.ok()) << jwt.status();
  return *std::move(jwt);
}

// Signed by a private key under `kid`.
std::string MintRs(const RsaPem& pem, const std::string& kid, const Jwt::Claims& claims) {
  absl::StatusOr<JwtKey> key = JwtKey::Rs256(kid, pem.private_pem);
  EXPECT_TRUE(key.ok()) << key.status();
  absl::StatusOr<Jwt> signer = Jwt::Create({*std::move(key)}, {});
  absl::StatusOr<std::string> token = signer->Mint(claims, kid);
  EXPECT_TRUE(token.ok()) << token.status();
  return *token;
}

TEST(JwtRs256Test, AGoodSignatureVerifiesUnderItsKid) {
  absl::StatusOr<Jwt::Claims> claims = Verifier().Verify(MintRs(KeyA(), "a", SomeClaims()), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "official_7");
  EXPECT_THAT(claims->roles, ElementsAre("clerk", "leader"));
  // And B's under "b": the kid picks the key.
  EXPECT_TRUE(Verifier().Verify(MintRs(KeyB(), "b", SomeClaims()), kNow).ok());
}

TEST(JwtRs256Test, TheWrongKeyOrATamperedTokenIsABadSignature) {
  // Signed by B, claiming A's kid.
  absl::StatusOr<Jwt::Claims> claims = Verifier().Verify(MintRs(KeyB(), "a", SomeClaims()), kNow);
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(claims.status().message(), HasSubstr("bad signature"));
  std::string good = MintRs(KeyA(), "a", SomeClaims());
  std::string::size_type first = good.find('.');
  std::string::size_type second = good.find('.', first + 1);
  std::string tampered =
      absl::StrCat(good.substr(0, first + 1),
                   Base64UrlEncode(R"({"sub":"official_7","roles":["admin"],"exp":1767229200})"),
                   good.substr(second));
  EXPECT_THAT(Verifier().Verify(tampered, kNow).status().message(), HasSubstr("bad signature"));
  // An unknown kid is refused before any signature check.
  EXPECT_THAT(Verifier().Verify(MintRs(KeyA(), "c", SomeClaims()), kNow).status().message(),
              HasSubstr("unknown kid"));
}

TEST(JwtRs256Test, TheKeysAlgDecidesNotTheHeader) {
  // HS256 "signed" with A's public key as the HMAC secret, under A's kid:
  // the classic confusion attack.
  std::string confused =
      Forge(R"({"alg":"HS256","kid":"a"})", R"({"sub":"u","exp":1767229200})", KeyA().public_pem);
  absl::StatusOr<Jwt::Claims> claims = Verifier().Verify(confused, kNow);
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(claims.status().message(), HasSubstr("does not match"));
  // RS256 claimed for an HS256 key.
  std::string header = Base64UrlEncode(R"({"alg":"RS256","kid":"h"})");
  std::string payload = Base64UrlEncode(R"({"sub":"u","exp":1767229200})");
  EXPECT_THAT(
      Verifier().Verify(absl::StrCat(header, ".", payload, ".AAAA"), kNow).status().message(),
      HasSubstr("does not match"));
  // alg none, with and without a kid.
  for (const char* none :
       {R"({"alg":"none"})", R"({"alg":"none","kid":"a"})", R"({"alg":"None","kid":"h"})"}) {
    std::string token = absl::StrCat(Base64UrlEncode(none), ".", payload, ".");
    EXPECT_EQ(Verifier().Verify(token, kNow).status().code(), absl::StatusCode::kUnauthenticated)
        << none;
  }
}

TEST(JwtRs256Test, KidSelectsAmongHs256KeysToo) {
  EXPECT_TRUE(Verifier()
                  .Verify(Forge(R"({"alg":"HS256","kid":"h"})", R"({"sub":"u","exp":1767229200})",
                                "h-secret"),
                          kNow)
                  .ok());
  // The default key's secret under kid "h" is a bad signature.
  EXPECT_FALSE(Verifier()
                   .Verify(Forge(R"({"alg":"HS256","kid":"h"})", R"({"sub":"u","exp":1767229200})",
                                 "secret"),
                           kNow)
                   .ok());
  // Without a kid: the default key.
  EXPECT_TRUE(
      Verifier()
          .Verify(Forge(R"({"alg":"HS256"})", R"({"sub":"u","exp":1767229200})", "secret"), kNow)
          .ok());
}

TEST(JwtRs256Test, KeysAreCheckedWhenConfigured) {
  EXPECT_FALSE(JwtKey::Rs256("a", "not a pem").ok());
  EXPECT_FALSE(JwtKey::Rs256("small", MakeRsa(1024).public_pem).ok());
  EXPECT_FALSE(JwtKey::Hs256("", "").ok());
  // A public key cannot sign.
  absl::StatusOr<Jwt> verifier = Jwt::Create({*JwtKey::Rs256("a", KeyA().public_pem)}, {});
  ASSERT_TRUE(verifier.ok());
  EXPECT_EQ(verifier->Mint(SomeClaims(), "a").status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Kids are unique.
  EXPECT_FALSE(Jwt::Create({*JwtKey::Hs256("k", "1"), *JwtKey::Hs256("k", "2")}, {}).ok());
  EXPECT_FALSE(Jwt::Create({}, {}).ok());
}

TEST(JwtRs256Test, IssuerAndAudienceWhenConfigured) {
  JwtOptions options;
  options.issuer = "https://idp.example";
  options.audience = "petition";
  Jwt jwt = Verifier(options);
  Jwt::Claims claims = SomeClaims();
  EXPECT_THAT(jwt.Verify(MintRs(KeyA(), "a", claims), kNow).status().message(),
              HasSubstr("wrong issuer"));
  claims.issuer = "https://idp.example";
  EXPECT_THAT(jwt.Verify(MintRs(KeyA(), "a", claims), kNow).status().message(),
              HasSubstr("wrong audience"));
  claims.audience = "petition";
  EXPECT_TRUE(jwt.Verify(MintRs(KeyA(), "a", claims), kNow).ok());
  claims.audience = "other";
  EXPECT_FALSE(jwt.Verify(MintRs(KeyA(), "a", claims), kNow).ok());
  // aud as an array holding it.
  EXPECT_TRUE(jwt.Verify(Forge(R"({"alg":"HS256"})",
                               R"({"sub":"u","exp":1767229200,"iss":"https://idp.example",)"
                               R"("aud":["x","petition"]})",
                               "secret"),
                         kNow)
                  .ok());
  // Not configured: not checked.
  EXPECT_TRUE(Verifier().Verify(MintRs(KeyA(), "a", claims), kNow).ok());
}

TEST(JwtRs256Test, LeewayOnExpNbfAndIat) {
  JwtOptions options;
  options.leeway = absl::Seconds(30);
  Jwt jwt = Verifier(options);
  Jwt::Claims claims = SomeClaims();
  claims.expires_at = kNow - absl::Seconds(20);
  EXPECT_TRUE(jwt.Verify(MintRs(KeyA(), "a", claims), kNow).ok());
  claims.expires_at = kNow - absl::Seconds(30);
  EXPECT_THAT(jwt.Verify(MintRs(KeyA(), "a", claims), kNow).status().message(),
              HasSubstr("expired"));
  // Issued 20 s in the future (a fast clock): within the leeway; 40 s: not.
  claims.expires_at = kNow + absl::Hours(1);
  claims.issued_at = kNow + absl::Seconds(20);
  EXPECT_TRUE(jwt.Verify(MintRs(KeyA(), "a", claims), kNow).ok());
  claims.issued_at = kNow + absl::Seconds(40);
  EXPECT_THAT(jwt.Verify(MintRs(KeyA(), "a", claims), kNow).status().message(),
              HasSubstr("issued in the future"));
  // nbf likewise.
  const std::string nbf_soon =
      Forge(R"({"alg":"HS256"})",
            absl::StrCat(R"({"sub":"u","exp":1767229200,"nbf":)",
                         absl::ToUnixSeconds(kNow + absl::Seconds(20)), "}"),
            "secret");
  EXPECT_TRUE(jwt.Verify(nbf_soon, kNow).ok());
  EXPECT_FALSE(Verifier().Verify(nbf_soon, kNow).ok());  // no leeway
}

TEST(JwtKeyFileTest, ReadsNamedKeysRelativeToTheFile) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / absl::StrCat("jwt_keys_", getpid());
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  };
  write("a.pub.pem", KeyA().public_pem);
  write("h.secret", "  h-secret\n");
  write("keys", "# kid alg file\n2026-a RS256 a.pub.pem\n\nold-h HS256 h.secret  # rolling out\n");
  absl::StatusOr<std::vector<JwtKey>> keys = ReadJwtKeyFile((dir / "keys").string());
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid(), "2026-a");
  EXPECT_EQ((*keys)[0].alg(), JwtAlg::kRs256);
  EXPECT_EQ((*keys)[1].kid(), "old-h");
  absl::StatusOr<Jwt> jwt = Jwt::Create(*std::move(keys), {});
  ASSERT_TRUE(jwt.ok());
  EXPECT_TRUE(jwt->Verify(MintRs(KeyA(), "2026-a", SomeClaims()), kNow).ok());
  EXPECT_TRUE(jwt->Verify(Forge(R"({"alg":"HS256","kid":"old-h"})",
                                R"({"sub":"u","exp":1767229200})", "h-secret"),
                          kNow)
                  .ok());

  for (const std::string& bad : {std::string("k RS256\n"), std::string("k ES256 a.pub.pem\n"),
                                 std::string("k RS256 missing.pem\n"),
                                 std::string("k RS256 h.secret\n"), std::string("# empty\n")}) {
    write("bad", bad);
    absl::StatusOr<std::vector<JwtKey>> refused = ReadJwtKeyFile((dir / "bad").string());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  write("bad", "k HS256 h.secret\nk2 RS256 nope.pem\n");
  EXPECT_THAT(ReadJwtKeyFile((dir / "bad").string()).status().message(), HasSubstr("line 2"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace petition::gateway
