#include "services/supervision/domain/deadline_policy.h"

#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

using absl::CivilDay;

// Working-day arithmetic from a real in-process calendar (what scheduling
// computes), loaded with the 2026 Spring Festival and National Day.
class CalendarOracle : public WorkingDayOracle {
 public:
  CalendarOracle() {
    for (CivilDay d(2026, 2, 15); d <= CivilDay(2026, 2, 23); ++d) {
      EXPECT_TRUE(cal_.AddHoliday(d, "春节").ok());
    }
    EXPECT_TRUE(cal_.AddMakeupWorkday(CivilDay(2026, 2, 14), "").ok());
    EXPECT_TRUE(cal_.AddMakeupWorkday(CivilDay(2026, 2, 28), "").ok());
    for (CivilDay d(2026, 10, 1); d <= CivilDay(2026, 10, 7); ++d) {
      EXPECT_TRUE(cal_.AddHoliday(d, "国庆节").ok());
    }
    EXPECT_TRUE(cal_.AddMakeupWorkday(CivilDay(2026, 10, 10), "").ok());
  }
  absl::StatusOr<WorkingDayResult> AddWorkingDays(CivilDay from, int n) override {
    ++calls;
    return cal_.AddWorkingDays(from, n);
  }
  int calls = 0;

 private:
  WorkingCalendar cal_;
};

TEST(DeadlinePolicyTest, RegulationDefaults) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  EXPECT_EQ(p.acceptance.days, 15);
  EXPECT_EQ(p.acceptance.unit, DayUnit::kCalendarDays);
  EXPECT_EQ(p.handling_simple.unit, DayUnit::kWorkingDays);
  EXPECT_EQ(p.handling_ordinary.days, 60);
  EXPECT_EQ(p.extension_max.days, 30);
  EXPECT_TRUE(p.roll_to_working_day);
  EXPECT_EQ(p.time_zone, "Asia/Shanghai");
}

TEST(DeadlinePolicyTest, CalendarDaysEndOnAWorkingDay) {
  CalendarOracle oracle;
  // Registered Monday 2026-03-02: 15 days later is Tuesday 03-17.
  auto due = ComputeDueDate(CivilDay(2026, 3, 2), {15, DayUnit::kCalendarDays}, 0, true, oracle);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->date, CivilDay(2026, 3, 17));
  // Registered 2026-09-16: 15 days later is 10-01, National Day: rolls to 10-08.
  due = ComputeDueDate(CivilDay(2026, 9, 16), {15, DayUnit::kCalendarDays}, 0, true, oracle);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->date, CivilDay(2026, 10, 8));
  // Without rolling it stays on the holiday.
  due = ComputeDueDate(CivilDay(2026, 9, 16), {15, DayUnit::kCalendarDays}, 0, false, oracle);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->date, CivilDay(2026, 10, 1));
  // Ending on a Saturday that is a make-up working day does not roll.
  due = ComputeDueDate(CivilDay(2026, 2, 13), {15, DayUnit::kCalendarDays}, 0, true, oracle);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->date, CivilDay(2026, 2, 28));
}

TEST(DeadlinePolicyTest, WorkingDaysSkipHolidaysAndCountMakeupDays) {
  CalendarOracle oracle;
  // 团堡镇: ordinary matters within 7 working days. From Thursday 02-12:
  // 13, 14 (make-up Saturday), 24, 25, 26, 27, 28 (make-up Saturday).
  auto due = ComputeDueDate(CivilDay(2026, 2, 12), {7, DayUnit::kWorkingDays}, 0, true, oracle);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->date, CivilDay(2026, 2, 28));
}

TEST(DeadlinePolicyTest, ExtensionCountsFromTheSameStartAndRollsOnce) {
  CalendarOracle oracle;
  // 60 + 30 calendar days from 2026-07-04 = 2026-10-02 (holiday) -> 10-08.
  auto due = ComputeDueDate(CivilDay(2026, 7, 4), {60, DayUnit::kCalendarDays}, 30, true, oracle);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->date, CivilDay(2026, 10, 8));
  EXPECT_EQ(oracle.calls, 1);
}

TEST(DeadlinePolicyTest, RejectsNonsense) {
  CalendarOracle oracle;
  EXPECT_FALSE(
      ComputeDueDate(CivilDay(2026, 3, 2), {0, DayUnit::kCalendarDays}, 0, true, oracle).ok());
  EXPECT_FALSE(
      ComputeDueDate(CivilDay(2026, 3, 2), {5, DayUnit::kCalendarDays}, -1, true, oracle).ok());
}

TEST(DeadlinePolicyTest, States) {
  const CivilDay due(2026, 3, 17);
  EXPECT_EQ(StateOn(CivilDay(2026, 3, 17), due, std::nullopt), DeadlineState::kOpen);
  EXPECT_EQ(StateOn(CivilDay(2026, 3, 18), due, std::nullopt), DeadlineState::kOverdue);
  EXPECT_EQ(StateOn(CivilDay(2026, 3, 30), due, CivilDay(2026, 3, 17)), DeadlineState::kMet);
  EXPECT_EQ(StateOn(CivilDay(2026, 3, 30), due, CivilDay(2026, 3, 18)), DeadlineState::kMissed);
}

}  // namespace
}  // namespace petition::supervision
