// The review chain's RPCs (services/intake/domain/review_chain.h has the
// rules): the decisions of the bodies above, and the lapse of a window.
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/call_deadline.h"
#include "common/clock.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/request_context.h"
#include "common/status.h"
#include "services/intake/domain/confidentiality.h"
#include "services/intake/domain/county_transfer.h"
#include "services/intake/domain/review_chain.h"
#include "services/intake/service/intake_service.h"

namespace petition::intake {

grpc::Status IntakeService::DecideTransferReview(grpc::ServerContext* context,
                                                 const v1::DecideReviewRequest* request,
                                                 v1::DecideReviewResponse* response) {
  if (county_ == nullptr) {
    return ToGrpcStatus(absl::UnimplementedError("county transfers are not enabled"));
  }
  if (!IsValidCountyCaseId(request->county_case_id())) {
    return ToGrpcStatus(InvalidField("countyCaseId", kCountyCaseIdRule));
  }
  auto case_id = county_->CaseOf(request->county_case_id(), TxOptionsFor(*context));
  if (!case_id.ok()) return ToGrpcStatus(case_id.status());
  v1::DecideReviewRequest resolved = *request;
  resolved.set_case_id(*case_id);
  return DecideReview(*context, resolved, response);
}

grpc::Status IntakeService::DecideCaseReview(grpc::ServerContext* context,
                                             const v1::DecideReviewRequest* request,
                                             v1::DecideReviewResponse* response) {
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  return DecideReview(*context, *request, response);
}

grpc::Status IntakeService::DecideReview(grpc::ServerContext& context,
                                         const v1::DecideReviewRequest& request,
                                         v1::DecideReviewResponse* response) {
  RequestScope scope(context);  // roles: the call guard (county, admin)
  const Principal& principal = scope.principal();
  if (absl::Status s = ValidateReviewDecision(request); !s.ok()) return ToGrpcStatus(s);
  const v1::ReviewDecision::Stage stage = *ParseReviewStage(request.stage());
  const absl::CivilDay decided_on = *ParseDate(request.decided_on());
  if (absl::Status s = CheckDecisionDay(decided_on, absl::ToCivilDay(petition::Now(), zone_));
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  // The county decides as the body above: it reads no case, and the
  // status the step needs is its check. An administrator recording a
  // decision received on paper is an official like any other.
  const StepActor by = principal.HasRole("county") ? StepActor::kBodyAbove : StepActor::kOfficial;
  const TxOptions tx = TxOptionsFor(context);
  auto answer = [&](const v1::Case& c, const v1::ReviewDecision& d) {
    response->set_case_id(c.case_id());
    response->set_status(c.status());
    *response->mutable_decision() = d;
  };
  // PUT is idempotent: the same decision again answers as the first time;
  // another decision for a stage already decided is refused.
  auto recorded = [&]() -> std::optional<grpc::Status> {
    auto c = store_->Get(
        request.case_id(), principal, scope.request_id(), [](const v1::Case&) { return false; },
        tx);
    if (!c.ok()) return ToGrpcStatus(c.status());
    if (by == StepActor::kOfficial && !MayReadCase(principal, *c)) {
      return ToGrpcStatus(absl::NotFoundError("no such case"));
    }
    const v1::ReviewDecision* d = RecordedDecision(*c, stage);
    if (d == nullptr) return std::nullopt;
    if (!SameDecision(*d, request)) {
      return ToGrpcStatus(absl::AlreadyExistsError(
          absl::StrCat("the ", request.stage(), " decision of this case was already recorded: ",
                       v1::ReviewDecision::Outcome_Name(d->outcome()), " on ", d->decided_on())));
    }
    answer(*c, *d);
    return grpc::Status::OK;
  };
  if (std::optional<grpc::Status> done = recorded(); done.has_value()) return *done;
  const std::string note =
      absl::StrCat(request.stage(), " ", v1::ReviewDecision::Outcome_Name(request.outcome()), " ",
                   request.decided_on(), request.summary().empty() ? "" : ": ", request.summary());
  auto result = RunStep(
      scope, context, request.case_id(), DecisionStep(stage), note,
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        const v1::CaseStatus next = StatusAfterDecision(stage, request.outcome());
        change.updated.set_status(next);
        change.step.set_status(next);
        v1::ReviewDecision d;
        d.set_stage(stage);
        d.set_outcome(request.outcome());
        d.set_decided_on(FormatDate(decided_on));
        d.set_summary(request.summary());
        d.set_recorded_by(principal.subject);
        *d.mutable_recorded_at() = NowTimestamp();
        change.review_decision = d;
        petition::v1::ReviewDecided* e = change.event.mutable_review_decided();
        e->set_stage(request.stage());
        e->set_outcome(v1::ReviewDecision::Outcome_Name(request.outcome()));
        e->set_decided_on(FormatDate(decided_on));
        if (ReopensHandling(stage, request.outcome())) {
          // Handled again: the next answer is a new one, delivered anew.
          e->set_reopened(true);
          e->set_complexity(v1::Complexity_Name(current.complexity()));
          change.updated.clear_delivered_on();
          change.updated.clear_delivery_method();
          change.updated.clear_delivery_receipt_number();
        }
        return absl::OkStatus();
      },
      nullptr, by);
  if (!result.ok()) {
    // Another push of the same decision may have won the race for the case.
    if (absl::IsFailedPrecondition(result.status())) {
      if (std::optional<grpc::Status> done = recorded(); done.has_value()) return *done;
    }
    return ToGrpcStatus(result.status());
  }
  const v1::ReviewDecision* d = RecordedDecision(result->stored, stage);
  if (d == nullptr) return ToGrpcStatus(absl::InternalError("the decision was not stored"));
  answer(result->stored, *d);
  return grpc::Status::OK;
}

absl::Status IntakeService::ApplyWindowLapsed(grpc::ServerContext& context,
                                              const petition::v1::SupervisionEvent& event) {
  RequestScope scope(context);
  const petition::v1::WindowLapsed& lapsed = event.window_lapsed();
  // Idempotent on the event: a redelivery answers from the first.
  auto retry = RetryOf(scope, event, event.event_id(), "ApplyWindowLapsed");
  if (!retry.ok()) return retry.status();
  retry->subject = "supervision";
  auto result = RunStep(
      scope, context, event.case_id(), v1::FINALIZE,
      absl::StrCat(lapsed.window(), " lapsed after ", lapsed.due_date()),
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        if (!MayLapse(current, lapsed.window())) {
          // Asked in time (the request was applied after the scan), or the
          // case moved on: nothing lapsed for it.
          return absl::FailedPreconditionError("the window is not the case's running one");
        }
        change.event.mutable_finalized()->set_window(lapsed.window());
        return absl::OkStatus();
      },
      &*retry, StepActor::kRules);
  if (absl::IsFailedPrecondition(result.status()) || absl::IsNotFound(result.status())) {
    return absl::OkStatus();  // nothing to do; acknowledged
  }
  return result.status();
}

}  // namespace petition::intake
