// County transfers (上级转送/交办): the county platform's push and its read of
// the case and of the feedback deliveries; the result recorded for the county
// when a lifecycle step decides one.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/call_deadline.h"
#include "common/case_visibility.h"
#include "common/clock.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/request_context.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "common/utf8.h"
#include "services/intake/domain/county_transfer.h"
#include "services/intake/service/intake_service.h"

namespace petition::intake {

grpc::Status IntakeService::PushTransfer(grpc::ServerContext* context,
                                         const v1::PushTransferRequest* request,
                                         v1::PushTransferResponse* response) {
  RequestScope scope(*context);  // roles: the call guard (county)
  if (county_ == nullptr) {
    return ToGrpcStatus(absl::UnimplementedError("county transfers are not enabled"));
  }
  const Principal& principal = scope.principal();
  auto transfer = BuildTransferCase(*request, principal.subject, petition::Now(), zone_, limits_);
  if (!transfer.ok()) return ToGrpcStatus(transfer.status());
  TransferPushCall call;
  call.c = std::move(transfer->c);
  call.c.set_case_id(NewId("case"));
  call.c.set_query_code(NewQueryCode());
  call.due_date = transfer->due_date;
  call.push_sha256 = RequestFingerprint(*request);
  call.caller = &principal;
  call.repeat_similarity = limits_.repeat_similarity;
  call.registered = RegisteredEvent(call.c, scope.request_id());
  call.registered.mutable_registered()->set_county_due_date(call.due_date);
  call.registered.mutable_registered()->set_county_case_id(call.c.county_case_id());
  call.updated.set_event_id(NewId("evt"));
  *call.updated.mutable_occurred_at() = NowTimestamp();
  call.updated.set_request_id(scope.request_id());
  call.update_step.set_step(v1::COUNTY_UPDATE);
  call.update_step.set_status(v1::REGISTERED);
  call.update_step.set_actor(principal.subject);
  call.update_step.set_actor_roles(absl::StrJoin(principal.roles, ","));
  call.update_step.set_note(absl::StrCat(v1::TransferKind_Name(request->kind()), " ",
                                         call.due_date.empty() ? "no due date" : call.due_date));
  auto result = county_->Push(call, TxOptionsFor(*context));
  if (!result.ok()) return ToGrpcStatus(result.status());
  if ((result->created || result->updated) && relay_ != nullptr) relay_->Wake();
  response->set_case_id(result->case_id);
  response->set_created(result->created);
  response->set_updated(result->updated);
  response->set_status(result->status);
  return grpc::Status::OK;
}

grpc::Status IntakeService::GetTransfer(grpc::ServerContext* context,
                                        const v1::GetTransferRequest* request,
                                        v1::Transfer* response) {
  RequestScope scope(*context);  // roles: the call guard
  if (county_ == nullptr) {
    return ToGrpcStatus(absl::UnimplementedError("county transfers are not enabled"));
  }
  if (!IsValidCountyCaseId(request->county_case_id())) {
    return ToGrpcStatus(InvalidField("countyCaseId", kCountyCaseIdRule));
  }
  // No identity in a transfer: whoever may call it reads it.
  auto transfer = county_->Get(request->county_case_id(), TxOptionsFor(*context));
  if (!transfer.ok()) return ToGrpcStatus(transfer.status());
  // A30: a county case that reports the caller's unit does not exist for them.
  if (const std::string& unit = HiddenReportsUnit(scope.principal()); !unit.empty()) {
    auto hidden = store_->CasesReporting({transfer->case_id()}, unit, TxOptionsFor(*context));
    if (!hidden.ok()) return ToGrpcStatus(hidden.status());
    if (!hidden->empty()) return ToGrpcStatus(absl::NotFoundError("no such transfer"));
  }
  *response = *std::move(transfer);
  return grpc::Status::OK;
}

void IntakeService::AttachCountyFeedback(const v1::Case& current, StepChange& change,
                                         bool review_policy) const {
  // A result is a move into a status the county hears about: a step that
  // keeps the status (a rating, the principal leader's review) is none. A
  // review request goes to the county for every case, the township's own too.
  if (county_ == nullptr || !SendsToCounty(current, change.updated.status()) ||
      change.updated.status() == current.status()) {
    return;
  }
  const CountyStore* county = county_;
  change.also = [county, review_policy](pqxx::transaction_base& tx, const v1::Case& stored) {
    return county->RecordFeedback(tx, stored, review_policy);
  };
}

bool IntakeService::CountyFeedbackReviewNow(v1::Step step, absl::Time deadline) {
  if (county_ == nullptr) return false;
  if (step != v1::DECLINE && step != v1::ANSWER && step != v1::CONCLUDE) return false;
  if (peers_.supervision == nullptr) return true;
  auto policy = peers_.supervision->GetDeadlinePolicy(deadline);
  if (!policy.ok() || !policy->has_county_feedback_review()) return true;
  return policy->county_feedback_review();
}

absl::Status IntakeService::CheckReportReviewer(const std::string& case_id,
                                                const std::string& reviewer, absl::Time deadline) {
  if (peers_.directory == nullptr) {
    return absl::UnavailableError("scheduling's directory is not configured");
  }
  auto answer =
      peers_.directory->CheckDecider(case_id, reviewer, scheduling::v1::REVIEW_REPORT, deadline);
  if (absl::IsNotFound(answer.status())) {
    return absl::PermissionDeniedError(
        "the report is reviewed by the township's principal leader (主要领导): the caller is "
        "not an official of the directory");
  }
  if (!answer.ok()) return answer.status();
  if (answer->eligible()) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("the reviewer ", answer->reason()));
}

grpc::Status IntakeService::ReviewTransferReport(grpc::ServerContext* context,
                                                 const v1::ReviewTransferReportRequest* request,
                                                 v1::Transfer* response) {
  RequestScope scope(*context);  // roles: the call guard (leader)
  if (county_ == nullptr) {
    return ToGrpcStatus(absl::UnimplementedError("county transfers are not enabled"));
  }
  if (!IsValidCountyCaseId(request->county_case_id())) {
    return ToGrpcStatus(InvalidField("countyCaseId", kCountyCaseIdRule));
  }
  if (!IsValidUtf8(request->note()) || Utf8Length(request->note()) > 2000) {
    return ToGrpcStatus(InvalidField("note", "must be UTF-8, at most 2000 characters"));
  }
  auto retry = RetryOf(scope, *request, request->request_id(), "ReviewTransferReport");
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  const TxOptions tx = TxOptionsFor(*context);
  auto case_id = county_->CaseOf(request->county_case_id(), tx);
  if (!case_id.ok()) return ToGrpcStatus(case_id.status());
  auto replay = ReplayFirst(*context, *case_id, *retry);
  if (!replay.ok()) return ToGrpcStatus(replay.status());
  if (!replay->has_value()) {
    const Principal& principal = scope.principal();
    if (absl::Status s = CheckReportReviewer(*case_id, principal.subject, DeadlineOf(*context));
        !s.ok()) {
      return ToGrpcStatus(s);
    }
    const CountyStore* county = county_;
    const std::string reviewer = principal.subject;
    const std::string note = request->note();
    auto result = RunStep(
        scope, *context, *case_id, v1::REVIEW_REPORT, note,
        [&](const v1::Case&, StepChange& change) -> absl::Status {
          change.event.mutable_report_reviewed();
          change.also = [county, reviewer, note](pqxx::transaction_base& tx,
                                                 const v1::Case& stored) -> absl::Status {
            return county->ReleaseReviewed(tx, stored.case_id(), reviewer, note).status();
          };
          return absl::OkStatus();
        },
        &*retry);
    if (!result.ok()) return ToGrpcStatus(result.status());
    if (!result->replayed && county_feedback_ != nullptr) county_feedback_->Wake();
  }
  auto transfer = county_->Get(request->county_case_id(), tx);
  if (!transfer.ok()) return ToGrpcStatus(transfer.status());
  *response = *std::move(transfer);
  return grpc::Status::OK;
}

}  // namespace petition::intake
