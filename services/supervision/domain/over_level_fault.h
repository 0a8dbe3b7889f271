// When an escalation over the township's head (越级上访) counts against a
// unit. Every escalation is recorded; it is the unit's fault only when the
// unit caused it [S1 "因工作不力造成越级", S2 "因责任单位不处理或处理不当"]:
//
// - NOT_ACCEPTED_IN_TIME: the case's ACCEPTANCE deadline had gone past due
//   unmet before the day the petitioner went up (not accepted, declined or
//   withdrawn on or before its due date);
// - HANDLING_OVERDUE / COUNTY_OVERDUE: the HANDLING deadline (the township's
//   limit) or the COUNTY deadline (the county's date) had gone past due unmet
//   before that day;
// - DECLINE_OVERTURNED: the case was declined as outside the township's
//   remit on or before that day, and the higher body found it within the
//   remit and sent it back (recorded on the escalation);
// - ANSWER_CHANGED_ON_REVIEW: the case's answer was changed or revoked on
//   review or recheck (复查/复核) on or before that day.
//
// "Gone past due unmet before day E": the due date is before E and the
// deadline was not met on or before its due date (met late, or not at all).
// The petitioner going up on the due date itself is within the limit.
//
// An escalation with none of these is not the unit's fault (A19: a matter
// accepted and within its limit is sent back by the higher body); it is
// counted apart (overLevelNotAtFault).
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_OVER_LEVEL_FAULT_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_OVER_LEVEL_FAULT_H_

#include <optional>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"

namespace petition::supervision {

// One deadline of the escalated case: its due date and the day it was met
// (accepted, declined, answered, concluded or withdrawn), if it was.
struct DeadlineFacts {
  absl::CivilDay due;
  std::optional<absl::CivilDay> met_on;
};

// What the fault rule looks at of the escalated case.
struct OverLevelFacts {
  std::optional<DeadlineFacts> acceptance;
  std::optional<DeadlineFacts> handling;
  std::optional<DeadlineFacts> county;
  std::optional<absl::CivilDay> declined_on;
  // Said by whoever records the escalation: the higher body found the
  // declined matter within the township's remit and sent it back.
  bool decline_overturned = false;
  // A review or recheck changed or revoked the answer on or before the day.
  bool answer_changed_on_review = false;
};

enum class OverLevelFault {
  kNotAcceptedInTime,
  kHandlingOverdue,
  kCountyOverdue,
  kDeclineOverturned,
  kAnswerChangedOnReview,
};

// The stable name of a fault (the proto enum's).
std::string_view OverLevelFaultName(OverLevelFault fault);

// The deadline had gone past due unmet before `day`.
bool PastDueUnmetBefore(const DeadlineFacts& deadline, absl::CivilDay day);

// Why an escalation on `occurred_on` counts against the unit, in the order
// of the enum; empty when it is not the unit's fault.
std::vector<OverLevelFault> OverLevelFaults(absl::CivilDay occurred_on,
                                            const OverLevelFacts& facts);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_OVER_LEVEL_FAULT_H_
