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

// Supervision orders' response windows: the policy's, working days by
// default, and never ending on a day off.
TEST(DeadlinePolicyTest, OrderWindowsByLevelInWorkingDaysByDefault) {
  CalendarOracle cal;
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  // Monday 2026-03-02: REMINDER 5 working days is Monday 03-09; ORDER 3 is
  // Thursday 03-05; LISTED and SUMMONS 2, Wednesday 03-04.
  const CivilDay monday(2026, 3, 2);
  EXPECT_EQ(OrderDueDate(monday, "REMINDER", p, cal)->date, CivilDay(2026, 3, 9));
  EXPECT_EQ(OrderDueDate(monday, "ORDER", p, cal)->date, CivilDay(2026, 3, 5));
  EXPECT_EQ(OrderDueDate(monday, "LISTED", p, cal)->date, CivilDay(2026, 3, 4));
  EXPECT_EQ(OrderDueDate(monday, "SUMMONS", p, cal)->date, CivilDay(2026, 3, 4));
  // Opened on Friday 02-13: 02-14 is a makeup workday, 02-15..23 the Spring
  // Festival: REMINDER's 5 working days are 02-14, 02-24..27.
  EXPECT_EQ(OrderDueDate(CivilDay(2026, 2, 13), "REMINDER", p, cal)->date, CivilDay(2026, 2, 27));
  EXPECT_EQ(OrderDueDate(monday, "WHATEVER", p, cal).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DeadlinePolicyTest, CalendarDayOrderWindowsRollOffHolidaysWhateverTheFlag) {
  CalendarOracle cal;
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  p.roll_to_working_day = false;  // the deadlines' flag: orders roll anyway
  p.order_response.reminder = {5, DayUnit::kCalendarDays};
  p.order_response.summons = {1, DayUnit::kCalendarDays};
  // 09-26 + 5 = 10-01, National Day (10-01..07): the next working day 10-08.
  EXPECT_EQ(OrderDueDate(CivilDay(2026, 9, 26), "REMINDER", p, cal)->date, CivilDay(2026, 10, 8));
  // 09-30 + 1 = 10-01: 10-08 too; 10-09 + 1 = 10-10, a makeup workday: kept.
  EXPECT_EQ(OrderDueDate(CivilDay(2026, 9, 30), "SUMMONS", p, cal)->date, CivilDay(2026, 10, 8));
  EXPECT_EQ(OrderDueDate(CivilDay(2026, 10, 9), "SUMMONS", p, cal)->date, CivilDay(2026, 10, 10));
  // A weekend too: Friday 03-06 + 1 = Saturday 03-07, rolled to Monday 03-09;
  // on a working day it stays.
  EXPECT_EQ(OrderDueDate(CivilDay(2026, 3, 6), "SUMMONS", p, cal)->date, CivilDay(2026, 3, 9));
  EXPECT_EQ(OrderDueDate(CivilDay(2026, 3, 5), "SUMMONS", p, cal)->date, CivilDay(2026, 3, 6));
}

TEST(DeadlinePolicyTest, OnlyTheListedComplexitiesAreExtendable) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  EXPECT_TRUE(IsExtendable(p, "COMPLEX"));
  EXPECT_FALSE(IsExtendable(p, "ORDINARY"));
  EXPECT_FALSE(IsExtendable(p, "SIMPLE"));
  EXPECT_FALSE(IsExtendable(p, ""));
  p.extendable = {"ORDINARY", "COMPLEX"};
  EXPECT_TRUE(IsExtendable(p, "ORDINARY"));
  p.extendable.clear();
  EXPECT_FALSE(IsExtendable(p, "COMPLEX"));
}

TEST(DeadlinePolicyTest, HandlingLimitByComplexity) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  p.handling_ordinary = {7, DayUnit::kWorkingDays};  // 团堡镇
  EXPECT_EQ(HandlingLimit(p, "SIMPLE")->days, 10);
  EXPECT_EQ(HandlingLimit(p, "ORDINARY")->days, 7);
  EXPECT_EQ(HandlingLimit(p, "ORDINARY")->unit, DayUnit::kWorkingDays);
  EXPECT_EQ(HandlingLimit(p, "COMPLEX")->days, 60);
  EXPECT_EQ(HandlingLimit(p, "HARD").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DeadlinePolicyTest, ExtensionWithinTheMaximum) {
  CalendarOracle oracle;
  const Limit max{30, DayUnit::kCalendarDays};
  // Same unit: N + E from the same start (as ComputeDueDate with E).
  auto same =
      ExtendedDueDate(CivilDay(2026, 7, 4), {60, DayUnit::kCalendarDays}, 30, max, true, oracle);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->date, CivilDay(2026, 10, 8));
  EXPECT_EQ(
      ExtendedDueDate(CivilDay(2026, 7, 4), {60, DayUnit::kCalendarDays}, 31, max, true, oracle)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(
      ExtendedDueDate(CivilDay(2026, 7, 4), {60, DayUnit::kCalendarDays}, 0, max, true, oracle)
          .ok());
  // 7 working days from Monday 2026-09-21 end Wednesday 09-30; 3 calendar
  // days more is 10-03 (National Day), rolled to 10-08.
  auto mixed =
      ExtendedDueDate(CivilDay(2026, 9, 21), {7, DayUnit::kWorkingDays}, 3, max, true, oracle);
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->date, CivilDay(2026, 10, 8));
}

TEST(DeadlinePolicyTest, DueSoonHorizonAndPendingStates) {
  CalendarOracle oracle;
  // 2 working days after Friday 2026-02-13: Saturday 02-14 is a makeup
  // workday, then the Spring Festival: 02-24.
  auto horizon = DueSoonHorizon(CivilDay(2026, 2, 13), {2, DayUnit::kWorkingDays}, oracle);
  ASSERT_TRUE(horizon.ok());
  EXPECT_EQ(*horizon, CivilDay(2026, 2, 24));
  EXPECT_EQ(*DueSoonHorizon(CivilDay(2026, 3, 2), {2, DayUnit::kCalendarDays}, oracle),
            CivilDay(2026, 3, 4));
  const CivilDay today(2026, 3, 2), h(2026, 3, 4);
  EXPECT_EQ(PendingStateOn(today, CivilDay(2026, 3, 5), h), DeadlineState::kOpen);
  EXPECT_EQ(PendingStateOn(today, CivilDay(2026, 3, 4), h), DeadlineState::kDueSoon);
  EXPECT_EQ(PendingStateOn(today, today, h), DeadlineState::kDueSoon);
  EXPECT_EQ(PendingStateOn(today, CivilDay(2026, 3, 1), h), DeadlineState::kOverdue);
}

}  // namespace
}  // namespace petition::supervision
