#include "services/scheduling/domain/holiday_shift.h"

#include <algorithm>
#include <map>

namespace petition::scheduling {
std::optional<WorkingDayResult> ShiftPlannedDay(absl::CivilDay planned, HolidayPolicy policy,
                                                const WorkingCalendar& calendar) {
  DayInfo info = calendar.Classify(planned);
  WorkingDayResult result{planned, info.provisional};
  if (info.working) return result;
  if (policy == HolidayPolicy::kSkip) return std::nullopt;
  const int step = policy == HolidayPolicy::kPostpone ? 1 : -1;
  absl::CivilDay day = planned;
  for (int i = 0; i < kMaxShiftDays; ++i) {
    day += step;
    info = calendar.Classify(day);
    result.provisional |= info.provisional;
    if (info.working) {
      result.date = day;
      return result;
    }
  }
  return std::nullopt;
}

std::vector<ShiftedDay> ShiftAndMerge(std::vector<absl::CivilDay> planned, HolidayPolicy policy,
                                      const WorkingCalendar& calendar) {
  std::sort(planned.begin(), planned.end());
  planned.erase(std::unique(planned.begin(), planned.end()), planned.end());
  std::map<absl::CivilDay, ShiftedDay> by_date;
  for (absl::CivilDay day : planned) {
    std::optional<WorkingDayResult> shifted = ShiftPlannedDay(day, policy, calendar);
    if (!shifted.has_value()) continue;
    ShiftedDay& entry = by_date[shifted->date];
    entry.date = shifted->date;
    entry.planned_dates.push_back(day);  // ascending: `planned` is sorted
    entry.provisional |= shifted->provisional;
  }
  std::vector<ShiftedDay> out;
  out.reserve(by_date.size());
  for (auto& [date, entry] : by_date) out.push_back(std::move(entry));
  return out;
}

}  // namespace petition::scheduling
