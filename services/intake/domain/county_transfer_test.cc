#include "services/intake/domain/county_transfer.h"

#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/dates.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

const absl::TimeZone kZone = absl::FixedTimeZone(8 * 3600);
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0), kZone);

v1::PushTransferRequest Push() {
  v1::PushTransferRequest r;
  r.set_county_case_id("XF-2026-000123");
  r.set_kind(v1::ASSIGNMENT);
  r.set_due_date("2026-03-20");
  r.set_channel(v1::ONLINE);
  r.set_category(v1::SUPERIOR_ASSIGNED);
  r.set_subject("拖欠工程款");
  r.set_content("县平台交办：某工程拖欠农民工工资。");
  auto* p = r.add_petitioners();
  p->set_name("李四");
  p->set_id_number("11010519491231002x");
  return r;
}

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  const petition::v1::ErrorDetails details = GetErrorDetails(s);
  for (const auto& v : details.violations()) out.push_back(v.field());
  return out;
}

TEST(CountyTransferTest, APushRegistersACountyCase) {
  auto t = BuildTransferCase(Push(), "county_platform", kNow, kZone);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->c.status(), v1::REGISTERED);
  EXPECT_EQ(t->c.source(), v1::COUNTY_ASSIGNMENT);
  EXPECT_EQ(t->c.county_case_id(), "XF-2026-000123");
  EXPECT_EQ(t->c.received_by(), "county_platform");
  EXPECT_EQ(t->c.petitioners(0).id_number(), "11010519491231002X");  // normalised
  EXPECT_EQ(t->due_date, "2026-03-20");
  auto push = Push();
  push.set_kind(v1::TRANSFER);
  push.clear_due_date();
  auto transfer = BuildTransferCase(push, "county_platform", kNow, kZone);
  ASSERT_TRUE(transfer.ok());
  EXPECT_EQ(transfer->c.source(), v1::COUNTY_TRANSFER);
  EXPECT_EQ(transfer->due_date, "");
}

TEST(CountyTransferTest, EveryViolationIsNamedWithTheRegistrationRules) {
  v1::PushTransferRequest push = Push();
  push.set_county_case_id("bad id/with slash");
  push.clear_kind();
  push.set_due_date("2026-02-30");
  push.mutable_petitioners(0)->set_id_number("110105194912310021");  // wrong check digit
  push.clear_subject();
  auto t = BuildTransferCase(push, "county_platform", kNow, kZone);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(t.status()), UnorderedElementsAre("countyCaseId", "kind", "dueDate",
                                                       "petitioners[0].idNumber", "subject"));
}

TEST(CountyTransferTest, ACountyIdIsOnePathSegmentThatNoProxyRewrites) {
  EXPECT_TRUE(IsValidCountyCaseId("XF-2026.000123"));
  EXPECT_TRUE(IsValidCountyCaseId("..."));
  for (const char* bad : {"", ".", "..", "a/b", "a b", "%2e"}) {
    EXPECT_FALSE(IsValidCountyCaseId(bad)) << bad;
  }
  EXPECT_FALSE(IsValidCountyCaseId(std::string(129, 'a')));
}

TEST(CountyTransferTest, TheCountyHearsOfDecisionsAndReviewRequestsOnly) {
  for (auto s : {v1::DECLINED, v1::ANSWERED, v1::CONCLUDED, v1::WITHDRAWN, v1::REVIEW_REQUESTED,
                 v1::OBJECTED}) {
    EXPECT_TRUE(FeedsBack(s)) << v1::CaseStatus_Name(s);
  }
  for (auto s : {v1::REGISTERED, v1::ACCEPTED}) {
    EXPECT_FALSE(FeedsBack(s)) << v1::CaseStatus_Name(s);
  }
}

TEST(CountyTransferTest, AReviewRequestGoesToTheCountyForTheTownshipsOwnCasesToo) {
  v1::Case township;
  township.set_source(v1::TOWNSHIP);
  v1::Case county;
  county.set_source(v1::COUNTY_ASSIGNMENT);
  EXPECT_TRUE(SendsToCounty(township, v1::REVIEW_REQUESTED));
  EXPECT_TRUE(SendsToCounty(county, v1::REVIEW_REQUESTED));
  // A recheck (复核) goes up the same way, one level further.
  EXPECT_TRUE(SendsToCounty(township, v1::RECHECK_REQUESTED));
  EXPECT_TRUE(SendsToCounty(county, v1::RECHECK_REQUESTED));
  EXPECT_FALSE(AwaitsPrincipalReview(v1::RECHECK_REQUESTED, /*review_policy=*/true));
  // The decisions of the bodies above came from there: nothing goes back.
  for (auto s : {v1::REVIEW_DECIDED, v1::FINAL}) {
    EXPECT_FALSE(SendsToCounty(township, s)) << v1::CaseStatus_Name(s);
    EXPECT_FALSE(SendsToCounty(county, s)) << v1::CaseStatus_Name(s);
  }
  // The township's own decisions stay the township's.
  for (auto s : {v1::DECLINED, v1::ANSWERED, v1::CONCLUDED, v1::WITHDRAWN}) {
    EXPECT_FALSE(SendsToCounty(township, s)) << v1::CaseStatus_Name(s);
    EXPECT_TRUE(SendsToCounty(county, s)) << v1::CaseStatus_Name(s);
  }
  EXPECT_FALSE(SendsToCounty(county, v1::ACCEPTED));
}

TEST(CountyTransferTest, AReviewRequestOfATownshipCaseNamesTheCaseAndTheReason) {
  v1::Case c;
  c.set_case_id("case_7");
  c.set_source(v1::TOWNSHIP);
  c.set_status(v1::REVIEW_REQUESTED);
  c.set_answer_opinion_id("op_1");
  *c.mutable_answered_at() = ToProtoTimestamp(kNow - absl::Hours(72));
  v1::Opinion* o = c.add_opinions();
  o->set_opinion_id("op_1");
  o->set_unit_id("unit_1");
  o->set_outcome(v1::NOT_UPHELD);
  o->set_decision("不予支持");
  v1::CaseStep* step = c.add_history();
  step->set_step(v1::REQUEST_REVIEW);
  step->set_note("对答复不服");
  *step->mutable_at() = ToProtoTimestamp(kNow);
  v1::CountyFeedback f = BuildFeedback(c, "", "dlv_7");
  EXPECT_EQ(f.case_id(), "case_7");
  EXPECT_EQ(f.county_case_id(), "");
  EXPECT_EQ(f.kind(), v1::TRANSFER_KIND_UNSPECIFIED);
  EXPECT_EQ(f.status(), v1::REVIEW_REQUESTED);
  EXPECT_EQ(f.note(), "对答复不服");
  EXPECT_EQ(ToAbslTime(f.occurred_at()), kNow);
  // What is to be reviewed: the answer.
  EXPECT_EQ(f.outcome(), v1::NOT_UPHELD);
  EXPECT_EQ(f.decision(), "不予支持");
}

TEST(CountyTransferTest, TheTownshipsReportsWaitForThePrincipalLeaderWhenThePolicySaysSo) {
  for (v1::CaseStatus s : {v1::DECLINED, v1::ANSWERED, v1::CONCLUDED}) {
    EXPECT_TRUE(AwaitsPrincipalReview(s, true)) << v1::CaseStatus_Name(s);
    EXPECT_FALSE(AwaitsPrincipalReview(s, false)) << v1::CaseStatus_Name(s);
  }
  // The petitioner's withdrawal is not the township's report.
  EXPECT_FALSE(AwaitsPrincipalReview(v1::WITHDRAWN, true));
  // Nothing that is not fed back waits.
  EXPECT_FALSE(AwaitsPrincipalReview(v1::ACCEPTED, true));
  // Nor does the petitioner's review request: it is not the township's report.
  EXPECT_FALSE(AwaitsPrincipalReview(v1::REVIEW_REQUESTED, true));
  // Nor an objection (A23): no report of handling, and time-critical.
  EXPECT_FALSE(AwaitsPrincipalReview(v1::OBJECTED, true));
}

TEST(CountyTransferTest, AnObjectionGoesToTheCountyWithItsReasonAndTheCompetentAuthority) {
  v1::Case c;
  c.set_case_id("case_9");
  c.set_county_case_id("XF-2026-000124");
  c.set_source(v1::COUNTY_TRANSFER);
  c.set_status(v1::OBJECTED);
  v1::Objection* o = c.mutable_objection();
  o->set_reason("属于劳动争议");
  o->set_competent_authority("县劳动人事争议仲裁委员会");
  o->set_objected_by("off_clerk");
  *o->mutable_objected_at() = ToProtoTimestamp(kNow);
  v1::CaseStep* step = c.add_history();
  step->set_step(v1::OBJECT);
  step->set_note("县劳动人事争议仲裁委员会: 属于劳动争议");
  *step->mutable_at() = ToProtoTimestamp(kNow);
  EXPECT_TRUE(SendsToCounty(c, v1::OBJECTED));
  v1::CountyFeedback f = BuildFeedback(c, "2026-03-20", "dlv_9");
  EXPECT_EQ(f.status(), v1::OBJECTED);
  EXPECT_EQ(f.kind(), v1::TRANSFER);
  EXPECT_EQ(f.county_case_id(), "XF-2026-000124");
  EXPECT_EQ(f.objection().reason(), "属于劳动争议");
  EXPECT_EQ(f.objection().competent_authority(), "县劳动人事争议仲裁委员会");
  EXPECT_EQ(f.note(), "属于劳动争议");
  EXPECT_EQ(ToAbslTime(f.occurred_at()), kNow);
  EXPECT_FALSE(f.has_answered_at());
  // A township's own case is never objected to, so never sends one.
  c.set_source(v1::TOWNSHIP);
  EXPECT_FALSE(SendsToCounty(c, v1::OBJECTED));
}

TEST(CountyTransferTest, FeedbackOfAnAnswerCarriesTheApprovedOpinion) {
  v1::Case c;
  c.set_case_id("case_1");
  c.set_county_case_id("XF-1");
  c.set_source(v1::COUNTY_TRANSFER);
  c.set_status(v1::ANSWERED);
  c.set_answer_opinion_id("op_2");
  *c.mutable_answered_at() = ToProtoTimestamp(kNow);
  *c.mutable_received_at() = ToProtoTimestamp(kNow - absl::Hours(48));
  for (const char* id : {"op_1", "op_2"}) {
    v1::Opinion* o = c.add_opinions();
    o->set_opinion_id(id);
    o->set_unit_id(std::string("unit_") + id);
    o->set_outcome(v1::UPHELD);
    o->set_decision(std::string("decision ") + id);
  }
  v1::CaseStep* step = c.add_history();
  step->set_step(v1::ANSWER);
  *step->mutable_at() = ToProtoTimestamp(kNow);
  v1::CountyFeedback f = BuildFeedback(c, "2026-03-20", "dlv_1");
  EXPECT_EQ(f.delivery_id(), "dlv_1");
  EXPECT_EQ(f.kind(), v1::TRANSFER);
  EXPECT_EQ(f.status(), v1::ANSWERED);
  EXPECT_EQ(f.decision(), "decision op_2");
  EXPECT_EQ(f.handling_unit_id(), "unit_op_2");
  EXPECT_EQ(f.outcome(), v1::UPHELD);
  EXPECT_EQ(ToAbslTime(f.occurred_at()), kNow);
  EXPECT_EQ(f.due_date(), "2026-03-20");
  EXPECT_EQ(f.decline_route(), v1::DECLINE_ROUTE_UNSPECIFIED);
}

TEST(CountyTransferTest, FeedbackOfADeclineSaysWhereAndWhy) {
  v1::Case c;
  c.set_source(v1::COUNTY_ASSIGNMENT);
  c.set_status(v1::DECLINED);
  c.set_decline_route(v1::LITIGATION);
  c.set_decline_authority("县人民法院");
  c.add_history()->set_note("LITIGATION 县人民法院: 属于民事纠纷");
  v1::CountyFeedback f = BuildFeedback(c, "", "dlv_2");
  EXPECT_EQ(f.kind(), v1::ASSIGNMENT);
  EXPECT_EQ(f.decline_route(), v1::LITIGATION);
  EXPECT_EQ(f.decline_authority(), "县人民法院");
  EXPECT_EQ(f.note(), "LITIGATION 县人民法院: 属于民事纠纷");
  EXPECT_FALSE(f.has_answered_at());
}

TEST(CountyTransferTest, SignatureIsHexHmacSha256OfTheBody) {
  // RFC 4231 test case 2.
  EXPECT_EQ(FeedbackSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CountyTransferTest, OnlyAPermanentRefusalParks) {
  EXPECT_EQ(VerdictOf(200), FeedbackVerdict::kDelivered);
  EXPECT_EQ(VerdictOf(204), FeedbackVerdict::kDelivered);
  for (int s : {400, 401, 403, 404, 409, 410, 422}) {
    EXPECT_EQ(VerdictOf(s), FeedbackVerdict::kPark) << s;
  }
  for (int s : {0, 301, 408, 429, 500, 502, 503, 504}) {
    EXPECT_EQ(VerdictOf(s), FeedbackVerdict::kRetry) << s;
  }
}

}  // namespace
}  // namespace petition::intake
