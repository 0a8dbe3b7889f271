#include "services/scheduling/service/reception_gauges.h"

#include "gtest/gtest.h"
#include "services/scheduling/domain/seeded_calendar.h"

namespace petition::scheduling {
namespace {

using absl::CivilDay;

v1::ReceptionPlan Weekly(const std::string& unit, std::vector<v1::DayOfWeek> days) {
  v1::ReceptionPlan p;
  p.set_plan_id("plan_" + unit + std::to_string(days.size()));
  p.set_unit_id(unit);
  for (v1::DayOfWeek d : days) p.mutable_recurrence()->mutable_weekly()->add_weekdays(d);
  p.set_part(v1::FULL_DAY);
  p.set_holiday_policy(v1::SKIP);
  p.set_start_date("2026-01-05");
  p.add_rotation("off_a");
  return p;
}

TEST(ReceptionGaugesTest, WeekOfRunsMondayToSunday) {
  EXPECT_EQ(WeekOf(CivilDay(2026, 11, 29)),  // a Sunday
            std::make_pair(CivilDay(2026, 11, 23), CivilDay(2026, 11, 29)));
  EXPECT_EQ(WeekOf(CivilDay(2026, 11, 23)),  // a Monday
            std::make_pair(CivilDay(2026, 11, 23), CivilDay(2026, 11, 29)));
  EXPECT_EQ(WeekOf(CivilDay(2027, 1, 1)),  // across the year
            std::make_pair(CivilDay(2026, 12, 28), CivilDay(2027, 1, 3)));
}

TEST(ReceptionGaugesTest, CountsEachUnitsSessionsHonouringHolidays) {
  const std::vector<v1::ReceptionPlan> plans = {Weekly("unit_a", {v1::MONDAY, v1::THURSDAY}),
                                                Weekly("unit_a", {v1::WEDNESDAY}),
                                                Weekly("unit_b", {v1::SATURDAY})};
  // 2026-09-28 .. 10-04: 10/1-10/7 are the National Day holidays (9/28 Monday works).
  auto counts =
      SessionsByUnit(plans, SeededCalendar(), CivilDay(2026, 9, 28), CivilDay(2026, 10, 4));
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->at("unit_a"), 2);  // Monday 9/28 and Wednesday 9/30; Thursday skipped
  EXPECT_EQ(counts->at("unit_b"), 0);  // weekends hold none; the unit still shows, with 0
}

TEST(ReceptionGaugesTest, AStoredPlanThatNoLongerReadsIsDataLoss) {
  v1::ReceptionPlan broken = Weekly("unit_a", {v1::MONDAY});
  broken.set_start_date("not a date");
  auto counts =
      SessionsByUnit({broken}, SeededCalendar(), CivilDay(2026, 9, 28), CivilDay(2026, 10, 4));
  EXPECT_EQ(counts.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace petition::scheduling
