#include "common/working_calendar.h"

#include "gtest/gtest.h"

namespace petition {
namespace {

using absl::CivilDay;

// Test data: parts of the State Council notices for 2025 and 2026.
WorkingCalendar Official() {
  WorkingCalendar cal;
  auto holiday = [&](CivilDay first, CivilDay last, const char* name) {
    for (CivilDay d = first; d <= last; ++d) EXPECT_TRUE(cal.AddHoliday(d, name).ok());
  };
  holiday(CivilDay(2025, 1, 1), CivilDay(2025, 1, 1), "元旦");
  holiday(CivilDay(2025, 10, 1), CivilDay(2025, 10, 8), "国庆节、中秋节");
  EXPECT_TRUE(cal.AddMakeupWorkday(CivilDay(2025, 9, 28), "国庆节调休").ok());
  EXPECT_TRUE(cal.AddMakeupWorkday(CivilDay(2025, 10, 11), "国庆节调休").ok());
  holiday(CivilDay(2026, 1, 1), CivilDay(2026, 1, 3), "元旦");
  EXPECT_TRUE(cal.AddMakeupWorkday(CivilDay(2026, 1, 4), "元旦调休").ok());
  holiday(CivilDay(2026, 2, 15), CivilDay(2026, 2, 23), "春节");
  EXPECT_TRUE(cal.AddMakeupWorkday(CivilDay(2026, 2, 14), "春节调休").ok());
  EXPECT_TRUE(cal.AddMakeupWorkday(CivilDay(2026, 2, 28), "春节调休").ok());
  holiday(CivilDay(2026, 10, 1), CivilDay(2026, 10, 7), "国庆节");
  EXPECT_TRUE(cal.AddMakeupWorkday(CivilDay(2026, 10, 10), "国庆节调休").ok());
  return cal;
}

TEST(WorkingCalendarTest, ClassifiesWeekdaysWeekendsHolidaysAndMakeupDays) {
  WorkingCalendar cal = Official();
  DayInfo mon = cal.Classify(CivilDay(2026, 3, 2));
  EXPECT_TRUE(mon.working);
  EXPECT_EQ(mon.kind, DayKind::kWeekday);
  EXPECT_FALSE(mon.provisional);
  DayInfo sat = cal.Classify(CivilDay(2026, 3, 7));
  EXPECT_FALSE(sat.working);
  EXPECT_EQ(sat.kind, DayKind::kWeekend);
  DayInfo spring = cal.Classify(CivilDay(2026, 2, 17));
  EXPECT_FALSE(spring.working);
  EXPECT_EQ(spring.kind, DayKind::kHoliday);
  EXPECT_EQ(spring.name, "春节");
  DayInfo makeup = cal.Classify(CivilDay(2026, 2, 14));
  EXPECT_TRUE(makeup.working);
  EXPECT_EQ(makeup.kind, DayKind::kMakeupWorkday);
  EXPECT_EQ(makeup.name, "春节调休");
  // A holiday that falls on a weekend is still a holiday.
  EXPECT_EQ(cal.Classify(CivilDay(2026, 1, 3)).kind, DayKind::kHoliday);
}

TEST(WorkingCalendarTest, StartDayIsNotCounted) {
  WorkingCalendar cal = Official();
  auto r = cal.AddWorkingDays(CivilDay(2026, 3, 2), 1);  // Monday
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2026, 3, 3));
  r = cal.AddWorkingDays(CivilDay(2026, 3, 6), 1);  // Friday -> Monday
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2026, 3, 9));
  r = cal.AddWorkingDays(CivilDay(2026, 3, 7), 1);  // from a Saturday
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2026, 3, 9));
}

TEST(WorkingCalendarTest, MakeupWorkdaysCountAndHolidaysDoNot) {
  WorkingCalendar cal = Official();
  // Friday before the Spring Festival: next working day is the make-up Saturday.
  auto r = cal.AddWorkingDays(CivilDay(2026, 2, 13), 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2026, 2, 14));
  // From that Saturday the nine days off are skipped.
  r = cal.AddWorkingDays(CivilDay(2026, 2, 14), 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2026, 2, 24));
  // 7 working days from 2026-02-12 (Thu): 13, 14(Sat), 24, 25, 26, 27, 28(Sat).
  r = cal.AddWorkingDays(CivilDay(2026, 2, 12), 7);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2026, 2, 28));
  EXPECT_FALSE(r->provisional);
}

TEST(WorkingCalendarTest, CrossesYearBoundary) {
  WorkingCalendar cal = Official();
  // 2025-12-31 (Wed): 1/1-1/3 are off, 1/4 (Sun) is worked.
  auto r = cal.AddWorkingDays(CivilDay(2025, 12, 31), 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2026, 1, 4));
  EXPECT_FALSE(r->provisional);
  r = cal.AddWorkingDays(CivilDay(2025, 12, 31), 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2026, 1, 5));
}

TEST(WorkingCalendarTest, UnloadedYearIsProvisionalMondayToFriday) {
  WorkingCalendar cal = Official();
  auto r = cal.AddWorkingDays(CivilDay(2026, 12, 31), 1);  // Thursday
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2027, 1, 1));  // Friday; no 2027 notice loaded
  EXPECT_TRUE(r->provisional);
  EXPECT_TRUE(cal.Classify(CivilDay(2027, 1, 1)).provisional);
  EXPECT_FALSE(cal.AddWorkingDays(CivilDay(2026, 12, 1), 3)->provisional);
}

TEST(WorkingCalendarTest, NextWorkingDayShiftsPastHolidays) {
  WorkingCalendar cal = Official();
  EXPECT_EQ(cal.NextWorkingDayOnOrAfter(CivilDay(2026, 10, 1)).date, CivilDay(2026, 10, 8));
  EXPECT_EQ(cal.NextWorkingDayOnOrAfter(CivilDay(2026, 10, 10)).date, CivilDay(2026, 10, 10));
  EXPECT_EQ(cal.NextWorkingDayOnOrAfter(CivilDay(2026, 3, 2)).date, CivilDay(2026, 3, 2));
}

TEST(WorkingCalendarTest, RejectsBadCounts) {
  WorkingCalendar cal = Official();
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 2), 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 2), -3).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 2), 100000).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(WorkingCalendarTest, RejectsContradictoryData) {
  WorkingCalendar cal;
  EXPECT_FALSE(cal.AddMakeupWorkday(CivilDay(2026, 3, 2), "weekday").ok());
  ASSERT_TRUE(cal.AddHoliday(CivilDay(2026, 3, 7), "x").ok());
  EXPECT_FALSE(cal.AddMakeupWorkday(CivilDay(2026, 3, 7), "y").ok());
  EXPECT_FALSE(cal.AddHoliday(CivilDay(2026, 3, 7), "again").ok());
  ASSERT_TRUE(cal.AddMakeupWorkday(CivilDay(2026, 3, 8), "z").ok());
  EXPECT_FALSE(cal.AddHoliday(CivilDay(2026, 3, 8), "w").ok());
}

TEST(WorkingCalendarTest, EstimatedHolidaysCountUntilTheYearIsLoaded) {
  WorkingCalendar cal = Official();
  ASSERT_TRUE(cal.AddEstimatedHoliday(CivilDay(2027, 1, 1), "元旦").ok());
  ASSERT_TRUE(cal.AddEstimatedHoliday(CivilDay(2027, 2, 6), "春节").ok());  // a Saturday
  EXPECT_TRUE(cal.IsYearEstimated(2027));
  DayInfo ny = cal.Classify(CivilDay(2027, 1, 1));
  EXPECT_FALSE(ny.working);
  EXPECT_EQ(ny.kind, DayKind::kHoliday);
  EXPECT_EQ(ny.name, "元旦");
  EXPECT_TRUE(ny.provisional);
  EXPECT_TRUE(ny.estimated);
  DayInfo weekday = cal.Classify(CivilDay(2027, 1, 4));
  EXPECT_TRUE(weekday.working);
  EXPECT_TRUE(weekday.estimated);
  EXPECT_FALSE(cal.Classify(CivilDay(2028, 1, 3)).estimated);  // nothing estimated for 2028
  auto r = cal.AddWorkingDays(CivilDay(2026, 12, 31), 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2027, 1, 4));
  EXPECT_TRUE(r->provisional);

  // Loading the notice replaces the estimate, also where the notice lists
  // the same day or works an estimated weekend holiday.
  ASSERT_TRUE(cal.AddMakeupWorkday(CivilDay(2027, 2, 6), "春节调休").ok());
  ASSERT_TRUE(cal.AddHoliday(CivilDay(2027, 1, 1), "元旦").ok());
  EXPECT_FALSE(cal.IsYearEstimated(2027));
  EXPECT_FALSE(cal.Classify(CivilDay(2027, 1, 1)).estimated);
  EXPECT_FALSE(cal.Classify(CivilDay(2027, 1, 1)).provisional);
  EXPECT_EQ(cal.Classify(CivilDay(2027, 2, 6)).kind, DayKind::kMakeupWorkday);
}

TEST(WorkingCalendarTest, LoadingAnEmptyYearDropsItsEstimate) {
  WorkingCalendar cal;
  ASSERT_TRUE(cal.AddEstimatedHoliday(CivilDay(2027, 6, 9), "端午节").ok());
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2027, 6, 9)));
  cal.MarkYearLoaded(2027);
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2027, 6, 9)));
  EXPECT_EQ(cal.AddEstimatedHoliday(CivilDay(2027, 6, 10), "x").code(),
            absl::StatusCode::kFailedPrecondition);
}

// The bitmap path against counting day by day with Classify, across loaded,
// estimated and unknown years and the bitmap's edges (2000-2100).
TEST(WorkingCalendarTest, AddWorkingDaysAgreesWithClassifyingDayByDay) {
  WorkingCalendar cal = Official();
  ASSERT_TRUE(cal.AddEstimatedHoliday(CivilDay(2027, 2, 8), "春节").ok());
  ASSERT_TRUE(cal.AddEstimatedHoliday(CivilDay(2027, 2, 9), "春节补假").ok());
  ASSERT_TRUE(cal.AddHoliday(CivilDay(2100, 12, 31), "x").ok());
  ASSERT_TRUE(cal.AddMakeupWorkday(CivilDay(2000, 1, 1), "y").ok());
  ASSERT_TRUE(cal.AddHoliday(CivilDay(1999, 12, 31), "z").ok());
  std::vector<CivilDay> starts = {
      CivilDay(1999, 12, 20), CivilDay(1999, 12, 31), CivilDay(2000, 1, 1),
      CivilDay(2024, 12, 31), CivilDay(2025, 9, 30),  CivilDay(2026, 2, 13),
      CivilDay(2026, 12, 31), CivilDay(2027, 2, 4),   CivilDay(2100, 12, 20),
      CivilDay(2100, 12, 31), CivilDay(2101, 3, 1)};
  for (int i = 0; i < 200; ++i) starts.push_back(CivilDay(2024, 1, 1) + i * 13);
  for (CivilDay from : starts) {
    for (int n : {1, 2, 5, 10, 63, 64, 65, 250, 3660}) {
      CivilDay day = from;
      bool provisional = false;
      for (int counted = 0; counted < n;) {
        ++day;
        DayInfo info = cal.Classify(day);
        provisional |= info.provisional;
        counted += info.working;
      }
      auto r = cal.AddWorkingDays(from, n);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->date, day) << from << " + " << n;
      EXPECT_EQ(r->provisional, provisional) << from << " + " << n;
    }
  }
}

}  // namespace
}  // namespace petition
