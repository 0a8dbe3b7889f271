#include "services/intake/domain/case_lifecycle.h"

#include <map>
#include <set>
#include <utility>

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

using v1::CaseStatus;
using v1::Step;

const CaseStatus kStatuses[] = {v1::REGISTERED, v1::ACCEPTED,         v1::DECLINED,
                                v1::ANSWERED,   v1::REVIEW_REQUESTED, v1::CONCLUDED,
                                v1::WITHDRAWN,  v1::REVIEW_DECIDED,   v1::RECHECK_REQUESTED,
                                v1::FINAL,      v1::OBJECTED};
const Step kSteps[] = {
    v1::ACCEPT,          v1::DECLINE,  v1::SUBMIT_OPINION, v1::SUBMIT_FOR_APPROVAL,
    v1::APPROVE_OPINION, v1::ANSWER,   v1::REQUEST_REVIEW, v1::CONCLUDE,
    v1::WITHDRAW,        v1::DELIVER,  v1::DECIDE_REVIEW,  v1::REQUEST_RECHECK,
    v1::DECIDE_RECHECK,  v1::FINALIZE, v1::OBJECT};

// Exactly the transitions of the contract; every other pair is refused.
TEST(CaseLifecycleTest, AllowsExactlyTheContractsTransitions) {
  const std::map<std::pair<CaseStatus, Step>, CaseStatus> allowed = {
      {{v1::REGISTERED, v1::ACCEPT}, v1::ACCEPTED},
      {{v1::REGISTERED, v1::DECLINE}, v1::DECLINED},
      // 异议 (A23): only before the township decides on the case itself.
      {{v1::REGISTERED, v1::OBJECT}, v1::OBJECTED},
      {{v1::ACCEPTED, v1::SUBMIT_OPINION}, v1::ACCEPTED},
      {{v1::ACCEPTED, v1::SUBMIT_FOR_APPROVAL}, v1::ACCEPTED},
      {{v1::ACCEPTED, v1::APPROVE_OPINION}, v1::ACCEPTED},
      {{v1::ACCEPTED, v1::ANSWER}, v1::ANSWERED},
      {{v1::ANSWERED, v1::DELIVER}, v1::ANSWERED},
      {{v1::ANSWERED, v1::REQUEST_REVIEW}, v1::REVIEW_REQUESTED},
      {{v1::ANSWERED, v1::CONCLUDE}, v1::CONCLUDED},
      {{v1::REVIEW_REQUESTED, v1::CONCLUDE}, v1::CONCLUDED},
      {{v1::REGISTERED, v1::WITHDRAW}, v1::WITHDRAWN},
      {{v1::ACCEPTED, v1::WITHDRAW}, v1::WITHDRAWN},
      {{v1::ANSWERED, v1::WITHDRAW}, v1::WITHDRAWN},
      {{v1::REVIEW_REQUESTED, v1::WITHDRAW}, v1::WITHDRAWN},
      // The review chain (review_chain.h).
      {{v1::REVIEW_REQUESTED, v1::DECIDE_REVIEW}, v1::REVIEW_DECIDED},
      {{v1::REVIEW_DECIDED, v1::REQUEST_RECHECK}, v1::RECHECK_REQUESTED},
      {{v1::ANSWERED, v1::REQUEST_RECHECK}, v1::RECHECK_REQUESTED},
      {{v1::RECHECK_REQUESTED, v1::DECIDE_RECHECK}, v1::FINAL},
      {{v1::ANSWERED, v1::FINALIZE}, v1::FINAL},
      {{v1::REVIEW_DECIDED, v1::FINALIZE}, v1::FINAL},
      {{v1::REVIEW_DECIDED, v1::WITHDRAW}, v1::WITHDRAWN},
      {{v1::RECHECK_REQUESTED, v1::WITHDRAW}, v1::WITHDRAWN},
  };
  for (CaseStatus from : kStatuses) {
    for (Step step : kSteps) {
      auto next = NextStatus(from, step, /*rated=*/false);
      auto it = allowed.find({from, step});
      if (it != allowed.end()) {
        ASSERT_TRUE(next.ok()) << v1::CaseStatus_Name(from) << " " << v1::Step_Name(step);
        EXPECT_EQ(*next, it->second);
      } else {
        ASSERT_FALSE(next.ok()) << v1::CaseStatus_Name(from) << " " << v1::Step_Name(step);
        EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_NE(next.status().message().find(v1::CaseStatus_Name(from)), std::string::npos)
            << next.status();
      }
    }
  }
}

TEST(CaseLifecycleTest, RatingOnceAfterTheAnswer) {
  for (CaseStatus s : {v1::ANSWERED, v1::REVIEW_REQUESTED, v1::CONCLUDED, v1::REVIEW_DECIDED,
                       v1::RECHECK_REQUESTED, v1::FINAL}) {
    auto next = NextStatus(s, v1::RATE, false);
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, s);  // a rating does not move the case
    EXPECT_EQ(NextStatus(s, v1::RATE, true).status().code(), absl::StatusCode::kAlreadyExists);
  }
  for (CaseStatus s : {v1::REGISTERED, v1::ACCEPTED, v1::DECLINED, v1::WITHDRAWN}) {
    EXPECT_EQ(NextStatus(s, v1::RATE, false).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
}

TEST(CaseLifecycleTest, FinalStatuses) {
  std::set<CaseStatus> final;
  for (CaseStatus s : kStatuses) {
    if (IsFinal(s)) final.insert(s);
  }
  // OBJECTED: the county decides on the objection; nothing more happens here.
  EXPECT_EQ(final, (std::set<CaseStatus>{v1::DECLINED, v1::CONCLUDED, v1::WITHDRAWN, v1::FINAL,
                                         v1::OBJECTED}));
}

TEST(CaseObjectionTest, NeedsAReasonAndTheCompetentAuthority) {
  v1::ObjectCaseRequest r;
  absl::Status s = ValidateObject(r);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  const petition::v1::ErrorDetails details = GetErrorDetails(s);
  std::set<std::string> fields;
  for (const auto& v : details.violations()) fields.insert(v.field());
  EXPECT_EQ(fields, (std::set<std::string>{"reason", "competentAuthority"}));
  r.set_reason("属于劳动争议，应由劳动人事争议仲裁委员会处理");
  r.set_competent_authority("县劳动人事争议仲裁委员会");
  EXPECT_TRUE(ValidateObject(r).ok());
  r.set_competent_authority(std::string(201, 'a'));
  EXPECT_EQ(ValidateObject(r).code(), absl::StatusCode::kInvalidArgument);
  r.set_competent_authority(std::string(200, 'a'));
  r.set_reason(std::string(4001, 'a'));
  EXPECT_EQ(ValidateObject(r).code(), absl::StatusCode::kInvalidArgument);
  r.set_reason("   ");
  EXPECT_EQ(ValidateObject(r).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CaseObjectionTest, OnlyACountyTransferMayBeObjectedTo) {
  v1::Case c;
  c.set_source(v1::COUNTY_TRANSFER);
  EXPECT_TRUE(CheckObjectable(c).ok());
  for (v1::CaseSource source : {v1::TOWNSHIP, v1::COUNTY_ASSIGNMENT}) {
    c.set_source(source);
    absl::Status s = CheckObjectable(c);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << v1::CaseSource_Name(source);
    ASSERT_EQ(GetErrorDetails(s).violations_size(), 1);
    EXPECT_EQ(GetErrorDetails(s).violations(0).field(), "source");
  }
}

}  // namespace
}  // namespace petition::intake

namespace petition::intake {
namespace {

std::string Fields(const absl::Status& s) { return std::string(s.message()); }

TEST(CaseLifecycleValidationTest, AcceptNamesEachField) {
  v1::AcceptCaseRequest r;
  absl::Status s = ValidateAccept(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  r.add_handling_unit_ids("unit_a");
  r.add_handling_unit_ids("unit_a");
  r.set_complexity(v1::SIMPLE);
  r.set_leader_id("off_leader");
  s = ValidateAccept(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(Fields(s).find("handlingUnitIds[1]"), std::string::npos) << s;
  r.set_handling_unit_ids(1, "unit b");
  EXPECT_NE(Fields(ValidateAccept(r)).find("handlingUnitIds[1]"), std::string::npos);
  r.set_handling_unit_ids(1, "unit_b");
  EXPECT_TRUE(ValidateAccept(r).ok());
  r.clear_leader_id();
  EXPECT_NE(Fields(ValidateAccept(r)).find("leaderId"), std::string::npos);
}

TEST(CaseLifecycleValidationTest, TheLeadersInstructionIsOptionalTextOfBoundedLength) {
  v1::AcceptCaseRequest r;
  r.add_handling_unit_ids("unit_a");
  r.set_complexity(v1::ORDINARY);
  r.set_leader_id("off_leader");
  r.set_instruction("请司法所会同村委会核实");
  EXPECT_TRUE(ValidateAccept(r).ok());
  r.set_instruction(std::string(4000 * 3, 'a').substr(0, 4000));
  EXPECT_TRUE(ValidateAccept(r).ok());
  r.set_instruction(std::string(4001, 'a'));
  EXPECT_NE(Fields(ValidateAccept(r)).find("instruction"), std::string::npos);
}

TEST(CaseLifecycleValidationTest, DeclineNeedsRouteAuthorityAndReason) {
  v1::DeclineCaseRequest r;
  absl::Status s = ValidateDecline(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  r.set_route(v1::LITIGATION);
  r.set_authority("某某县人民法院");
  r.set_reason("  ");
  EXPECT_NE(Fields(ValidateDecline(r)).find("reason"), std::string::npos);
  r.set_reason("属于民事纠纷，应通过诉讼解决");
  EXPECT_TRUE(ValidateDecline(r).ok());
}

TEST(CaseLifecycleValidationTest, OpinionAndRating) {
  v1::SubmitOpinionRequest o;
  o.set_unit_id("unit_a");
  o.set_outcome(v1::EXPLAINED);
  o.set_facts("事实");
  o.set_basis("依据");
  EXPECT_NE(Fields(ValidateOpinion(o)).find("decision"), std::string::npos);
  o.set_decision("决定");
  EXPECT_TRUE(ValidateOpinion(o).ok());
  o.set_facts(std::string(4001 * 3, 'x'));
  EXPECT_NE(Fields(ValidateOpinion(o)).find("facts"), std::string::npos);

  v1::RateCaseRequest r;
  EXPECT_NE(Fields(ValidateRate(r)).find("rating"), std::string::npos);
  r.set_rating(v1::SATISFIED);
  EXPECT_TRUE(ValidateRate(r).ok());
  v1::WithdrawCaseRequest w;
  EXPECT_NE(Fields(ValidateWithdraw(w)).find("reason"), std::string::npos);
}

// --- delivery (送达) and the review window --------------------------------

v1::DeliverCaseRequest Delivery(const std::string& on, v1::DeliveryMethod method,
                                const std::string& receipt = "") {
  v1::DeliverCaseRequest r;
  r.set_case_id("case_x");
  r.set_delivered_on(on);
  r.set_method(method);
  r.set_receipt_number(receipt);
  return r;
}

TEST(CaseDeliveryTest, NeedsADayAndAMethod) {
  EXPECT_TRUE(ValidateDeliver(Delivery("2026-03-02", v1::IN_PERSON)).ok());
  EXPECT_TRUE(ValidateDeliver(Delivery("2026-03-02", v1::ELECTRONIC)).ok());
  for (const char* bad : {"", "2026-02-30", "02/03/2026", "2026-3-2"}) {
    absl::Status s = ValidateDeliver(Delivery(bad, v1::IN_PERSON));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("deliveredOn"), std::string::npos) << s;
  }
  absl::Status s = ValidateDeliver(Delivery("2026-03-02", v1::DELIVERY_METHOD_UNSPECIFIED));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("method"), std::string::npos) << s;
  s = ValidateDeliver(Delivery("2026-03-02", static_cast<v1::DeliveryMethod>(17)));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST(CaseDeliveryTest, ByPostNeedsTheReceiptsNumber) {
  absl::Status s = ValidateDeliver(Delivery("2026-03-02", v1::POST));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("receiptNumber"), std::string::npos) << s;
  EXPECT_EQ(ValidateDeliver(Delivery("2026-03-02", v1::POST, "   ")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateDeliver(Delivery("2026-03-02", v1::POST, "XA123456789CN")).ok());
  EXPECT_EQ(ValidateDeliver(Delivery("2026-03-02", v1::POST, std::string(201, '9'))).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CaseDeliveryTest, BetweenTheAnswerAndTodayOncePerAnswer) {
  const absl::CivilDay answered(2026, 3, 2), today(2026, 3, 10);
  v1::Case c;
  c.set_status(v1::ANSWERED);
  EXPECT_TRUE(CheckDelivery(c, answered, answered, today).ok());  // handed over at once
  EXPECT_TRUE(CheckDelivery(c, today, answered, today).ok());
  absl::Status before = CheckDelivery(c, answered - 1, answered, today);
  EXPECT_EQ(before.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(before.message().find("deliveredOn"), std::string::npos) << before;
  EXPECT_EQ(CheckDelivery(c, today + 1, answered, today).code(),
            absl::StatusCode::kInvalidArgument);
  c.set_delivered_on("2026-03-05");
  absl::Status again = CheckDelivery(c, today, answered, today);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("2026-03-05"), std::string::npos) << again;
}

}  // namespace
}  // namespace petition::intake
