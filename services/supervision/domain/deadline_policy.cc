#include "services/supervision/domain/deadline_policy.h"

#include "absl/status/status.h"

namespace petition::supervision {

absl::StatusOr<WorkingDayResult> ComputeDueDate(absl::CivilDay start, Limit limit,
                                                int extension_days, bool roll_to_working_day,
                                                WorkingDayOracle& oracle) {
  if (limit.days < 1) return absl::InvalidArgumentError("a limit must be at least 1 day");
  if (extension_days < 0) return absl::InvalidArgumentError("an extension cannot be negative");
  const int total = limit.days + extension_days;
  if (limit.unit == DayUnit::kWorkingDays) return oracle.AddWorkingDays(start, total);
  const absl::CivilDay end = start + total;
  if (!roll_to_working_day) return WorkingDayResult{end, false};
  // The first working day on or after `end` is the first working day after the day before it.
  return oracle.AddWorkingDays(end - 1, 1);
}

DeadlineState StateOn(absl::CivilDay today, absl::CivilDay due,
                      std::optional<absl::CivilDay> event_day) {
  if (event_day.has_value())
    return *event_day <= due ? DeadlineState::kMet : DeadlineState::kMissed;
  return today > due ? DeadlineState::kOverdue : DeadlineState::kOpen;
}

}  // namespace petition::supervision
