#include "services/scheduling/domain/statutory_holidays.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/dates.h"

namespace petition::scheduling {

// statutory_holiday_dates.csv, embedded by the build.
extern const char kStatutoryHolidayDatesCsv[];

namespace {

bool IsWeekend(absl::CivilDay day) {
  absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

absl::Status BadLine(int line, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("statutory holiday table, line ", line, ": ", why));
}

}  // namespace

absl::StatusOr<std::vector<FestivalDates>> ParseFestivalTable(absl::string_view csv) {
  std::vector<FestivalDates> rows;
  bool header_seen = false;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    std::vector<absl::string_view> cells = absl::StrSplit(line, ',');
    if (cells.size() != 5) return BadLine(line_no, "expected 5 cells");
    FestivalDates row;
    if (!absl::SimpleAtoi(cells[0], &row.year)) return BadLine(line_no, "bad year");
    absl::CivilDay* fields[] = {&row.lunar_new_year, &row.qingming, &row.duanwu, &row.zhongqiu};
    for (int i = 0; i < 4; ++i) {
      auto day = ParseDate(std::string_view(cells[i + 1].data(), cells[i + 1].size()));
      if (!day.ok() || day->year() != row.year) return BadLine(line_no, "bad date");
      *fields[i] = *day;
    }
    if (!rows.empty() && rows.back().year + 1 != row.year) {
      return BadLine(line_no, "years must be consecutive");
    }
    rows.push_back(row);
  }
  if (rows.empty()) return absl::InvalidArgumentError("statutory holiday table is empty");
  return rows;
}

const absl::StatusOr<std::vector<FestivalDates>>& FestivalTable() {
  static const auto* table = new absl::StatusOr<std::vector<FestivalDates>>(
      ParseFestivalTable(absl::string_view(kStatutoryHolidayDatesCsv)));
  return *table;
}

std::vector<StatutoryDayOff> StatutoryDaysOff(const FestivalDates& dates) {
  const absl::CivilDay jan1(dates.year, 1, 1);
  std::map<absl::CivilDay, std::string> holidays;  // by date
  auto add = [&](absl::CivilDay first, int days, absl::string_view name) {
    for (absl::CivilDay d = first; d < first + days; ++d) {
      std::string& names = holidays[d];
      names = names.empty() ? std::string(name) : absl::StrCat(names, "、", name);
    }
  };
  add(jan1, 1, "元旦");
  add(dates.lunar_new_year - 1, 4, "春节");  // 除夕 to 正月初三
  add(dates.qingming, 1, "清明节");
  add(absl::CivilDay(dates.year, 5, 1), 2, "劳动节");
  add(dates.duanwu, 1, "端午节");
  add(dates.zhongqiu, 1, "中秋节");
  add(absl::CivilDay(dates.year, 10, 1), 3, "国庆节");

  std::vector<StatutoryDayOff> out;
  absl::flat_hash_set<absl::CivilDay> taken;
  for (const auto& [day, name] : holidays) taken.insert(day);
  for (const auto& [day, name] : holidays) {
    out.push_back({day, name, false});
    if (!IsWeekend(day)) continue;
    absl::CivilDay in_lieu = day + 1;
    while (IsWeekend(in_lieu) || taken.contains(in_lieu)) ++in_lieu;
    taken.insert(in_lieu);
    out.push_back({in_lieu, absl::StrCat(name, "补假"), true});
  }
  std::sort(out.begin(), out.end(),
            [](const StatutoryDayOff& a, const StatutoryDayOff& b) { return a.day < b.day; });
  return out;
}

absl::StatusOr<std::vector<StatutoryDayOff>> StatutoryDaysOff(int year) {
  const auto& table = FestivalTable();
  if (!table.ok()) return table.status();
  const int first = table->front().year;
  const int last = table->back().year;
  if (year < first || year > last) {
    return absl::OutOfRangeError(
        absl::StrCat("the statutory holidays are estimated for ", first, "-", last, " only"));
  }
  return StatutoryDaysOff((*table)[year - first]);
}

absl::Status EstimateUnloadedYears(WorkingCalendar& calendar) {
  const auto& table = FestivalTable();
  if (!table.ok()) return table.status();
  for (const FestivalDates& dates : *table) {
    if (calendar.IsYearLoaded(dates.year)) continue;
    for (StatutoryDayOff& off : StatutoryDaysOff(dates)) {
      // A 补假 never leaves its year (no holiday falls late in December).
      if (off.day.year() != dates.year) continue;
      if (absl::Status s = calendar.AddEstimatedHoliday(off.day, std::move(off.name)); !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace petition::scheduling
