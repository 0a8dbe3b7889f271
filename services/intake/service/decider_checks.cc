// Who decides on a case: the receiving leader named at :accept and a leader
// approving an opinion, checked against scheduling's recusal and rank rules
// (scheduling/domain/recusal.h) before the case is locked; and a step's
// retry answered before any of those questions is asked.
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/call_deadline.h"
#include "common/ids.h"
#include "common/status.h"
#include "services/intake/service/intake_service.h"

namespace petition::intake {

absl::Status IntakeService::CheckReceivingLeader(const std::string& case_id,
                                                 const std::string& leader_id,
                                                 absl::Time deadline) {
  if (peers_.directory == nullptr) {
    return absl::UnavailableError("scheduling's directory is not configured");
  }
  auto answer =
      peers_.directory->CheckDecider(case_id, leader_id, scheduling::v1::RECEIVE, deadline);
  if (absl::IsNotFound(answer.status())) {
    return InvalidField("leaderId", "is not an official of the directory");
  }
  if (!answer.ok()) return answer.status();
  if (!answer->eligible()) return InvalidField("leaderId", answer->reason());
  return absl::OkStatus();
}

absl::Status IntakeService::CheckApprover(const std::string& case_id, const std::string& approver,
                                          absl::Time deadline) {
  if (peers_.directory == nullptr) {
    return absl::UnavailableError("scheduling's directory is not configured");
  }
  auto answer =
      peers_.directory->CheckDecider(case_id, approver, scheduling::v1::APPROVE, deadline);
  // Recusals name officials of the directory: anyone else is not recused.
  if (absl::IsNotFound(answer.status())) return absl::OkStatus();
  if (!answer.ok()) return answer.status();
  if (answer->eligible()) return absl::OkStatus();
  // The caller is who they are: not a bad argument, but a state of the case
  // that forbids this approver (400 all the same).
  const std::string reason = absl::StrCat("the approving leader ", answer->reason());
  return FailedPreconditionField("approvedBy", reason);
}

absl::StatusOr<std::optional<StepResult>> IntakeService::ReplayFirst(grpc::ServerContext& context,
                                                                     const std::string& case_id,
                                                                     const StepRetry& retry) {
  if (!IsValidId(case_id, "case")) return std::optional<StepResult>();  // RunStep says why
  return store_->FindStepReplay(case_id, &retry, TxOptionsFor(context));
}

}  // namespace petition::intake
