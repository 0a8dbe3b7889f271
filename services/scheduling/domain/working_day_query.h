// "The n-th working day after a date" as clients ask it
// (GET /v1/calendar:addWorkingDays): the bounds of a plausible question.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_WORKING_DAY_QUERY_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_WORKING_DAY_QUERY_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/working_calendar.h"

namespace petition::scheduling {

// Ten years of working days: far beyond any statutory time limit.
inline constexpr int kMaxWorkingDaysAsked = 3660;
// Dates are four-digit years (ParseDate's range); so is every answer.
inline constexpr int kLastYear = 9999;

// `from` must be a date YYYY-MM-DD, `days` 1..kMaxWorkingDaysAsked, and the
// answer must fall in kLastYear or before. INVALID_ARGUMENT names the field
// and the rule, never the value.
absl::StatusOr<WorkingDayResult> AddWorkingDaysQuery(const WorkingCalendar& calendar,
                                                     std::string_view from, int64_t days);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_WORKING_DAY_QUERY_H_
