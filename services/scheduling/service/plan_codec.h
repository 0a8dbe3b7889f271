// A reception plan as the API gives it (v1::ReceptionPlan) turned into the
// domain's ReceptionPlan, by the handlers when a plan is created or read and
// by the reception gauges.
#ifndef PETITION_SERVICES_SCHEDULING_SERVICE_PLAN_CODEC_H_
#define PETITION_SERVICES_SCHEDULING_SERVICE_PLAN_CODEC_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "petition/v1/scheduling.pb.h"
#include "services/scheduling/domain/reception_plan.h"

namespace petition::scheduling {

PartOfDay ToDomain(v1::PartOfDay part);
HolidayPolicy ToDomain(v1::HolidayPolicy policy);

// The plan's shape as the API gives it; violations are added to `v` by field
// (recurrence.weekly.weekdays[1], startDate, ...) and nullopt returned.
std::optional<ReceptionPlan> ToDomain(const v1::ReceptionPlan& p,
                                      std::vector<std::pair<std::string, std::string>>* v);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_SERVICE_PLAN_CODEC_H_
