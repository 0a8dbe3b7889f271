#include "common/request_fingerprint.h"

#include "gtest/gtest.h"
#include "petition/v1/intake.pb.h"
#include "petition/v1/scheduling.pb.h"

namespace petition {
namespace {

intake::v1::RegisterCaseRequest Visit(const std::string& request_id) {
  intake::v1::RegisterCaseRequest r;
  r.set_request_id(request_id);
  r.set_channel(intake::v1::VISIT);
  r.set_subject("道路积水");
  r.set_content("村口道路雨后积水，影响出行。");
  r.add_petitioners()->set_name("张三");
  return r;
}

TEST(RequestFingerprintTest, IgnoresTheRequestIdOnly) {
  EXPECT_EQ(RequestFingerprint(Visit("a")), RequestFingerprint(Visit("another-request-id")));
  EXPECT_EQ(RequestFingerprint(Visit("a")), RequestFingerprint(Visit("")));
  intake::v1::RegisterCaseRequest other = Visit("a");
  other.set_subject("道路积水严重");
  EXPECT_NE(RequestFingerprint(Visit("a")), RequestFingerprint(other));
  other = Visit("a");
  other.mutable_petitioners(0)->set_phone("13800138000");
  EXPECT_NE(RequestFingerprint(Visit("a")), RequestFingerprint(other));
}

TEST(RequestFingerprintTest, MatchesHashingACopyWithoutTheId) {
  // The fast path (skip the id's bytes) must agree with the obvious definition.
  intake::v1::RegisterCaseRequest request = Visit(std::string(300, 'x'));  // a 2-byte length
  intake::v1::RegisterCaseRequest copy = request;
  copy.clear_request_id();
  EXPECT_EQ(RequestFingerprint(request), RequestFingerprint(copy));
}

TEST(RequestFingerprintTest, MessagesWithoutARequestIdHashEverything) {
  scheduling::v1::GetCalendarRequest a, b;
  a.set_year(2026);
  b.set_year(2027);
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(b));
}

}  // namespace
}  // namespace petition
