// Deciding with the right people (审批): a handling unit's opinion is
// answered only after the leaders the township's policy names have approved
// it [S1: 经接访领导和分管领导审批后答复]:
// - the unit first submits its opinion (:submit); a draft is not approved;
// - the approvals it needs are the policy's when it is submitted
//   (RECEIVING_LEADER, LEADER_IN_CHARGE; an empty policy list means both);
// - RECEIVING_LEADER is the case's receiving leader (leaderId at :accept),
//   LEADER_IN_CHARGE the leader in charge (分管领导) of the opinion's unit
//   as the directory names him now; one person holding both fills both;
// - each approval fills the missing roles its approver holds; someone who
//   holds none of them is refused (PERMISSION_DENIED), a role already
//   filled is not filled again;
// - the answer waits until every required approval is there.
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_APPROVALS_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_APPROVALS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "petition/v1/common.pb.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

using ApprovalRoles = std::vector<petition::v1::ApprovalRole>;

// Who holds each approval role of an opinion now.
struct ApprovalHolders {
  std::string receiving_leader_id;  // the case's leaderId
  std::string leader_in_charge_id;  // of the opinion's unit; "" when none is named
};

// The approvals a township requires, from its policy's list (duplicates and
// unspecified values dropped); an empty list is S1's: both.
ApprovalRoles RequiredApprovals(const std::vector<petition::v1::ApprovalRole>& policy);

// Submitted by its unit (:submit, or written before that step existed).
bool IsSubmitted(const v1::Opinion& opinion);

// The required approvals not given yet, in the policy's order.
ApprovalRoles MissingApprovals(const v1::Opinion& opinion);

// FAILED_PRECONDITION (opinionId) when the opinion is submitted already.
absl::Status CheckSubmittable(const v1::Opinion& opinion);

// The missing roles `approver` fills now. FAILED_PRECONDITION (opinionId)
// for a draft (naming :submit), for an opinion with every approval given,
// and for a role no one holds (no leader in charge named in the directory)
// when the approver holds no other; PERMISSION_DENIED naming who may approve
// when the approver holds none of the missing roles.
absl::StatusOr<ApprovalRoles> RolesFilledBy(const v1::Opinion& opinion, const std::string& approver,
                                            const ApprovalHolders& holders);

// The opinion may be answered with: FAILED_PRECONDITION (opinionId) naming
// the missing step (:submit) or the first missing approval.
absl::Status CheckAnswerable(const v1::Opinion& opinion);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_APPROVALS_H_
