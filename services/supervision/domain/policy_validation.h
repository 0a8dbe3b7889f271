// What a township's deadline policy must satisfy before it is stored
// (PUT /v1/policies/deadlines). Each refusal is INVALID_ARGUMENT naming the
// field in API.md's JSON names and the rule:
// - timeZone: a known IANA zone;
// - every limit, window and maximum is at least 1 day (no zero, no negative)
//   and at most 366 (dueSoon at most 30), in CALENDAR_DAYS or WORKING_DAYS:
//   acceptance, handling.{SIMPLE,ORDINARY,COMPLEX}, extensionMax,
//   reviewWindow, reviewAnswer, dueSoon, orderResponse.{REMINDER,ORDER,LISTED,SUMMONS};
// - the handling limits in order, SIMPLE <= ORDINARY <= COMPLEX: the fast
//   track (简易办理, SIMPLE) is never longer than ordinary handling, and
//   ordinary handling never longer than a complex matter's;
// - extendable: SIMPLE, ORDINARY or COMPLEX, each at most once.
//
// Comparing limits (LongerThan): in the same unit, by days. Across units a
// working day is at least one calendar day, and N working days last at most
// N + 2 * ceil(N / 5) calendar days when the week has its weekend and no
// holiday (10 working days: 10..14 calendar days). A limit is longer than
// another only when it is certainly so: its shortest reading is longer than
// the other's longest. SIMPLE 10 WORKING_DAYS against ORDINARY 8
// CALENDAR_DAYS is refused (at least 10 > 8); SIMPLE 15 CALENDAR_DAYS
// against ORDINARY 10 WORKING_DAYS is refused (15 > at most 14); SIMPLE 14
// CALENDAR_DAYS against ORDINARY 10 WORKING_DAYS is allowed (10 working days
// can last 14 calendar days). Holidays only lengthen working days, so a
// policy refused here is out of order in every week.
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_POLICY_VALIDATION_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_POLICY_VALIDATION_H_

#include "absl/status/status.h"
#include "services/supervision/domain/deadline_policy.h"

namespace petition::supervision {

// The fewest and the most calendar days `limit` can last (holidays aside).
int ShortestCalendarSpan(const Limit& limit);
int LongestCalendarSpan(const Limit& limit);

// Whether `a` is certainly longer than `b` (see above).
bool LongerThan(const Limit& a, const Limit& b);

absl::Status ValidatePolicy(const DeadlinePolicy& policy);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_POLICY_VALIDATION_H_
