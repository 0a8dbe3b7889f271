// 延长办理期限 (信访工作条例 A34): a complex matter's HANDLING limit may be
// extended once, by at most the policy's maximum, with the reason told to
// the petitioner. Here:
// - only a case whose complexity the policy lists in `extendable` (COMPLEX
//   by default);
// - only while its HANDLING deadline has not passed: on the due date itself
//   still, from the next day never (an extension cannot turn an overdue
//   case into one on time, in the statistics or anywhere else);
// - by 1..extensionMax days.
// "Once" is the store's: the case's one extension row.
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_EXTENSION_RULE_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_EXTENSION_RULE_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/supervision/domain/deadline_policy.h"

namespace petition::supervision {

// OK when the extension may be granted on `today`. Otherwise
// FAILED_PRECONDITION naming `complexity` (not extendable under the
// policy) or `dueDate` (passed: the message names the due date), or
// INVALID_ARGUMENT naming `days` (not 1..extensionMax). `complexity` is the
// case's (SIMPLE, ORDINARY, COMPLEX); `policy` the one its HANDLING
// deadline was opened under.
absl::Status CheckExtension(const DeadlinePolicy& policy, std::string_view complexity,
                            absl::CivilDay handling_due, absl::CivilDay today, int days);

// The due-date part alone (also checked again under the deadline's lock).
absl::Status CheckNotPastDue(absl::CivilDay handling_due, absl::CivilDay today);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_EXTENSION_RULE_H_
