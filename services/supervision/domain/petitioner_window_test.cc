#include "services/supervision/domain/petitioner_window.h"

#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

const absl::CivilDay kDue(2026, 3, 31);

TEST(PetitionerWindowTest, OnlyTheReviewAndRecheckWindowsAreAPetitionersWindows) {
  for (const char* kind : {"REVIEW_WINDOW", "RECHECK_WINDOW"}) {
    EXPECT_TRUE(IsPetitionerWindow(kind)) << kind;
    EXPECT_TRUE(EndsTheMatterWhenLapsed(kind)) << kind;
    EXPECT_EQ(ShownState(kind, "OPEN", false, kDue, kDue + 1), "EXPIRED") << kind;
  }
  EXPECT_FALSE(EndsTheMatterWhenLapsed("OBJECTION"));
  for (const char* kind : {"ACCEPTANCE", "HANDLING", "APPROVAL", "COUNTY", "REVIEW_ANSWER",
                           "RECHECK_ANSWER", "OBJECTION", ""}) {
    EXPECT_FALSE(IsPetitionerWindow(kind)) << kind;
    EXPECT_FALSE(EndsTheMatterWhenLapsed(kind)) << kind;
  }
}

TEST(PetitionerWindowTest, TheTownshipsObjectionPeriodIsAWindowToo) {
  EXPECT_TRUE(IsWindow("REVIEW_WINDOW"));
  EXPECT_TRUE(IsWindow("RECHECK_WINDOW"));
  EXPECT_TRUE(IsWindow("OBJECTION"));
  for (const char* kind :
       {"ACCEPTANCE", "HANDLING", "APPROVAL", "COUNTY", "REVIEW_ANSWER", "RECHECK_ANSWER", ""}) {
    EXPECT_FALSE(IsWindow(kind)) << kind;
  }
  // Unused past its due date it lapses, never OVERDUE; the last day is inside.
  EXPECT_EQ(ShownState("OBJECTION", "OPEN", false, kDue, kDue + 1), "EXPIRED");
  EXPECT_EQ(ShownState("OBJECTION", "DUE_SOON", false, kDue, kDue), "DUE_SOON");
  EXPECT_EQ(ShownState("OBJECTION", "MET", true, kDue, kDue + 3), "MET");
  EXPECT_EQ(ShownState("OBJECTION", "EXPIRED", false, kDue, kDue - 3), "EXPIRED");
}

TEST(PetitionerWindowTest, AWindowPastItsDueDateExpiresInsteadOfFallingOverdue) {
  EXPECT_EQ(ShownState("REVIEW_WINDOW", "OPEN", false, kDue, kDue + 1), "EXPIRED");
  EXPECT_EQ(ShownState("REVIEW_WINDOW", "DUE_SOON", false, kDue, kDue + 30), "EXPIRED");
  EXPECT_EQ(ShownState("HANDLING", "OPEN", false, kDue, kDue + 1), "OVERDUE");
  EXPECT_EQ(ShownState("COUNTY", "DUE_SOON", false, kDue, kDue + 1), "OVERDUE");
}

TEST(PetitionerWindowTest, TheLastDayOfTheWindowIsStillInsideIt) {
  EXPECT_EQ(ShownState("REVIEW_WINDOW", "DUE_SOON", false, kDue, kDue), "DUE_SOON");
  EXPECT_EQ(ShownState("REVIEW_WINDOW", "OPEN", false, kDue, kDue - 10), "OPEN");
}

TEST(PetitionerWindowTest, MetAndExpiredStatesStand) {
  EXPECT_EQ(ShownState("REVIEW_WINDOW", "MET", true, kDue, kDue + 5), "MET");
  EXPECT_EQ(ShownState("HANDLING", "MISSED", true, kDue, kDue + 5), "MISSED");
  EXPECT_EQ(ShownState("REVIEW_WINDOW", "EXPIRED", false, kDue, kDue + 5), "EXPIRED");
}

}  // namespace
}  // namespace petition::supervision
