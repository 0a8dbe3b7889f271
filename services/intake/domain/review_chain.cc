#include "services/intake/domain/review_chain.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/status.h"
#include "common/utf8.h"

namespace petition::intake {
namespace {

constexpr size_t kMaxSummary = 4000;

bool HasReviewDecision(const v1::Case& c) {
  return RecordedDecision(c, v1::ReviewDecision::REVIEW) != nullptr;
}

}  // namespace

absl::StatusOr<v1::ReviewDecision::Stage> ParseReviewStage(const std::string& stage) {
  if (stage == "REVIEW") return v1::ReviewDecision::REVIEW;
  if (stage == "RECHECK") return v1::ReviewDecision::RECHECK;
  return InvalidField("stage", "must be REVIEW (复查) or RECHECK (复核)");
}

absl::Status ValidateReviewDecision(const v1::DecideReviewRequest& request) {
  std::vector<std::pair<std::string, std::string>> v;
  if (!ParseReviewStage(request.stage()).ok()) {
    v.emplace_back("stage", "must be REVIEW (复查) or RECHECK (复核)");
  }
  if (request.outcome() == v1::ReviewDecision::OUTCOME_UNSPECIFIED ||
      !v1::ReviewDecision::Outcome_IsValid(request.outcome())) {
    v.emplace_back("outcome", "must be UPHELD, CHANGED or REVOKED");
  }
  if (request.decided_on().empty()) {
    v.emplace_back("decidedOn", "is required (YYYY-MM-DD)");
  } else if (!ParseDate(request.decided_on()).ok()) {
    v.emplace_back("decidedOn", "is not a date YYYY-MM-DD");
  }
  if (!IsValidUtf8(request.summary()) || Utf8Length(request.summary()) > kMaxSummary) {
    v.emplace_back("summary", absl::StrCat("must be UTF-8, at most ", kMaxSummary, " characters"));
  }
  return v.empty() ? absl::OkStatus() : InvalidFields(v);
}

const v1::ReviewDecision* RecordedDecision(const v1::Case& c, v1::ReviewDecision::Stage stage) {
  for (const v1::ReviewDecision& d : c.review_decisions()) {
    if (d.stage() == stage) return &d;
  }
  return nullptr;
}

bool SameDecision(const v1::ReviewDecision& recorded, const v1::DecideReviewRequest& request) {
  auto stage = ParseReviewStage(request.stage());
  return stage.ok() && recorded.stage() == *stage && recorded.outcome() == request.outcome() &&
         recorded.decided_on() == request.decided_on() && recorded.summary() == request.summary();
}

v1::Step DecisionStep(v1::ReviewDecision::Stage stage) {
  return stage == v1::ReviewDecision::RECHECK ? v1::DECIDE_RECHECK : v1::DECIDE_REVIEW;
}

bool ReopensHandling(v1::ReviewDecision::Stage stage, v1::ReviewDecision::Outcome outcome) {
  return stage == v1::ReviewDecision::REVIEW && outcome != v1::ReviewDecision::UPHELD;
}

v1::CaseStatus StatusAfterDecision(v1::ReviewDecision::Stage stage,
                                   v1::ReviewDecision::Outcome outcome) {
  if (stage == v1::ReviewDecision::RECHECK) return v1::FINAL;
  return ReopensHandling(stage, outcome) ? v1::ACCEPTED : v1::REVIEW_DECIDED;
}

absl::Status CheckDecisionDay(absl::CivilDay decided_on, absl::CivilDay today) {
  if (decided_on > today) {
    return InvalidField("decidedOn", absl::StrCat("is after today (", FormatDate(today), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckReviewable(const v1::Case& current) {
  if (current.status() != v1::ANSWERED) return absl::OkStatus();  // NextStatus refuses
  if (HasReviewDecision(current)) {
    return absl::FailedPreconditionError(
        "the case is ANSWERED again after its review decision: the next step is a recheck "
        "(:requestRecheck, A36), not a second review");
  }
  if (current.delivered_on().empty()) {
    return FailedPreconditionField(
        "deliveredOn",
        "the answer has not been delivered: the review window counts from delivery (:deliver)");
  }
  return absl::OkStatus();
}

absl::Status CheckRecheckable(const v1::Case& current) {
  if (current.status() != v1::ANSWERED) return absl::OkStatus();  // NextStatus decides
  if (!HasReviewDecision(current)) {
    return absl::FailedPreconditionError(
        "the case is ANSWERED and its review was not asked for: a recheck (A36) follows a "
        "review decision (:requestReview first)");
  }
  if (current.delivered_on().empty()) {
    return FailedPreconditionField("deliveredOn",
                                   "the answer given again has not been delivered: the recheck "
                                   "window counts from delivery (:deliver)");
  }
  return absl::OkStatus();
}

std::string WindowOpenedByDelivery(const v1::Case& c) {
  return HasReviewDecision(c) ? "RECHECK_WINDOW" : "REVIEW_WINDOW";
}

bool MayLapse(const v1::Case& c, const std::string& window) {
  if (window == "REVIEW_WINDOW") return c.status() == v1::ANSWERED && !HasReviewDecision(c);
  if (window == "RECHECK_WINDOW") {
    return c.status() == v1::REVIEW_DECIDED || (c.status() == v1::ANSWERED && HasReviewDecision(c));
  }
  return false;
}

absl::Status CheckAnswerAfterReview(const v1::Case& current, const std::string& opinion_id) {
  const v1::ReviewDecision* review = RecordedDecision(current, v1::ReviewDecision::REVIEW);
  if (review != nullptr && ReopensHandling(review->stage(), review->outcome()) &&
      opinion_id == current.answer_opinion_id()) {
    return InvalidField(
        "opinionId",
        absl::StrCat("is the opinion the review ",
                     review->outcome() == v1::ReviewDecision::CHANGED ? "changed" : "revoked",
                     ": answer with a new opinion"));
  }
  return absl::OkStatus();
}

absl::Status CheckFinalDecline(const v1::Case& current, v1::DeclineRoute route) {
  if (route == v1::FINAL_DECISION && !current.final_matter()) {
    return FailedPreconditionField(
        "route",
        "FINAL_DECISION (不再受理, A36) is only for a petition that repeats a matter settled for "
        "good (the case's `final`); this one does not");
  }
  return absl::OkStatus();
}

}  // namespace petition::intake
