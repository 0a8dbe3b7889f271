#include "services/supervision/domain/deadline_owner.h"

#include "gtest/gtest.h"
#include "services/supervision/domain/petitioner_window.h"

namespace petition::supervision {
namespace {

TEST(DeadlineOwnerTest, TheTownshipsWorkCountsAgainstItsUnits) {
  for (const char* kind : {"ACCEPTANCE", "HANDLING", "COUNTY"}) {
    EXPECT_TRUE(CountsAgainstUnits(kind)) << kind;
  }
}

TEST(DeadlineOwnerTest, TheReviewingBodysAnswerNeverCountsAgainstAUnit) {
  EXPECT_FALSE(CountsAgainstUnits("REVIEW_ANSWER"));
  EXPECT_FALSE(CountsAgainstUnits("RECHECK_ANSWER"));
  EXPECT_FALSE(CountsAgainstUnits("RECHECK_WINDOW"));
  EXPECT_FALSE(IsPetitionerWindow("RECHECK_ANSWER"));
  // It is the reviewing body's work, not a petitioner's window: it can fall
  // OVERDUE (against that body), it does not lapse.
  EXPECT_FALSE(IsPetitionerWindow("REVIEW_ANSWER"));
  EXPECT_EQ(ShownState("REVIEW_ANSWER", "OPEN", false, absl::CivilDay(2026, 4, 1),
                       absl::CivilDay(2026, 4, 2)),
            "OVERDUE");
}

TEST(DeadlineOwnerTest, LeadersApprovalAndThePetitionersWindowAreNotTheUnits) {
  EXPECT_FALSE(CountsAgainstUnits("APPROVAL"));
  EXPECT_FALSE(CountsAgainstUnits("REVIEW_WINDOW"));
}

TEST(DeadlineOwnerTest, TheTownshipsRightToObjectIsNobodysDuty) {
  EXPECT_FALSE(CountsAgainstUnits("OBJECTION"));
}

}  // namespace
}  // namespace petition::supervision
