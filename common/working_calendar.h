// Working-day arithmetic: Monday-Friday are working days, minus holidays, plus
// make-up working days (调休上班) that fall on weekends. Years without a loaded
// calendar fall back to Monday-Friday and mark the result provisional.
// The calendar data itself is never code: it is loaded per year (scheduling
// seeds 2025 and 2026 from a migration; administrators PUT later years).
#ifndef PETITION_COMMON_WORKING_CALENDAR_H_
#define PETITION_COMMON_WORKING_CALENDAR_H_

#include <string>

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
};

struct WorkingDayResult {
  absl::CivilDay date;
  bool provisional = false;  // some year crossed has no loaded calendar
};

class WorkingCalendar {
 public:
  // Adds one special day. A holiday on a date already marked as a make-up
  // workday (or vice versa) is INVALID_ARGUMENT; so is a make-up workday on a
  // weekday (it changes nothing) and a holiday... on a weekend is allowed.
  absl::Status AddHoliday(absl::CivilDay day, std::string name);
  absl::Status AddMakeupWorkday(absl::CivilDay day, std::string name);
  // Marks `year` as loaded (even with no special days).
  void MarkYearLoaded(int year);
  bool IsYearLoaded(int year) const { return loaded_years_.contains(year); }

  DayInfo Classify(absl::CivilDay day) const;
  bool IsWorkingDay(absl::CivilDay day) const { return Classify(day).working; }

  // The n-th working day after `from` (`from` not counted); n >= 1, at most
  // 3660 (INVALID_ARGUMENT otherwise).
  absl::StatusOr<WorkingDayResult> AddWorkingDays(absl::CivilDay from, int n) const;

  // `day` itself when it is a working day, else the next working day (顺延).
  WorkingDayResult NextWorkingDayOnOrAfter(absl::CivilDay day) const;

 private:
  absl::flat_hash_map<absl::CivilDay, std::string> holidays_;
  absl::flat_hash_map<absl::CivilDay, std::string> makeups_;
  absl::flat_hash_set<int> loaded_years_;
};

}  // namespace petition

#endif  // PETITION_COMMON_WORKING_CALENDAR_H_
