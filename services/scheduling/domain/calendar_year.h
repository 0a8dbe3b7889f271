// One year of the official holiday notice as an administrator submits it:
// every date must parse, fall in that year, appear once, and a make-up
// working day (调休上班) must be a weekend day.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_CALENDAR_YEAR_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_CALENDAR_YEAR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/working_calendar.h"
#include "petition/v1/scheduling.pb.h"

namespace petition::scheduling {

struct SpecialDay {
  absl::CivilDay day;
  DayKind kind;  // kHoliday or kMakeupWorkday
  std::string name;
};

// Validates a PUT of `year`; INVALID_ARGUMENT lists every bad entry by field
// path (e.g. "holidays[2].date").
absl::StatusOr<std::vector<SpecialDay>> ValidateCalendarYear(const v1::PutCalendarRequest& request);

// Adds loaded special days to a calendar.
absl::Status AddToCalendar(const std::vector<SpecialDay>& days, WorkingCalendar& calendar);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_CALENDAR_YEAR_H_
