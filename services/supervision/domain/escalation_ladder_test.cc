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

}  // namespace
}  // namespace petition::supervision
