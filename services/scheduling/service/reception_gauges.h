// The reception sessions a dashboard shows: how many each unit holds in a
// range of days (this week's, for petition_reception_sessions). Sessions are
// computed from plans and the calendar, never stored, so the count is too.
#ifndef PETITION_SERVICES_SCHEDULING_SERVICE_RECEPTION_GAUGES_H_
#define PETITION_SERVICES_SCHEDULING_SERVICE_RECEPTION_GAUGES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/working_calendar.h"
#include "petition/v1/scheduling.pb.h"

namespace petition::scheduling {

// The Monday and the Sunday of the ISO week holding `day`.
std::pair<absl::CivilDay, absl::CivilDay> WeekOf(absl::CivilDay day);

// Sessions dated in [from, to] by unit id; a unit with plans and no session
// in the range is present with 0. A stored plan that no longer reads as a
// valid plan is DATA_LOSS.
absl::StatusOr<std::map<std::string, int>> SessionsByUnit(
    const std::vector<v1::ReceptionPlan>& plans, const WorkingCalendar& calendar,
    absl::CivilDay from, absl::CivilDay to);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_SERVICE_RECEPTION_GAUGES_H_
