#include "services/intake/domain/review_chain.h"

#include <string>

#include "gtest/gtest.h"

namespace petition::intake {
namespace {

v1::ReviewDecision Decision(v1::ReviewDecision::Stage stage, v1::ReviewDecision::Outcome outcome) {
  v1::ReviewDecision d;
  d.set_stage(stage);
  d.set_outcome(outcome);
  d.set_decided_on("2026-05-01");
  d.set_summary("维持原处理意见");
  return d;
}

v1::DecideReviewRequest Request(const std::string& stage, v1::ReviewDecision::Outcome outcome) {
  v1::DecideReviewRequest r;
  r.set_stage(stage);
  r.set_outcome(outcome);
  r.set_decided_on("2026-05-01");
  r.set_summary("维持原处理意见");
  return r;
}

TEST(ReviewChainTest, StagesByName) {
  EXPECT_EQ(*ParseReviewStage("REVIEW"), v1::ReviewDecision::REVIEW);
  EXPECT_EQ(*ParseReviewStage("RECHECK"), v1::ReviewDecision::RECHECK);
  for (const char* bad : {"", "review", "STAGE_UNSPECIFIED", "1"}) {
    EXPECT_EQ(ParseReviewStage(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ReviewChainTest, ValidatesTheDecisionNamingEachField) {
  EXPECT_TRUE(ValidateReviewDecision(Request("REVIEW", v1::ReviewDecision::CHANGED)).ok());
  v1::DecideReviewRequest r;
  r.set_stage("AUDIT");
  r.set_decided_on("2026-13-01");
  r.set_summary(std::string(4001, 'x'));
  absl::Status s = ValidateReviewDecision(r);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"stage", "outcome", "decidedOn", "summary"}) {
    EXPECT_NE(s.ToString().find(field), std::string::npos) << field << ": " << s;
  }
  r = Request("RECHECK", v1::ReviewDecision::UPHELD);
  r.clear_decided_on();
  EXPECT_EQ(ValidateReviewDecision(r).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReviewChainTest, AnUpheldReviewDecidesAChangedOneReopensARecheckEnds) {
  EXPECT_EQ(StatusAfterDecision(v1::ReviewDecision::REVIEW, v1::ReviewDecision::UPHELD),
            v1::REVIEW_DECIDED);
  for (auto outcome : {v1::ReviewDecision::CHANGED, v1::ReviewDecision::REVOKED}) {
    EXPECT_EQ(StatusAfterDecision(v1::ReviewDecision::REVIEW, outcome), v1::ACCEPTED);
    EXPECT_TRUE(ReopensHandling(v1::ReviewDecision::REVIEW, outcome));
    // A recheck settles the matter whatever it decided (A36).
    EXPECT_EQ(StatusAfterDecision(v1::ReviewDecision::RECHECK, outcome), v1::FINAL);
    EXPECT_FALSE(ReopensHandling(v1::ReviewDecision::RECHECK, outcome));
  }
  EXPECT_FALSE(ReopensHandling(v1::ReviewDecision::REVIEW, v1::ReviewDecision::UPHELD));
  EXPECT_EQ(DecisionStep(v1::ReviewDecision::REVIEW), v1::DECIDE_REVIEW);
  EXPECT_EQ(DecisionStep(v1::ReviewDecision::RECHECK), v1::DECIDE_RECHECK);
}

TEST(ReviewChainTest, TheSameDecisionAgainIsRecognised) {
  v1::Case c;
  EXPECT_EQ(RecordedDecision(c, v1::ReviewDecision::REVIEW), nullptr);
  *c.add_review_decisions() = Decision(v1::ReviewDecision::REVIEW, v1::ReviewDecision::UPHELD);
  const v1::ReviewDecision* recorded = RecordedDecision(c, v1::ReviewDecision::REVIEW);
  ASSERT_NE(recorded, nullptr);
  EXPECT_EQ(RecordedDecision(c, v1::ReviewDecision::RECHECK), nullptr);
  EXPECT_TRUE(SameDecision(*recorded, Request("REVIEW", v1::ReviewDecision::UPHELD)));
  EXPECT_FALSE(SameDecision(*recorded, Request("REVIEW", v1::ReviewDecision::CHANGED)));
  EXPECT_FALSE(SameDecision(*recorded, Request("RECHECK", v1::ReviewDecision::UPHELD)));
  v1::DecideReviewRequest other_day = Request("REVIEW", v1::ReviewDecision::UPHELD);
  other_day.set_decided_on("2026-05-02");
  EXPECT_FALSE(SameDecision(*recorded, other_day));
}

TEST(ReviewChainTest, NoDecisionDatedAfterToday) {
  const absl::CivilDay today(2026, 5, 1);
  EXPECT_TRUE(CheckDecisionDay(today, today).ok());
  absl::Status s = CheckDecisionDay(today + 1, today);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.ToString().find("decidedOn"), std::string::npos) << s;
}

TEST(ReviewChainTest, NoReviewBeforeDeliveryAndNoSecondReview) {
  v1::Case c;
  c.set_status(v1::ANSWERED);
  absl::Status s = CheckReviewable(c);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.ToString().find("deliveredOn"), std::string::npos) << s;
  c.set_delivered_on("2026-03-05");
  EXPECT_TRUE(CheckReviewable(c).ok());
  EXPECT_EQ(WindowOpenedByDelivery(c), "REVIEW_WINDOW");
  // Answered again after the review changed the answer: a recheck next.
  *c.add_review_decisions() = Decision(v1::ReviewDecision::REVIEW, v1::ReviewDecision::CHANGED);
  s = CheckReviewable(c);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find(":requestRecheck"), std::string::npos) << s;
  EXPECT_EQ(WindowOpenedByDelivery(c), "RECHECK_WINDOW");
}

TEST(ReviewChainTest, ARecheckFollowsAReviewDecision) {
  v1::Case c;
  c.set_status(v1::ANSWERED);
  c.set_delivered_on("2026-03-05");
  EXPECT_EQ(CheckRecheckable(c).code(), absl::StatusCode::kFailedPrecondition);
  *c.add_review_decisions() = Decision(v1::ReviewDecision::REVIEW, v1::ReviewDecision::CHANGED);
  EXPECT_TRUE(CheckRecheckable(c).ok());
  c.clear_delivered_on();  // answered again, not yet delivered
  EXPECT_EQ(CheckRecheckable(c).code(), absl::StatusCode::kFailedPrecondition);
  c.set_status(v1::REVIEW_DECIDED);
  EXPECT_TRUE(CheckRecheckable(c).ok());
}

TEST(ReviewChainTest, OnlyTheRunningWindowLapsesIntoFinal) {
  v1::Case c;
  c.set_status(v1::ANSWERED);
  EXPECT_TRUE(MayLapse(c, "REVIEW_WINDOW"));
  EXPECT_FALSE(MayLapse(c, "RECHECK_WINDOW"));
  EXPECT_FALSE(MayLapse(c, "OBJECTION"));
  c.set_status(v1::REVIEW_REQUESTED);  // asked on the last day
  EXPECT_FALSE(MayLapse(c, "REVIEW_WINDOW"));
  c.set_status(v1::REVIEW_DECIDED);
  *c.add_review_decisions() = Decision(v1::ReviewDecision::REVIEW, v1::ReviewDecision::UPHELD);
  EXPECT_TRUE(MayLapse(c, "RECHECK_WINDOW"));
  EXPECT_FALSE(MayLapse(c, "REVIEW_WINDOW"));
  c.set_status(v1::ANSWERED);  // answered again after a changed review
  EXPECT_TRUE(MayLapse(c, "RECHECK_WINDOW"));
  EXPECT_FALSE(MayLapse(c, "REVIEW_WINDOW"));
  c.set_status(v1::CONCLUDED);
  EXPECT_FALSE(MayLapse(c, "RECHECK_WINDOW"));
}

TEST(ReviewChainTest, AChangedAnswerIsNotGivenAgain) {
  v1::Case c;
  c.set_answer_opinion_id("op_1");
  EXPECT_TRUE(CheckAnswerAfterReview(c, "op_1").ok());  // no review yet
  *c.add_review_decisions() = Decision(v1::ReviewDecision::REVIEW, v1::ReviewDecision::REVOKED);
  absl::Status s = CheckAnswerAfterReview(c, "op_1");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.ToString().find("opinionId"), std::string::npos) << s;
  EXPECT_TRUE(CheckAnswerAfterReview(c, "op_2").ok());
}

TEST(ReviewChainTest, TheA36DeclineIsOnlyForAFinalMatter) {
  v1::Case c;
  absl::Status s = CheckFinalDecline(c, v1::FINAL_DECISION);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.ToString().find("route"), std::string::npos) << s;
  EXPECT_TRUE(CheckFinalDecline(c, v1::LITIGATION).ok());
  c.set_final_matter(true);
  c.add_final_case_ids("case_1");
  EXPECT_TRUE(CheckFinalDecline(c, v1::FINAL_DECISION).ok());
}

}  // namespace
}  // namespace petition::intake
