// The statutory holidays (全国年节及纪念日放假办法, as revised in 2024, in force
// from 2025), used to estimate a year until the State Council's notice for it
// is loaded:
// - 元旦 1 day (1/1); 春节 4 days (农历除夕 to 正月初三); 清明 1 day (the 清明
//   solar term, 4 or 5 April); 劳动节 2 days (5/1-5/2); 端午 1 day (农历五月初五);
//   中秋 1 day (农历八月十五); 国庆 3 days (10/1-10/3);
// - a holiday that falls on a Saturday or Sunday gives a day off (补假) on the
//   first weekday after it that is neither a holiday nor already such a day off;
// - weekends as usual; no make-up workdays (only the notice can know them);
// - two festivals on one day (中秋 within 国庆) are one day off with both names.
// The lunar festivals and 清明 come from a table kept as data
// (statutory_holiday_dates.csv), checked against a lunar calendar library.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_STATUTORY_HOLIDAYS_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_STATUTORY_HOLIDAYS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/working_calendar.h"

namespace petition::scheduling {

// One row of the table: the movable dates of a Gregorian year.
struct FestivalDates {
  int year = 0;
  absl::CivilDay lunar_new_year;  // 正月初一
  absl::CivilDay qingming;        // the 清明 solar term
  absl::CivilDay duanwu;          // 五月初五
  absl::CivilDay zhongqiu;        // 八月十五
};

// Parses the table's text: '#' comments, a header line, then
// "year,YYYY-MM-DD,YYYY-MM-DD,YYYY-MM-DD,YYYY-MM-DD" rows in consecutive years,
// each date in its row's year. INVALID_ARGUMENT names the line.
absl::StatusOr<std::vector<FestivalDates>> ParseFestivalTable(absl::string_view csv);

// The embedded table, parsed once.
const absl::StatusOr<std::vector<FestivalDates>>& FestivalTable();

struct StatutoryDayOff {
  absl::CivilDay day;
  std::string name;      // e.g. 春节, 国庆节补假
  bool in_lieu = false;  // 补假 for a holiday on a weekend
};

// The days off of `year` by the rule, in date order, holidays on weekends
// included. OUT_OF_RANGE when the table does not cover the year.
absl::StatusOr<std::vector<StatutoryDayOff>> StatutoryDaysOff(int year);
// The same from given festival dates.
std::vector<StatutoryDayOff> StatutoryDaysOff(const FestivalDates& dates);

// Adds the estimate of every year the table covers that `calendar` has not
// loaded. Loading a year afterwards replaces its estimate.
absl::Status EstimateUnloadedYears(WorkingCalendar& calendar);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_STATUTORY_HOLIDAYS_H_
