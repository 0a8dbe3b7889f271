#include "services/scheduling/domain/statutory_holidays.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace petition::scheduling {
namespace {

using absl::CivilDay;

bool IsWeekend(CivilDay d) {
  return absl::GetWeekday(d) == absl::Weekday::saturday ||
         absl::GetWeekday(d) == absl::Weekday::sunday;
}

// The weekdays a year's estimate gives off.
std::vector<CivilDay> WeekdaysOff(int year) {
  auto days = StatutoryDaysOff(year);
  EXPECT_TRUE(days.ok()) << days.status();
  std::vector<CivilDay> out;
  if (!days.ok()) return out;
  for (const StatutoryDayOff& d : *days) {
    if (!IsWeekend(d.day)) out.push_back(d.day);
  }
  return out;
}

TEST(StatutoryHolidaysTest, TheTableCoversTheComingDecades) {
  const auto& table = FestivalTable();
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->front().year, 2025);
  EXPECT_GE(table->back().year, 2060);
  // The two lunar new years the rule book states.
  EXPECT_EQ((*table)[2027 - 2025].lunar_new_year, CivilDay(2027, 2, 6));
  EXPECT_EQ((*table)[2028 - 2025].lunar_new_year, CivilDay(2028, 1, 26));
}

TEST(StatutoryHolidaysTest, Estimates2027Exactly) {
  // 1/1; 2/5-2/10 (除夕 Fri, 初一-初二 on the weekend, 初三 Mon, 补假 Tue-Wed);
  // 4/5; 5/3-5/4 (补假 for 5/1-5/2); 6/9; 9/15; 10/1 and 10/4-10/5.
  std::vector<CivilDay> expected = {
      CivilDay(2027, 1, 1),  CivilDay(2027, 2, 5),  CivilDay(2027, 2, 8),  CivilDay(2027, 2, 9),
      CivilDay(2027, 2, 10), CivilDay(2027, 4, 5),  CivilDay(2027, 5, 3),  CivilDay(2027, 5, 4),
      CivilDay(2027, 6, 9),  CivilDay(2027, 9, 15), CivilDay(2027, 10, 1), CivilDay(2027, 10, 4),
      CivilDay(2027, 10, 5)};
  EXPECT_EQ(WeekdaysOff(2027), expected);

  auto days = StatutoryDaysOff(2027);
  ASSERT_TRUE(days.ok());
  std::vector<std::pair<CivilDay, std::string>> named;
  for (const auto& d : *days) named.emplace_back(d.day, d.name);
  std::vector<std::pair<CivilDay, std::string>> want = {
      {CivilDay(2027, 1, 1), "元旦"},       {CivilDay(2027, 2, 5), "春节"},
      {CivilDay(2027, 2, 6), "春节"},       {CivilDay(2027, 2, 7), "春节"},
      {CivilDay(2027, 2, 8), "春节"},       {CivilDay(2027, 2, 9), "春节补假"},
      {CivilDay(2027, 2, 10), "春节补假"},  {CivilDay(2027, 4, 5), "清明节"},
      {CivilDay(2027, 5, 1), "劳动节"},     {CivilDay(2027, 5, 2), "劳动节"},
      {CivilDay(2027, 5, 3), "劳动节补假"}, {CivilDay(2027, 5, 4), "劳动节补假"},
      {CivilDay(2027, 6, 9), "端午节"},     {CivilDay(2027, 9, 15), "中秋节"},
      {CivilDay(2027, 10, 1), "国庆节"},    {CivilDay(2027, 10, 2), "国庆节"},
      {CivilDay(2027, 10, 3), "国庆节"},    {CivilDay(2027, 10, 4), "国庆节补假"},
      {CivilDay(2027, 10, 5), "国庆节补假"}};
  EXPECT_EQ(named, want);
}

TEST(StatutoryHolidaysTest, AHolidayOnASaturdayGivesTheNextFreeWeekday) {
  // 2028: 元旦 on a Saturday -> Monday 1/3.
  FestivalDates d{2028, CivilDay(2028, 1, 26), CivilDay(2028, 4, 4), CivilDay(2028, 5, 28),
                  CivilDay(2028, 10, 3)};
  std::vector<StatutoryDayOff> days = StatutoryDaysOff(d);
  auto find = [&](CivilDay day) -> const StatutoryDayOff* {
    for (const auto& off : days) {
      if (off.day == day) return &off;
    }
    return nullptr;
  };
  ASSERT_NE(find(CivilDay(2028, 1, 3)), nullptr);
  EXPECT_TRUE(find(CivilDay(2028, 1, 3))->in_lieu);
  EXPECT_EQ(find(CivilDay(2028, 1, 3))->name, "元旦补假");
  // 中秋 on 10/3 (Tuesday) within 国庆: one day off with both names, nothing
  // extra; 国庆 on Sunday 10/1 gives 10/4.
  ASSERT_NE(find(CivilDay(2028, 10, 3)), nullptr);
  EXPECT_EQ(find(CivilDay(2028, 10, 3))->name, "中秋节、国庆节");
  ASSERT_NE(find(CivilDay(2028, 10, 4)), nullptr);
  EXPECT_EQ(find(CivilDay(2028, 10, 4))->name, "国庆节补假");
  EXPECT_EQ(find(CivilDay(2028, 10, 5)), nullptr);
  // 端午 on Sunday 5/28 -> Monday 5/29.
  ASSERT_NE(find(CivilDay(2028, 5, 29)), nullptr);
  EXPECT_EQ(find(CivilDay(2028, 5, 29))->name, "端午节补假");
}

TEST(StatutoryHolidaysTest, EveryYearHasElevenHolidaysAndOneInLieuPerWeekendHoliday) {
  const auto& table = FestivalTable();
  ASSERT_TRUE(table.ok());
  for (const FestivalDates& row : *table) {
    std::vector<StatutoryDayOff> days = StatutoryDaysOff(row);
    int holidays = 0, on_weekend = 0, in_lieu = 0;
    for (const auto& d : days) {
      EXPECT_EQ(d.day.year(), row.year);
      if (d.in_lieu) {
        ++in_lieu;
        EXPECT_FALSE(IsWeekend(d.day)) << row.year;
      } else {
        ++holidays;
        on_weekend += IsWeekend(d.day);
      }
    }
    // 13 festival days, fewer when 中秋 falls within 国庆.
    bool overlap =
        row.zhongqiu >= CivilDay(row.year, 10, 1) && row.zhongqiu <= CivilDay(row.year, 10, 3);
    EXPECT_EQ(holidays, overlap ? 12 : 13) << row.year;
    EXPECT_EQ(in_lieu, on_weekend) << row.year;
  }
}

TEST(StatutoryHolidaysTest, YearsOutsideTheTableAreNotEstimated) {
  EXPECT_EQ(StatutoryDaysOff(2024).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(StatutoryDaysOff(2999).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(StatutoryHolidaysTest, ParserNamesTheBadLine) {
  auto r = ParseFestivalTable("# c\nyear,a,b,c,d\n2027,2027-02-06,2027-04-05,2027-06-09\n");
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 3"), std::string::npos);
  EXPECT_FALSE(ParseFestivalTable("h\n2027,2027-02-06,2028-04-05,2027-06-09,2027-09-15\n").ok());
  EXPECT_FALSE(ParseFestivalTable("h\n2027,2027-02-06,2027-04-05,2027-06-09,2027-09-15\n"
                                  "2029,2029-02-13,2029-04-04,2029-06-16,2029-09-22\n")
                   .ok());
}

TEST(StatutoryHolidaysTest, CalendarCountsTheEstimateAndStaysProvisional) {
  WorkingCalendar cal;
  cal.MarkYearLoaded(2026);  // December 2026 has no special days
  ASSERT_TRUE(EstimateUnloadedYears(cal).ok());
  EXPECT_FALSE(cal.IsYearEstimated(2026));
  EXPECT_TRUE(cal.IsYearEstimated(2027));
  // A 10-working-day limit started on Sunday 2026-12-20 skips New Year's Day.
  auto r = cal.AddWorkingDays(CivilDay(2026, 12, 20), 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2027, 1, 4));
  EXPECT_TRUE(r->provisional);
  // Across the 2027 Spring Festival: 2/2-2/4, 2/11-2/12, 2/15-2/19.
  r = cal.AddWorkingDays(CivilDay(2027, 2, 1), 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, CivilDay(2027, 2, 19));
  DayInfo info = cal.Classify(CivilDay(2027, 2, 9));
  EXPECT_FALSE(info.working);
  EXPECT_EQ(info.name, "春节补假");
  EXPECT_TRUE(info.estimated);
  EXPECT_TRUE(info.provisional);
}

}  // namespace
}  // namespace petition::scheduling
