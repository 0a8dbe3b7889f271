#include "services/intake/domain/approvals.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"

namespace petition::intake {
namespace {

using petition::v1::ApprovalRole;

// FAILED_PRECONDITION with the field named in the details.
absl::Status Precondition(const std::string& message) {
  return FailedPreconditionField("opinionId", message);
}

bool Contains(const ApprovalRoles& roles, ApprovalRole role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string RoleNames(const ApprovalRoles& roles) {
  return absl::StrJoin(roles, ", ", [](std::string* out, ApprovalRole r) {
    out->append(petition::v1::ApprovalRole_Name(r));
  });
}

const char kNotSubmitted[] =
    "the opinion is not submitted yet: its handling unit submits it first "
    "(POST /v1/cases/{caseId}/opinions/{opinionId}:submit)";

}  // namespace

ApprovalRoles RequiredApprovals(const std::vector<ApprovalRole>& policy) {
  ApprovalRoles out;
  for (ApprovalRole r : policy) {
    if (r != petition::v1::RECEIVING_LEADER && r != petition::v1::LEADER_IN_CHARGE) continue;
    if (!Contains(out, r)) out.push_back(r);
  }
  if (out.empty()) out = {petition::v1::RECEIVING_LEADER, petition::v1::LEADER_IN_CHARGE};
  return out;
}

bool IsSubmitted(const v1::Opinion& opinion) { return opinion.has_submitted_for_approval_at(); }

ApprovalRoles MissingApprovals(const v1::Opinion& opinion) {
  ApprovalRoles given;
  for (const v1::OpinionApproval& a : opinion.approvals()) given.push_back(a.role());
  ApprovalRoles missing;
  for (int r : opinion.required_approvals()) {
    const auto role = static_cast<ApprovalRole>(r);
    if (!Contains(given, role) && !Contains(missing, role)) missing.push_back(role);
  }
  return missing;
}

absl::Status CheckSubmittable(const v1::Opinion& opinion) {
  if (IsSubmitted(opinion)) return Precondition("the opinion is submitted already");
  return absl::OkStatus();
}

absl::StatusOr<ApprovalRoles> RolesFilledBy(const v1::Opinion& opinion, const std::string& approver,
                                            const ApprovalHolders& holders) {
  if (!IsSubmitted(opinion)) return Precondition(kNotSubmitted);
  const ApprovalRoles missing = MissingApprovals(opinion);
  if (missing.empty()) return Precondition("the opinion is already approved");
  auto holder = [&](ApprovalRole r) -> const std::string& {
    return r == petition::v1::RECEIVING_LEADER ? holders.receiving_leader_id
                                               : holders.leader_in_charge_id;
  };
  ApprovalRoles fills;
  for (ApprovalRole r : missing) {
    if (!approver.empty() && holder(r) == approver) fills.push_back(r);
  }
  if (!fills.empty()) return fills;
  for (const v1::OpinionApproval& a : opinion.approvals()) {
    if (a.leader_id() == approver) {
      return Precondition(absl::StrCat("already approved by ", approver, " as ",
                                       petition::v1::ApprovalRole_Name(a.role()),
                                       "; still missing: ", RoleNames(missing)));
    }
  }
  std::vector<std::string> who;
  for (ApprovalRole r : missing) {
    if (holder(r).empty()) continue;
    who.push_back(absl::StrCat(petition::v1::ApprovalRole_Name(r), " (", holder(r), ")"));
  }
  if (who.empty()) {
    // Only a role that nobody holds is missing: the directory must name him.
    return Precondition(absl::StrCat("the approval of the ", RoleNames(missing),
                                     " is missing and the directory names no leader in charge of "
                                     "unit ",
                                     opinion.unit_id(), " (set its leaderInChargeId)"));
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "only the leaders still to approve this opinion may: ", absl::StrJoin(who, ", ")));
}

absl::Status CheckAnswerable(const v1::Opinion& opinion) {
  if (!IsSubmitted(opinion)) return Precondition(kNotSubmitted);
  const ApprovalRoles missing = MissingApprovals(opinion);
  if (!missing.empty()) {
    return Precondition(absl::StrCat("the opinion is not approved yet: the approval of the ",
                                     petition::v1::ApprovalRole_Name(missing.front()),
                                     " is missing (still missing: ", RoleNames(missing), ")"));
  }
  return absl::OkStatus();
}

}  // namespace petition::intake
