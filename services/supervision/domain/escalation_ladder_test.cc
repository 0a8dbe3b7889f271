#include "services/supervision/domain/escalation_ladder.h"

#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

TEST(EscalationLadderTest, ClimbsOneLevelAtATimeAndStopsAtSummons) {
  EXPECT_EQ(NextLevel("REMINDER"), "ORDER");
  EXPECT_EQ(NextLevel("ORDER"), "LISTED");
  EXPECT_EQ(NextLevel("LISTED"), "SUMMONS");
  EXPECT_EQ(NextLevel("SUMMONS"), std::nullopt);
  EXPECT_EQ(NextLevel("WHATEVER"), std::nullopt);
  EXPECT_TRUE(IsOrderLevel("LISTED"));
  EXPECT_FALSE(IsOrderLevel("listed"));
}

TEST(EscalationLadderTest, HigherLevelsGiveLessTime) {
  const absl::CivilDay day(2026, 3, 2);
  EXPECT_EQ(OrderDueDate(day, "REMINDER"), absl::CivilDay(2026, 3, 7));
  EXPECT_EQ(OrderDueDate(day, "ORDER"), absl::CivilDay(2026, 3, 5));
  EXPECT_EQ(OrderDueDate(day, "SUMMONS"), absl::CivilDay(2026, 3, 4));
}

}  // namespace
}  // namespace petition::supervision
