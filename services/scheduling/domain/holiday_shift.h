// 顺延: what happens to a planned reception day that is not a working day.
// - POSTPONE: the next working day (顺延, the 15th/25th rule of [S3]);
// - ADVANCE: the previous working day;
// - SKIP: no session that time.
// A shifted session that lands on a day the same plan already receives merges
// into that session, which then lists both planned dates: a plan never has two
// sessions on one day.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_HOLIDAY_SHIFT_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_HOLIDAY_SHIFT_H_

#include <optional>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/working_calendar.h"

namespace petition::scheduling {

enum class HolidayPolicy { kPostpone, kAdvance, kSkip };

// The longest shift looked for. The longest run of days off in a notice is
// about ten days (国庆 with its bridging days and a weekend).
inline constexpr int kMaxShiftDays = 31;

// The day a planned day is received on: itself when it is a working day,
// else by `policy`; nullopt for SKIP, or when no working day is within
// kMaxShiftDays. `provisional` when a year without a loaded calendar was
// consulted.
std::optional<WorkingDayResult> ShiftPlannedDay(absl::CivilDay planned, HolidayPolicy policy,
                                                const WorkingCalendar& calendar);

struct ShiftedDay {
  absl::CivilDay date;
  std::vector<absl::CivilDay> planned_dates;  // ascending, at least one
  bool provisional = false;
};

// Shifts every planned day and merges those landing on one date. The result
// is ordered by date, one entry per date. `planned` may be in any order;
// duplicates count once.
std::vector<ShiftedDay> ShiftAndMerge(std::vector<absl::CivilDay> planned, HolidayPolicy policy,
                                      const WorkingCalendar& calendar);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_HOLIDAY_SHIFT_H_
