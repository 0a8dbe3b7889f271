#include "services/intake/service/peer_clients.h"

#include <algorithm>
#include <string>

#include "absl/time/clock.h"
#include "common/dates.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"

namespace petition::intake {
namespace {

// Ready to send: the request id, and the earlier of the caller's deadline
// and now + timeout.
void Prepare(grpc::ClientContext& context, absl::Time deadline, absl::Duration timeout) {
  const absl::Time end = std::min(deadline, absl::Now() + timeout);
  context.set_deadline(absl::ToChronoTime(end));
  PropagateToClient(context, log::CurrentRequestId());
}

// What the caller may act on: NOT_FOUND and INVALID_ARGUMENT as they are;
// anything else means the peer could not answer.
absl::Status Outcome(const grpc::Status& status, const char* peer) {
  absl::Status s = FromGrpcStatus(status);
  if (s.ok() || absl::IsNotFound(s) || absl::IsInvalidArgument(s)) return s;
  return absl::UnavailableError(absl::StrCat(peer, " is unavailable: ", s.message()));
}

}  // namespace

DirectoryClient::DirectoryClient(std::shared_ptr<grpc::Channel> scheduling, absl::Duration timeout)
    : stub_(scheduling::v1::Scheduling::NewStub(scheduling)), timeout_(timeout) {}

absl::StatusOr<scheduling::v1::Unit> DirectoryClient::GetUnit(const std::string& unit_id,
                                                              absl::Time deadline) {
  grpc::ClientContext context;
  Prepare(context, deadline, timeout_);
  scheduling::v1::GetUnitRequest request;
  request.set_unit_id(unit_id);
  scheduling::v1::Unit unit;
  if (absl::Status s = Outcome(stub_->GetUnit(&context, request, &unit), "scheduling (directory)");
      !s.ok()) {
    return s;
  }
  return unit;
}

absl::StatusOr<scheduling::v1::Official> DirectoryClient::GetOfficial(
    const std::string& official_id, absl::Time deadline) {
  grpc::ClientContext context;
  Prepare(context, deadline, timeout_);
  scheduling::v1::GetOfficialRequest request;
  request.set_official_id(official_id);
  scheduling::v1::Official official;
  if (absl::Status s =
          Outcome(stub_->GetOfficial(&context, request, &official), "scheduling (directory)");
      !s.ok()) {
    return s;
  }
  return official;
}

absl::StatusOr<scheduling::v1::CheckDeciderResponse> DirectoryClient::CheckDecider(
    const std::string& case_id, const std::string& official_id,
    scheduling::v1::CaseDecision decision, absl::Time deadline) {
  grpc::ClientContext context;
  Prepare(context, deadline, timeout_);
  scheduling::v1::CheckDeciderRequest request;
  request.set_case_id(case_id);
  request.set_official_id(official_id);
  request.set_decision(decision);
  scheduling::v1::CheckDeciderResponse response;
  if (absl::Status s =
          Outcome(stub_->CheckDecider(&context, request, &response), "scheduling (directory)");
      !s.ok()) {
    return s;
  }
  return response;
}

SupervisionClient::SupervisionClient(std::shared_ptr<grpc::Channel> supervision,
                                     absl::Duration timeout)
    : stub_(supervision::v1::Supervision::NewStub(supervision)), timeout_(timeout) {}

absl::StatusOr<supervision::v1::CheckReviewWindowResponse> SupervisionClient::CheckReviewWindow(
    const std::string& case_id, absl::Time at, absl::Time deadline,
    supervision::v1::DeadlineKind kind) {
  grpc::ClientContext context;
  Prepare(context, deadline, timeout_);
  supervision::v1::CheckReviewWindowRequest request;
  request.set_case_id(case_id);
  *request.mutable_at() = ToProtoTimestamp(at);
  request.set_kind(kind);
  supervision::v1::CheckReviewWindowResponse response;
  if (absl::Status s =
          Outcome(stub_->CheckReviewWindow(&context, request, &response), "supervision");
      !s.ok()) {
    // The window is supervision's to say; a refusal of the question is not an answer.
    return absl::IsUnavailable(s) ? s : absl::UnavailableError(s.message());
  }
  return response;
}

absl::StatusOr<supervision::v1::CaseDeadlines> SupervisionClient::GetCaseDeadlines(
    const std::string& case_id, absl::Time deadline) {
  grpc::ClientContext context;
  Prepare(context, deadline, timeout_);
  supervision::v1::GetCaseDeadlinesRequest request;
  request.set_case_id(case_id);
  supervision::v1::CaseDeadlines response;
  if (absl::Status s =
          Outcome(stub_->GetCaseDeadlines(&context, request, &response), "supervision");
      !s.ok()) {
    return s;
  }
  return response;
}

absl::StatusOr<supervision::v1::DeadlinePolicy> SupervisionClient::GetDeadlinePolicy(
    absl::Time deadline) {
  grpc::ClientContext context;
  Prepare(context, deadline, timeout_);
  supervision::v1::GetDeadlinePolicyRequest request;
  supervision::v1::DeadlinePolicy response;
  if (absl::Status s =
          Outcome(stub_->GetDeadlinePolicy(&context, request, &response), "supervision");
      !s.ok()) {
    // The policy is supervision's to say; no default stands in for it.
    return absl::IsUnavailable(s) ? s : absl::UnavailableError(s.message());
  }
  return response;
}

}  // namespace petition::intake
