#include "common/call_proof.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace petition {
namespace {

constexpr char kGetCase[] = "/petition.intake.v1.Intake/GetCase";
const std::string kSecret(40, 's');

CallKey Key(const std::string& secret = kSecret) {
  absl::StatusOr<CallKey> key = CallKey::Create(secret);
  EXPECT_TRUE(key.ok()) << key.status();
  return *key;
}

CallClaims Claims() { return CallClaims{"off_1", "clerk,leader", "unit_1", "req-1"}; }

TEST(CallProofTest, AProofIsGoodForItsCallAndCallerOnly) {
  const absl::Time now = absl::Now();
  CallKey key = Key();
  const std::string proof = key.Sign("gateway", kGetCase, Claims(), now + absl::Seconds(5));
  absl::StatusOr<std::string> caller = key.Verify(proof, kGetCase, Claims(), now);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(*caller, "gateway");

  auto refused = [&](std::string_view p, std::string_view method, const CallClaims& claims,
                     absl::Time at) {
    absl::StatusOr<std::string> r = key.Verify(p, method, claims, at);
    return !r.ok() && r.status().code() == absl::StatusCode::kUnauthenticated;
  };
  EXPECT_TRUE(refused(proof, "/petition.intake.v1.Intake/RegisterCase", Claims(), now));
  for (int field = 0; field < 4; ++field) {
    CallClaims other = Claims();
    std::string* f[] = {&other.subject, &other.roles, &other.unit_id, &other.request_id};
    *f[field] += "x";
    EXPECT_TRUE(refused(proof, kGetCase, other, now)) << field;
  }
  CallClaims admin = Claims();
  admin.roles = "admin";
  EXPECT_TRUE(refused(proof, kGetCase, admin, now));
  EXPECT_TRUE(refused(proof, kGetCase, Claims(), now + absl::Seconds(6)));  // expired
  EXPECT_TRUE(refused("", kGetCase, Claims(), now));
  EXPECT_TRUE(refused("v1.gateway.1.abc", kGetCase, Claims(), now));
  // Another caller named over the same MAC.
  std::string renamed = proof;
  renamed.replace(3, 7, "intake");
  EXPECT_TRUE(refused(renamed, kGetCase, Claims(), now));
  // Signed with another secret.
  EXPECT_TRUE(
      refused(Key(std::string(40, 't')).Sign("gateway", kGetCase, Claims(), now + absl::Seconds(5)),
              kGetCase, Claims(), now));
  // An expiry too far ahead is not a short-lived proof.
  EXPECT_TRUE(refused(key.Sign("gateway", kGetCase, Claims(), now + absl::Hours(1)), kGetCase,
                      Claims(), now));
  // Only the four processes are callers.
  EXPECT_TRUE(refused(key.Sign("admin", kGetCase, Claims(), now + absl::Seconds(5)), kGetCase,
                      Claims(), now));
}

TEST(CallProofTest, SignerSignsAsItsCallerForAFewSeconds) {
  CallSigner signer("intake", Key());
  const absl::Time now = absl::Now();
  const std::string proof =
      signer.Sign("/petition.supervision.v1.Supervision/ApplyCaseEvents", CallClaims{}, now);
  auto caller = Key().Verify(proof, "/petition.supervision.v1.Supervision/ApplyCaseEvents",
                             CallClaims{}, now);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(*caller, "intake");
  EXPECT_FALSE(Key()
                   .Verify(proof, "/petition.supervision.v1.Supervision/ApplyCaseEvents",
                           CallClaims{}, now + kProofLifetime)
                   .ok());
}

TEST(CallProofTest, ShortSecretsAreRefused) {
  EXPECT_FALSE(CallKey::Create("").ok());
  EXPECT_FALSE(CallKey::Create(std::string(31, 'a')).ok());
  EXPECT_TRUE(CallKey::Create(std::string(32, 'a')).ok());
}

}  // namespace
}  // namespace petition
