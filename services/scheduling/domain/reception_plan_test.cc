#include "services/scheduling/domain/reception_plan.h"

#include "common/status.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/seeded_calendar.h"

namespace petition::scheduling {
namespace {

using absl::CivilDay;
using Days = std::vector<CivilDay>;

ReceptionPlan Weekly(std::vector<absl::Weekday> weekdays, CivilDay start) {
  ReceptionPlan p;
  p.recurrence.weekdays = std::move(weekdays);
  p.start_date = start;
  p.rotation = {"off_a"};
  return p;
}

ReceptionPlan Monthly(std::vector<int> days, CivilDay start, HolidayPolicy policy) {
  ReceptionPlan p;
  p.recurrence.days_of_month = std::move(days);
  p.start_date = start;
  p.holiday_policy = policy;
  p.rotation = {"off_a"};
  return p;
}

std::vector<Session> Expand(const ReceptionPlan& p, CivilDay from, CivilDay to) {
  auto s = ExpandPlan(p, SeededCalendar(), from, to);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : std::vector<Session>{};
}

TEST(ReceptionPlanTest, WeeklyMondaysAcrossTheSpringFestivalMerge) {
  // 2/16 and 2/23 are holidays (春节 2/15-2/23): one session on 2/24.
  ReceptionPlan p = Weekly({absl::Weekday::monday}, CivilDay(2026, 1, 5));
  auto s = Expand(p, CivilDay(2026, 2, 1), CivilDay(2026, 3, 8));
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].date, CivilDay(2026, 2, 2));
  EXPECT_EQ(s[1].date, CivilDay(2026, 2, 9));
  EXPECT_EQ(s[2].date, CivilDay(2026, 2, 24));
  EXPECT_EQ(s[2].planned_dates, (Days{CivilDay(2026, 2, 16), CivilDay(2026, 2, 23)}));
  EXPECT_EQ(s[3].date, CivilDay(2026, 3, 2));
  EXPECT_EQ(s[3].planned_dates, (Days{CivilDay(2026, 3, 2)}));
  // Numbered from the plan's start (Mondays 1/5 ... 1/26 are 0-3); the merge
  // takes one turn.
  EXPECT_EQ(s[0].index, 4);
  EXPECT_EQ(s[2].index, 6);
  EXPECT_EQ(s[3].index, 7);
  EXPECT_EQ(s[0].part, PartOfDay::kFullDay);
  EXPECT_FALSE(s[0].provisional);
}

TEST(ReceptionPlanTest, FifteenthAndTwentyFifthInSeptember2026) {
  const CivilDay from(2026, 9, 1), to(2026, 9, 30);
  // 9/25 (中秋) is a holiday, 9/26-27 the weekend.
  auto s = Expand(Monthly({15, 25}, CivilDay(2026, 1, 1), HolidayPolicy::kPostpone), from, to);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].date, CivilDay(2026, 9, 15));
  EXPECT_EQ(s[1].date, CivilDay(2026, 9, 28));
  EXPECT_EQ(s[1].planned_dates, (Days{CivilDay(2026, 9, 25)}));

  s = Expand(Monthly({15, 25}, CivilDay(2026, 1, 1), HolidayPolicy::kAdvance), from, to);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].date, CivilDay(2026, 9, 24));
  EXPECT_EQ(s[1].planned_dates, (Days{CivilDay(2026, 9, 25)}));

  s = Expand(Monthly({15, 25}, CivilDay(2026, 1, 1), HolidayPolicy::kSkip), from, to);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].date, CivilDay(2026, 9, 15));
}

TEST(ReceptionPlanTest, ShiftsCrossTheRangeBoundaries) {
  // A Friday planned 9/25 (off) is postponed into a range starting 9/26.
  ReceptionPlan fri = Weekly({absl::Weekday::friday}, CivilDay(2026, 9, 1));
  auto s = Expand(fri, CivilDay(2026, 9, 26), CivilDay(2026, 9, 30));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].date, CivilDay(2026, 9, 28));
  // A Monday 10/5 (国庆) advanced into a range ending 9/30 lands on 9/30.
  ReceptionPlan mon = Weekly({absl::Weekday::monday}, CivilDay(2026, 9, 1));
  mon.holiday_policy = HolidayPolicy::kAdvance;
  s = Expand(mon, CivilDay(2026, 9, 28), CivilDay(2026, 9, 30));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].date, CivilDay(2026, 9, 28));
  EXPECT_EQ(s[1].date, CivilDay(2026, 9, 30));
  EXPECT_EQ(s[1].planned_dates, (Days{CivilDay(2026, 10, 5)}));
}

TEST(ReceptionPlanTest, ADayPastTheMonthsEndIsItsLastDay) {
  ReceptionPlan p = Monthly({30, 31}, CivilDay(2026, 1, 1), HolidayPolicy::kPostpone);
  Days planned = PlannedDays(p, CivilDay(2026, 2, 1), CivilDay(2026, 4, 30));
  EXPECT_EQ(planned, (Days{CivilDay(2026, 2, 28), CivilDay(2026, 3, 30), CivilDay(2026, 3, 31),
                           CivilDay(2026, 4, 30)}));
}

TEST(ReceptionPlanTest, PlannedDaysStayWithinTheStartAndEndDates) {
  ReceptionPlan p = Weekly({absl::Weekday::tuesday, absl::Weekday::thursday}, CivilDay(2026, 3, 4));
  p.end_date = CivilDay(2026, 3, 12);
  EXPECT_EQ(PlannedDays(p, CivilDay(2026, 3, 1), CivilDay(2026, 3, 31)),
            (Days{CivilDay(2026, 3, 5), CivilDay(2026, 3, 10), CivilDay(2026, 3, 12)}));
  EXPECT_EQ(
      ExpandPlan(p, SeededCalendar(), CivilDay(2026, 3, 2), CivilDay(2026, 3, 1)).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(ReceptionPlanTest, NumberingDoesNotDependOnTheRangeAsked) {
  ReceptionPlan p = Monthly({15, 25}, CivilDay(2026, 1, 1), HolidayPolicy::kPostpone);
  auto year = Expand(p, CivilDay(2026, 1, 1), CivilDay(2027, 12, 31));
  std::vector<Session> by_month;
  for (absl::CivilMonth m(2026, 1); m <= absl::CivilMonth(2027, 12); ++m) {
    for (Session& s : Expand(p, absl::CivilDay(m), absl::CivilDay(m + 1) - 1)) {
      by_month.push_back(s);
    }
  }
  ASSERT_EQ(year.size(), by_month.size());
  for (size_t i = 0; i < year.size(); ++i) {
    EXPECT_EQ(year[i].index, static_cast<int64_t>(i));
    EXPECT_EQ(by_month[i].index, year[i].index);
    EXPECT_EQ(by_month[i].date, year[i].date);
  }
  // 2027 is estimated: its sessions are provisional; 2027-01-25 is a Monday.
  EXPECT_TRUE(year.back().provisional);
}

absl::flat_hash_map<std::string, Official> Directory() {
  absl::flat_hash_map<std::string, Official> d;
  d["off_secretary"] = {"off_secretary", "unit_town", "王书记", "党委书记", Rank::kSectionChief};
  d["off_deputy"] = {"off_deputy", "unit_town", "李副镇长", "副镇长", Rank::kDeputySectionChief};
  d["off_clerk"] = {"off_clerk", "unit_town", "赵干事", "信访办干事", Rank::kStaff};
  d["off_head"] = {"off_head", "unit_dept", "钱所长", "司法所所长", Rank::kStaff};
  d["off_village"] = {"off_village", "unit_village", "孙主任", "村委会主任", Rank::kVillageLeader};
  return d;
}

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  const petition::v1::ErrorDetails details = GetErrorDetails(s);
  for (const auto& v : details.violations()) out.push_back(v.field());
  return out;
}

TEST(ReceptionPlanTest, TownshipPlansTakeDeputySectionChiefsOrAbove) {
  ReceptionPlan p = Weekly({absl::Weekday::monday}, CivilDay(2026, 1, 5));
  p.rotation = {"off_secretary", "off_deputy"};
  EXPECT_TRUE(ValidateReceptionPlan(p, "unit_town", UnitKind::kTownship, Directory()).ok());
  p.rotation = {"off_secretary", "off_clerk", "off_head"};
  absl::Status s = ValidateReceptionPlan(p, "unit_town", UnitKind::kTownship, Directory());
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"rotation[1]", "rotation[2]"}));
  auto details = GetErrorDetails(s);
  EXPECT_NE(details.violations(0).reason().find("rank rule"), std::string::npos);
  EXPECT_NE(details.violations(1).reason().find("not an official of this unit"), std::string::npos);
}

TEST(ReceptionPlanTest, DepartmentsReceiveAtLeastHalfADayEveryWeek) {
  ReceptionPlan p = Weekly({absl::Weekday::wednesday}, CivilDay(2026, 1, 5));
  p.rotation = {"off_head"};
  p.part = PartOfDay::kMorning;
  EXPECT_TRUE(ValidateReceptionPlan(p, "unit_dept", UnitKind::kDepartment, Directory()).ok());
  ReceptionPlan m = Monthly({15, 25}, CivilDay(2026, 1, 1), HolidayPolicy::kPostpone);
  m.rotation = {"off_head"};
  absl::Status s = ValidateReceptionPlan(m, "unit_dept", UnitKind::kDepartment, Directory());
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"recurrence"}));
  EXPECT_NE(GetErrorDetails(s).violations(0).reason().find("weekly minimum"), std::string::npos);
  // A monthly plan is fine for the township (the 15th/25th of [S3]).
  m.rotation = {"off_deputy"};
  EXPECT_TRUE(ValidateReceptionPlan(m, "unit_town", UnitKind::kTownship, Directory()).ok());
}

TEST(ReceptionPlanTest, VillagesReceiveAFullDayEveryWeek) {
  ReceptionPlan p = Weekly({absl::Weekday::thursday}, CivilDay(2026, 1, 5));
  p.rotation = {"off_village"};
  EXPECT_TRUE(ValidateReceptionPlan(p, "unit_village", UnitKind::kVillage, Directory()).ok());
  p.part = PartOfDay::kAfternoon;
  absl::Status s = ValidateReceptionPlan(p, "unit_village", UnitKind::kVillage, Directory());
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"part"}));
}

TEST(ReceptionPlanTest, ShapeErrorsAreListedByField) {
  ReceptionPlan p;
  p.start_date = CivilDay(2026, 3, 1);
  p.end_date = CivilDay(2026, 2, 1);
  p.leaders_per_session = 2;
  p.rotation = {"off_deputy", "off_deputy"};
  absl::Status s = ValidateReceptionPlan(p, "unit_town", UnitKind::kTownship, Directory());
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"recurrence", "endDate", "rotation[1]"}));
  p = Monthly({0, 15, 15, 32}, CivilDay(2026, 1, 1), HolidayPolicy::kSkip);
  p.recurrence.weekdays = {absl::Weekday::monday, absl::Weekday::monday};
  p.leaders_per_session = 2;
  s = ValidateReceptionPlan(p, "unit_town", UnitKind::kTownship, Directory());
  EXPECT_EQ(Fields(s), (std::vector<std::string>{
                           "recurrence", "recurrence.weekly.weekdays[1]",
                           "recurrence.monthly.days[0]", "recurrence.monthly.days[2]",
                           "recurrence.monthly.days[3]", "leadersPerSession", "rotation[0]"}));
}

}  // namespace
}  // namespace petition::scheduling
