#include "services/scheduling/domain/holiday_shift.h"

#include "gtest/gtest.h"
#include "services/scheduling/domain/seeded_calendar.h"

namespace petition::scheduling {
namespace {

using absl::CivilDay;

TEST(HolidayShiftTest, AWorkingDayStaysWhereItIs) {
  for (HolidayPolicy p :
       {HolidayPolicy::kPostpone, HolidayPolicy::kAdvance, HolidayPolicy::kSkip}) {
    auto r = ShiftPlannedDay(CivilDay(2026, 9, 15), p, SeededCalendar());
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->date, CivilDay(2026, 9, 15));
    EXPECT_FALSE(r->provisional);
  }
  // A make-up workday on a Saturday is a working day.
  auto r = ShiftPlannedDay(CivilDay(2026, 2, 14), HolidayPolicy::kSkip, SeededCalendar());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->date, CivilDay(2026, 2, 14));
}

TEST(HolidayShiftTest, PostponeAdvanceSkip) {
  const WorkingCalendar& cal = SeededCalendar();
  // 2026-09-25 (中秋, Friday) to 09-27 are off.
  EXPECT_EQ(ShiftPlannedDay(CivilDay(2026, 9, 25), HolidayPolicy::kPostpone, cal)->date,
            CivilDay(2026, 9, 28));
  EXPECT_EQ(ShiftPlannedDay(CivilDay(2026, 9, 25), HolidayPolicy::kAdvance, cal)->date,
            CivilDay(2026, 9, 24));
  EXPECT_FALSE(ShiftPlannedDay(CivilDay(2026, 9, 25), HolidayPolicy::kSkip, cal).has_value());
  // A plain Saturday moves too.
  EXPECT_EQ(ShiftPlannedDay(CivilDay(2026, 3, 7), HolidayPolicy::kPostpone, cal)->date,
            CivilDay(2026, 3, 9));
  // Into an estimated year: provisional.
  auto r = ShiftPlannedDay(CivilDay(2026, 12, 31), HolidayPolicy::kPostpone, cal);
  EXPECT_EQ(r->date, CivilDay(2026, 12, 31));
  r = ShiftPlannedDay(CivilDay(2027, 1, 1), HolidayPolicy::kPostpone, cal);
  EXPECT_EQ(r->date, CivilDay(2027, 1, 4));
  EXPECT_TRUE(r->provisional);
}

TEST(HolidayShiftTest, ShiftedSessionsMergeIntoOne) {
  // Mondays across the 2026 Spring Festival (2/15-2/23 off).
  std::vector<CivilDay> mondays = {CivilDay(2026, 3, 2), CivilDay(2026, 2, 16),
                                   CivilDay(2026, 2, 9), CivilDay(2026, 2, 23)};
  auto sessions = ShiftAndMerge(mondays, HolidayPolicy::kPostpone, SeededCalendar());
  ASSERT_EQ(sessions.size(), 3u);
  EXPECT_EQ(sessions[0].date, CivilDay(2026, 2, 9));
  EXPECT_EQ(sessions[1].date, CivilDay(2026, 2, 24));
  EXPECT_EQ(sessions[1].planned_dates,
            (std::vector<CivilDay>{CivilDay(2026, 2, 16), CivilDay(2026, 2, 23)}));
  EXPECT_EQ(sessions[2].date, CivilDay(2026, 3, 2));

  // ADVANCE: both land on the make-up Saturday 2/14.
  sessions = ShiftAndMerge(mondays, HolidayPolicy::kAdvance, SeededCalendar());
  ASSERT_EQ(sessions.size(), 3u);
  EXPECT_EQ(sessions[1].date, CivilDay(2026, 2, 14));
  EXPECT_EQ(sessions[1].planned_dates.size(), 2u);

  sessions = ShiftAndMerge(mondays, HolidayPolicy::kSkip, SeededCalendar());
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[1].date, CivilDay(2026, 3, 2));
}

TEST(HolidayShiftTest, AShiftOntoAnotherPlannedDayMergesWithIt) {
  // Planned Tuesday 9/29 and Friday 9/25 (off): POSTPONE lands 9/25 on Monday 9/28,
  // a separate day; a planned 9/28 would take it in.
  auto sessions = ShiftAndMerge({CivilDay(2026, 9, 25), CivilDay(2026, 9, 28)},
                                HolidayPolicy::kPostpone, SeededCalendar());
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].date, CivilDay(2026, 9, 28));
  EXPECT_EQ(sessions[0].planned_dates,
            (std::vector<CivilDay>{CivilDay(2026, 9, 25), CivilDay(2026, 9, 28)}));
}

}  // namespace
}  // namespace petition::scheduling
