#include "services/supervision/domain/over_level_fault.h"

#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

using D = absl::CivilDay;
using F = OverLevelFault;
using Faults = std::vector<OverLevelFault>;

TEST(OverLevelFaultTest, APendingDeadlineIsPastDueFromTheDayAfterItsDueDate) {
  const DeadlineFacts pending{D(2026, 3, 20), std::nullopt};
  EXPECT_FALSE(PastDueUnmetBefore(pending, D(2026, 3, 19)));
  EXPECT_FALSE(PastDueUnmetBefore(pending, D(2026, 3, 20)));  // the due date itself
  EXPECT_TRUE(PastDueUnmetBefore(pending, D(2026, 3, 21)));   // the day after
}

TEST(OverLevelFaultTest, ADeadlineMetOnItsDueDateIsNeverPastDueMetTheDayAfterAlways) {
  const DeadlineFacts on_due_day{D(2026, 3, 20), D(2026, 3, 20)};
  EXPECT_FALSE(PastDueUnmetBefore(on_due_day, D(2026, 3, 21)));
  EXPECT_FALSE(PastDueUnmetBefore(on_due_day, D(2027, 1, 1)));
  const DeadlineFacts late{D(2026, 3, 20), D(2026, 3, 21)};
  EXPECT_FALSE(PastDueUnmetBefore(late, D(2026, 3, 20)));
  EXPECT_TRUE(PastDueUnmetBefore(late, D(2026, 3, 21)));
  EXPECT_TRUE(PastDueUnmetBefore(late, D(2026, 5, 1)));  // met late before the trip: still missed
}

TEST(OverLevelFaultTest, AcceptedAndWithinItsLimitsIsNotTheUnitsFault) {
  OverLevelFacts facts;
  facts.acceptance = DeadlineFacts{D(2026, 3, 16), D(2026, 3, 2)};
  facts.handling = DeadlineFacts{D(2026, 5, 1), std::nullopt};
  facts.county = DeadlineFacts{D(2026, 4, 1), std::nullopt};
  EXPECT_EQ(OverLevelFaults(D(2026, 3, 10), facts), Faults{});
  EXPECT_EQ(OverLevelFaults(D(2026, 4, 1), facts), Faults{});  // COUNTY's due date itself
  EXPECT_EQ(OverLevelFaults(D(2026, 4, 2), facts), Faults{F::kCountyOverdue});
  EXPECT_EQ(OverLevelFaults(D(2026, 5, 2), facts),
            (Faults{F::kHandlingOverdue, F::kCountyOverdue}));
  // Registered, not accepted yet, within the acceptance limit.
  OverLevelFacts registered;
  registered.acceptance = DeadlineFacts{D(2026, 3, 16), std::nullopt};
  EXPECT_EQ(OverLevelFaults(D(2026, 3, 16), registered), Faults{});
  EXPECT_EQ(OverLevelFaults(D(2026, 3, 17), registered), Faults{F::kNotAcceptedInTime});
}

TEST(OverLevelFaultTest, AcceptedLateIsTheUnitsFaultWhenTheTripCameAfterTheDueDate) {
  OverLevelFacts facts;
  facts.acceptance = DeadlineFacts{D(2026, 3, 16), D(2026, 3, 18)};
  facts.handling = DeadlineFacts{D(2026, 5, 17), std::nullopt};
  EXPECT_EQ(OverLevelFaults(D(2026, 3, 16), facts), Faults{});
  EXPECT_EQ(OverLevelFaults(D(2026, 3, 17), facts), Faults{F::kNotAcceptedInTime});
  EXPECT_EQ(OverLevelFaults(D(2026, 4, 1), facts), Faults{F::kNotAcceptedInTime});
}

TEST(OverLevelFaultTest, AnAnswerOnTimeEndsTheUnitsFaultOfHandling) {
  OverLevelFacts facts;
  facts.acceptance = DeadlineFacts{D(2026, 3, 16), D(2026, 3, 2)};
  facts.handling = DeadlineFacts{D(2026, 5, 1), D(2026, 5, 1)};
  EXPECT_EQ(OverLevelFaults(D(2026, 6, 1), facts), Faults{});
  facts.handling->met_on = D(2026, 5, 2);  // answered a day late
  EXPECT_EQ(OverLevelFaults(D(2026, 6, 1), facts), Faults{F::kHandlingOverdue});
}

TEST(OverLevelFaultTest, ADeclineTheHigherBodyOverturnedCountsFromTheDayOfTheDecline) {
  OverLevelFacts facts;
  facts.acceptance = DeadlineFacts{D(2026, 3, 16), D(2026, 3, 5)};
  facts.declined_on = D(2026, 3, 5);
  EXPECT_EQ(OverLevelFaults(D(2026, 3, 10), facts), Faults{});  // the decline stood
  facts.decline_overturned = true;
  EXPECT_EQ(OverLevelFaults(D(2026, 3, 5), facts), Faults{F::kDeclineOverturned});
  EXPECT_EQ(OverLevelFaults(D(2026, 3, 4), facts), Faults{});  // before the decline
  OverLevelFacts never_declined;
  never_declined.decline_overturned = true;
  EXPECT_EQ(OverLevelFaults(D(2026, 3, 10), never_declined), Faults{});
}

TEST(OverLevelFaultTest, AnAnswerChangedOnReviewIsTheUnitsFault) {
  OverLevelFacts facts;
  facts.handling = DeadlineFacts{D(2026, 5, 1), D(2026, 4, 1)};
  facts.answer_changed_on_review = true;
  EXPECT_EQ(OverLevelFaults(D(2026, 4, 10), facts), Faults{F::kAnswerChangedOnReview});
}

TEST(OverLevelFaultTest, EveryFaultHasItsStableName) {
  EXPECT_EQ(OverLevelFaultName(F::kNotAcceptedInTime), "NOT_ACCEPTED_IN_TIME");
  EXPECT_EQ(OverLevelFaultName(F::kHandlingOverdue), "HANDLING_OVERDUE");
  EXPECT_EQ(OverLevelFaultName(F::kCountyOverdue), "COUNTY_OVERDUE");
  EXPECT_EQ(OverLevelFaultName(F::kDeclineOverturned), "DECLINE_OVERTURNED");
  EXPECT_EQ(OverLevelFaultName(F::kAnswerChangedOnReview), "ANSWER_CHANGED_ON_REVIEW");
}

}  // namespace
}  // namespace petition::supervision
