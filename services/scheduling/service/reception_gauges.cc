#include "services/scheduling/service/reception_gauges.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/scheduling/domain/reception_plan.h"
#include "services/scheduling/service/plan_codec.h"

namespace petition::scheduling {

std::pair<absl::CivilDay, absl::CivilDay> WeekOf(absl::CivilDay day) {
  const absl::CivilDay monday = absl::PrevWeekday(day + 1, absl::Weekday::monday);
  return {monday, monday + 6};
}

absl::StatusOr<std::map<std::string, int>> SessionsByUnit(
    const std::vector<v1::ReceptionPlan>& plans, const WorkingCalendar& calendar,
    absl::CivilDay from, absl::CivilDay to) {
  std::map<std::string, int> out;
  for (const v1::ReceptionPlan& stored : plans) {
    std::vector<std::pair<std::string, std::string>> violations;
    auto plan = ToDomain(stored, &violations);
    if (!plan.has_value()) {
      return absl::DataLossError(
          absl::StrCat("stored reception plan ", stored.plan_id(), " is not valid"));
    }
    auto sessions = ExpandPlan(*plan, calendar, from, to);
    if (!sessions.ok()) return sessions.status();
    out[stored.unit_id()] += static_cast<int>(sessions->size());
  }
  return out;
}

}  // namespace petition::scheduling
