#include "services/supervision/domain/over_level_fault.h"

namespace petition::supervision {

std::string_view OverLevelFaultName(OverLevelFault fault) {
  switch (fault) {
    case OverLevelFault::kNotAcceptedInTime:
      return "NOT_ACCEPTED_IN_TIME";
    case OverLevelFault::kHandlingOverdue:
      return "HANDLING_OVERDUE";
    case OverLevelFault::kCountyOverdue:
      return "COUNTY_OVERDUE";
    case OverLevelFault::kDeclineOverturned:
      return "DECLINE_OVERTURNED";
    case OverLevelFault::kAnswerChangedOnReview:
      return "ANSWER_CHANGED_ON_REVIEW";
  }
  return "";
}

bool PastDueUnmetBefore(const DeadlineFacts& deadline, absl::CivilDay day) {
  if (deadline.due >= day) return false;  // still within the limit that day
  return !deadline.met_on.has_value() || *deadline.met_on > deadline.due;
}

std::vector<OverLevelFault> OverLevelFaults(absl::CivilDay occurred_on,
                                            const OverLevelFacts& facts) {
  std::vector<OverLevelFault> faults;
  auto past_due = [&](const std::optional<DeadlineFacts>& d) {
    return d.has_value() && PastDueUnmetBefore(*d, occurred_on);
  };
  if (past_due(facts.acceptance)) faults.push_back(OverLevelFault::kNotAcceptedInTime);
  if (past_due(facts.handling)) faults.push_back(OverLevelFault::kHandlingOverdue);
  if (past_due(facts.county)) faults.push_back(OverLevelFault::kCountyOverdue);
  if (facts.decline_overturned && facts.declined_on.has_value() &&
      *facts.declined_on <= occurred_on) {
    faults.push_back(OverLevelFault::kDeclineOverturned);
  }
  if (facts.answer_changed_on_review) faults.push_back(OverLevelFault::kAnswerChangedOnReview);
  return faults;
}

}  // namespace petition::supervision
