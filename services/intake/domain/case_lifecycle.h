// The case lifecycle as a pure function: which step may happen in which
// status, and the status it leads to (the transitions of the REST contract):
//   REGISTERED -> ACCEPTED | DECLINED | OBJECTED (a county transfer, A23)
//   ACCEPTED -> ANSWERED (opinions are written, submitted and approved while
//   ACCEPTED)
//   ANSWERED -> ANSWERED by delivery (送达, once per answer: CheckDelivery)
//   ANSWERED -> REVIEW_REQUESTED | CONCLUDED
//   REVIEW_REQUESTED -> CONCLUDED
//   the review chain (review_chain.h): REVIEW_REQUESTED -> REVIEW_DECIDED
//   (or ACCEPTED when the review changed the answer); REVIEW_DECIDED or
//   ANSWERED again -> RECHECK_REQUESTED -> FINAL; ANSWERED or REVIEW_DECIDED
//   -> FINAL when the window lapses
//   any non-final status -> WITHDRAWN
// A rating is given once, after the answer, and leaves the status as it is;
// a second rating is ALREADY_EXISTS (the clerk's and the petitioner's alike).
// Anything else is FAILED_PRECONDITION naming the current status. Whether the
// review window is still open is supervision's to say (it owns that deadline).
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_CASE_LIFECYCLE_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_CASE_LIFECYCLE_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

// Final statuses: nothing happens after them (but a rating after an answer).
bool IsFinal(v1::CaseStatus status);

// The status after `step` on a case in `current`; `rated`: the case already
// has a rating. FAILED_PRECONDITION (naming the current status) when the step
// is not allowed now.
absl::StatusOr<v1::CaseStatus> NextStatus(v1::CaseStatus current, v1::Step step, bool rated);

// Request validation, field-named (INVALID_ARGUMENT with details). Checks
// only what the request alone decides; what depends on the case (its status,
// its units, its opinions) is decided under the case's lock.
absl::Status ValidateAccept(const v1::AcceptCaseRequest& request);
absl::Status ValidateDecline(const v1::DeclineCaseRequest& request);
absl::Status ValidateOpinion(const v1::SubmitOpinionRequest& request);
absl::Status ValidateWithdraw(const v1::WithdrawCaseRequest& request);
absl::Status ValidateRate(const v1::RateCaseRequest& request);
absl::Status ValidateDeliver(const v1::DeliverCaseRequest& request);
absl::Status ValidateObject(const v1::ObjectCaseRequest& request);

// Whether the township may object to `current` (异议, A23): only a county
// transfer (转送, COUNTY_TRANSFER). A township's own case has nobody to
// object to; a county assignment (交办, COUNTY_ASSIGNMENT) is the county's
// order to handle the matter and report (A23 gives the objection against a
// transfer). FAILED_PRECONDITION naming the source otherwise. Whether the
// period is still open is supervision's to say (its OBJECTION deadline).
absl::Status CheckObjectable(const v1::Case& current);

// Whether the written answer of `current` (ANSWERED; NextStatus decides the
// status) may be recorded as delivered on `delivered_on`: once per answer
// (FAILED_PRECONDITION naming deliveredOn when it already was), not before
// the day of the answer (`answered_day`) and not after `today` (both in the
// township's time zone; INVALID_ARGUMENT naming deliveredOn).
absl::Status CheckDelivery(const v1::Case& current, absl::CivilDay delivered_on,
                           absl::CivilDay answered_day, absl::CivilDay today);

// An id of a unit or official, minted outside intake (common/ids.h).
bool ValidStepId(const std::string& id);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_CASE_LIFECYCLE_H_
