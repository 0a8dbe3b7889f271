#include "services/supervision/domain/petitioner_window.h"

#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

const absl::CivilDay kDue(2026, 3, 31);

TEST(PetitionerWindowTest, OnlyTheReviewWindowIsAPetitionersWindow) {
  EXPECT_TRUE(IsPetitionerWindow("REVIEW_WINDOW"));
  for (const char* kind : {"ACCEPTANCE", "HANDLING", "APPROVAL", "COUNTY", "OBJECTION", ""}) {
    EXPECT_FALSE(IsPetitionerWindow(kind)) << kind;
  }
}

TEST(PetitionerWindowTest, TheTownshipsObjectionPeriodIsAWindowToo) {
  EXPECT_TRUE(IsWindow("REVIEW_WINDOW"));
  EXPECT_TRUE(IsWindow("OBJECTION"));
  for (const char* kind : {"ACCEPTANCE", "HANDLING", "APPROVAL", "COUNTY", "REVIEW_ANSWER", ""}) {
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
