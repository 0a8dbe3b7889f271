// Working-day arithmetic: Monday-Friday are working days, minus holidays, plus
// make-up working days (调休上班) that fall on weekends. Years without a loaded
// calendar mark the result provisional; they count Monday-Friday minus the
// holidays estimated for them (scheduling estimates them from the statutory
// rule until the year's notice is loaded).
// The calendar data itself is never code: it is loaded per year (scheduling
// seeds 2025 and 2026 from a migration; administrators PUT later years).
#ifndef PETITION_COMMON_WORKING_CALENDAR_H_
#define PETITION_COMMON_WORKING_CALENDAR_H_

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace petition {

enum class DayKind { kWeekday, kWeekend, kHoliday, kMakeupWorkday };

struct DayInfo {
  bool working = false;
  DayKind kind = DayKind::kWeekday;
  std::string name;          // the holiday's or make-up day's name
  bool provisional = false;  // its year has no loaded calendar
  bool estimated = false;    // provisional, with the year's holidays estimated
};

struct WorkingDayResult {
  absl::CivilDay date;
  bool provisional = false;  // some year crossed has no loaded calendar
};

class WorkingCalendar {
 public:
  WorkingCalendar();

  // Adds one special day. A holiday on a date already marked as a make-up
  // workday (or vice versa) is INVALID_ARGUMENT; so is a make-up workday on a
  // weekday (it changes nothing) and a holiday... on a weekend is allowed.
  absl::Status AddHoliday(absl::CivilDay day, std::string name);
  absl::Status AddMakeupWorkday(absl::CivilDay day, std::string name);
  // Marks `year` as loaded (even with no special days).
  void MarkYearLoaded(int year);
  bool IsYearLoaded(int year) const { return loaded_years_.contains(year); }

  // A holiday estimated for a year with no loaded calendar: a day off, but
  // the year stays provisional and its days say `estimated`. FAILED_PRECONDITION
  // when the year is loaded; loading the year later (AddHoliday,
  // AddMakeupWorkday, MarkYearLoaded) drops the whole estimate of that year.
  absl::Status AddEstimatedHoliday(absl::CivilDay day, std::string name);
  bool IsYearEstimated(int year) const { return estimated_days_.contains(year); }

  DayInfo Classify(absl::CivilDay day) const;
  bool IsWorkingDay(absl::CivilDay day) const { return Classify(day).working; }

  // The n-th working day after `from` (`from` not counted); n >= 1, at most
  // 3660 (INVALID_ARGUMENT otherwise). Within 2000-2100 it counts bits of a
  // day-by-day bitmap (tens of nanoseconds for ten days), elsewhere it
  // classifies day by day.
  absl::StatusOr<WorkingDayResult> AddWorkingDays(absl::CivilDay from, int n) const;

  // `day` itself when it is a working day, else the next working day (顺延).
  WorkingDayResult NextWorkingDayOnOrAfter(absl::CivilDay day) const;

 private:
  // The bitmap of working days covers [kDenseFirstYear, kDenseEndYear).
  static constexpr int kDenseFirstYear = 2000;
  static constexpr int kDenseEndYear = 2101;

  // Marks `year` loaded; drops its estimate the first time.
  void LoadYear(int year);
  // Sets a day's bit in the bitmap (no-op outside it).
  void SetWorking(absl::CivilDay day, bool working);
  bool IsYearLoadedFast(int year) const;
  absl::StatusOr<WorkingDayResult> AddWorkingDaysSlow(absl::CivilDay from, int n) const;

  std::vector<uint64_t> working_;  // bit i: day kDenseFirstYear-01-01 + i works
  std::bitset<kDenseEndYear - kDenseFirstYear> dense_loaded_;

  absl::flat_hash_map<absl::CivilDay, std::string> holidays_;  // loaded and estimated
  absl::flat_hash_map<absl::CivilDay, std::string> makeups_;
  absl::flat_hash_set<int> loaded_years_;
  absl::flat_hash_map<int, std::vector<absl::CivilDay>> estimated_days_;  // by year
};

}  // namespace petition

#endif  // PETITION_COMMON_WORKING_CALENDAR_H_
