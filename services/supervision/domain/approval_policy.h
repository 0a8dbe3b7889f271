// Leader approval of a handling opinion, as the township's policy sets it:
// - `roles`: the approvals an opinion needs before it is answered
//   (RECEIVING_LEADER, LEADER_IN_CHARGE; S1 needs both, a township may keep
//   one); intake records them on the opinion when it is submitted;
// - `limit`: the APPROVAL deadline, opened when the handling unit submits
//   its opinion (which meets HANDLING: the 60 days of S1 are the unit's) and
//   met with the last required approval. It is the approving leaders'
//   deadline: never listed or counted against the unit.
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_APPROVAL_POLICY_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_APPROVAL_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace petition::supervision {

inline constexpr char kReceivingLeader[] = "RECEIVING_LEADER";
inline constexpr char kLeaderInCharge[] = "LEADER_IN_CHARGE";

struct ApprovalPolicy {
  int days = 5;
  bool working_days = true;
  std::vector<std::string> roles = {kReceivingLeader, kLeaderInCharge};
};

// INVALID_ARGUMENT naming the field: approval.days 1..366; approvals one or
// both of the roles, each once.
absl::Status ValidateApprovalPolicy(const ApprovalPolicy& policy);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_APPROVAL_POLICY_H_
