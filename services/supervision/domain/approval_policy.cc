#include "services/supervision/domain/approval_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace petition::supervision {

absl::Status ValidateApprovalPolicy(const ApprovalPolicy& policy) {
  if (policy.days < 1 || policy.days > 366) return InvalidField("approval.days", "must be 1..366");
  if (policy.roles.empty()) {
    return InvalidField("approvals", "must name RECEIVING_LEADER, LEADER_IN_CHARGE or both");
  }
  for (size_t i = 0; i < policy.roles.size(); ++i) {
    const std::string& role = policy.roles[i];
    const std::string field = absl::StrCat("approvals[", i, "]");
    if (role != kReceivingLeader && role != kLeaderInCharge) {
      return InvalidField(field, "must be RECEIVING_LEADER or LEADER_IN_CHARGE");
    }
    if (std::count(policy.roles.begin(), policy.roles.end(), role) > 1) {
      return InvalidField(field, "is listed twice");
    }
  }
  return absl::OkStatus();
}

}  // namespace petition::supervision
