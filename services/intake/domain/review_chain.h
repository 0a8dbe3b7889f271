// After the answer: the review (复查, A35) and recheck (复核, A36) chain.
//
//   ANSWERED (delivered) -- :requestReview within REVIEW_WINDOW --> REVIEW_REQUESTED
//   REVIEW_REQUESTED -- review UPHELD --> REVIEW_DECIDED (RECHECK_WINDOW runs
//       from the decision)
//   REVIEW_REQUESTED -- review CHANGED | REVOKED --> ACCEPTED: handling again,
//       then answered again; the delivery of that answer opens RECHECK_WINDOW
//       (no second review)
//   REVIEW_DECIDED, or ANSWERED again after a review -- :requestRecheck within
//       RECHECK_WINDOW --> RECHECK_REQUESTED
//   RECHECK_REQUESTED -- recheck decision --> FINAL
//   ANSWERED | REVIEW_DECIDED -- the window lapsed unused --> FINAL
// A FINAL matter is not accepted again from the same person (A36 不再受理).
// Whether a window is open is supervision's to say (it owns the calendar).
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_REVIEW_CHAIN_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_REVIEW_CHAIN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

// "REVIEW" or "RECHECK" (the path's {stage}); INVALID_ARGUMENT naming stage.
absl::StatusOr<v1::ReviewDecision::Stage> ParseReviewStage(const std::string& stage);

// What the request alone decides: the stage, the outcome, decidedOn a date,
// the summary at most 4000 characters (INVALID_ARGUMENT, field-named).
absl::Status ValidateReviewDecision(const v1::DecideReviewRequest& request);

// The decision recorded on `c` for `stage`; nullptr when none is.
const v1::ReviewDecision* RecordedDecision(const v1::Case& c, v1::ReviewDecision::Stage stage);

// The same decision pushed again (stage, outcome, day and summary).
bool SameDecision(const v1::ReviewDecision& recorded, const v1::DecideReviewRequest& request);

// The step a decision of `stage` is (DECIDE_REVIEW or DECIDE_RECHECK).
v1::Step DecisionStep(v1::ReviewDecision::Stage stage);

// A review that changed or revoked the answer reopens handling.
bool ReopensHandling(v1::ReviewDecision::Stage stage, v1::ReviewDecision::Outcome outcome);

// The status after a decision the lifecycle allows (NextStatus): FINAL for
// a recheck, REVIEW_DECIDED for an upheld review, ACCEPTED for a review that
// changed or revoked the answer.
v1::CaseStatus StatusAfterDecision(v1::ReviewDecision::Stage stage,
                                   v1::ReviewDecision::Outcome outcome);

// decidedOn is not after `today` (INVALID_ARGUMENT naming decidedOn).
absl::Status CheckDecisionDay(absl::CivilDay decided_on, absl::CivilDay today);

// A review may be asked for only once the answer was delivered (the window
// counts from delivery), and only once: after a review decision the next
// step is the recheck (FAILED_PRECONDITION naming deliveredOn / the step).
absl::Status CheckReviewable(const v1::Case& current);

// A recheck is asked of a review decision: the case is REVIEW_DECIDED, or
// ANSWERED again after a review that changed the answer and that answer was
// delivered (FAILED_PRECONDITION otherwise).
absl::Status CheckRecheckable(const v1::Case& current);

// The window the delivery of the case's current answer opens: RECHECK_WINDOW
// for an answer given again after a review decision, REVIEW_WINDOW otherwise.
std::string WindowOpenedByDelivery(const v1::Case& c);

// Whether `window` (REVIEW_WINDOW or RECHECK_WINDOW) lapsing unused makes
// `c` FINAL now: it is the window of the case's current status (a window met
// by a request just in time, or a case concluded or withdrawn since, is not).
bool MayLapse(const v1::Case& c, const std::string& window);

// After a review changed or revoked the answer, the case is answered again
// with a new opinion, not the one the review set aside (INVALID_ARGUMENT
// naming opinionId).
absl::Status CheckAnswerAfterReview(const v1::Case& current, const std::string& opinion_id);

// The decline "不再受理" (route FINAL_DECISION, A36) is for a petition the
// repeat detector matched with a FINAL case of the same person (registered
// `final`); FAILED_PRECONDITION naming route otherwise.
absl::Status CheckFinalDecline(const v1::Case& current, v1::DeclineRoute route);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_REVIEW_CHAIN_H_
