#include "services/intake/domain/approvals.h"

#include <string>

#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

using petition::v1::LEADER_IN_CHARGE;
using petition::v1::RECEIVING_LEADER;

const ApprovalHolders kHolders{"off_receiving", "off_in_charge"};

v1::Opinion Submitted(const ApprovalRoles& required) {
  v1::Opinion o;
  o.set_opinion_id("op_1");
  o.set_unit_id("unit_land");
  o.set_submitted_for_approval_by("off_handler");
  *o.mutable_submitted_for_approval_at() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(1800000000);
  for (auto r : required) o.add_required_approvals(r);
  return o;
}

void Give(v1::Opinion& o, petition::v1::ApprovalRole role, const std::string& leader) {
  v1::OpinionApproval* a = o.add_approvals();
  a->set_role(role);
  a->set_leader_id(leader);
}

std::string Field(const absl::Status& s) {
  auto details = GetErrorDetails(s);
  return details.violations().empty() ? "" : details.violations(0).field();
}

TEST(RequiredApprovalsTest, EmptyPolicyIsBothAndDuplicatesCollapse) {
  EXPECT_EQ(RequiredApprovals({}), (ApprovalRoles{RECEIVING_LEADER, LEADER_IN_CHARGE}));
  EXPECT_EQ(RequiredApprovals({petition::v1::APPROVAL_ROLE_UNSPECIFIED}),
            (ApprovalRoles{RECEIVING_LEADER, LEADER_IN_CHARGE}));
  EXPECT_EQ(RequiredApprovals({LEADER_IN_CHARGE, LEADER_IN_CHARGE}),
            (ApprovalRoles{LEADER_IN_CHARGE}));
  EXPECT_EQ(RequiredApprovals({RECEIVING_LEADER}), (ApprovalRoles{RECEIVING_LEADER}));
}

TEST(ApprovalsTest, ADraftIsNeitherApprovedNorAnsweredAndNamesTheSubmitStep) {
  v1::Opinion draft;
  draft.set_opinion_id("op_1");
  draft.add_required_approvals(RECEIVING_LEADER);
  EXPECT_FALSE(IsSubmitted(draft));
  EXPECT_TRUE(CheckSubmittable(draft).ok());
  for (const absl::Status& s :
       {RolesFilledBy(draft, "off_receiving", kHolders).status(), CheckAnswerable(draft)}) {
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
    EXPECT_NE(s.message().find(":submit"), std::string::npos) << s;
    EXPECT_EQ(Field(s), "opinionId");
  }
}

TEST(ApprovalsTest, SubmittedOnce) {
  absl::Status again = CheckSubmittable(Submitted({RECEIVING_LEADER}));
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Field(again), "opinionId");
}

TEST(ApprovalsTest, EachLeaderFillsHisOwnRoleAndTheAnswerWaitsForTheLast) {
  v1::Opinion o = Submitted({RECEIVING_LEADER, LEADER_IN_CHARGE});
  absl::Status answer = CheckAnswerable(o);
  EXPECT_EQ(answer.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(answer.message().find("RECEIVING_LEADER"), std::string::npos) << answer;

  auto first = RolesFilledBy(o, "off_receiving", kHolders);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, ApprovalRoles{RECEIVING_LEADER});
  Give(o, RECEIVING_LEADER, "off_receiving");
  EXPECT_EQ(MissingApprovals(o), ApprovalRoles{LEADER_IN_CHARGE});
  answer = CheckAnswerable(o);
  EXPECT_EQ(answer.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(answer.message().find("LEADER_IN_CHARGE"), std::string::npos) << answer;

  // The same leader again fills nothing: told what is still missing.
  absl::Status twice = RolesFilledBy(o, "off_receiving", kHolders).status();
  EXPECT_EQ(twice.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(twice.message().find("LEADER_IN_CHARGE"), std::string::npos) << twice;

  auto second = RolesFilledBy(o, "off_in_charge", kHolders);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, ApprovalRoles{LEADER_IN_CHARGE});
  Give(o, LEADER_IN_CHARGE, "off_in_charge");
  EXPECT_TRUE(MissingApprovals(o).empty());
  EXPECT_TRUE(CheckAnswerable(o).ok());
  absl::Status done = RolesFilledBy(o, "off_in_charge", kHolders).status();
  EXPECT_EQ(done.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(done.message().find("already approved"), std::string::npos) << done;
}

TEST(ApprovalsTest, SomeoneHoldingNoMissingRoleIsRefusedWithTheNamesOfThoseWhoMay) {
  v1::Opinion o = Submitted({RECEIVING_LEADER, LEADER_IN_CHARGE});
  absl::Status s = RolesFilledBy(o, "off_stranger", kHolders).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  EXPECT_NE(s.message().find("off_receiving"), std::string::npos) << s;
  EXPECT_NE(s.message().find("off_in_charge"), std::string::npos) << s;
  // An empty approver never matches an empty holder.
  EXPECT_EQ(RolesFilledBy(o, "", ApprovalHolders{}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ApprovalsTest, OneLeaderHoldingBothRolesFillsBothAtOnce) {
  v1::Opinion o = Submitted({RECEIVING_LEADER, LEADER_IN_CHARGE});
  auto both = RolesFilledBy(o, "off_both", ApprovalHolders{"off_both", "off_both"});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(*both, (ApprovalRoles{RECEIVING_LEADER, LEADER_IN_CHARGE}));
}

TEST(ApprovalsTest, ATownshipRequiringOneApprovalAnswersAfterIt) {
  v1::Opinion o = Submitted({LEADER_IN_CHARGE});
  // The receiving leader holds no required role here.
  EXPECT_EQ(RolesFilledBy(o, "off_receiving", kHolders).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto filled = RolesFilledBy(o, "off_in_charge", kHolders);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(*filled, ApprovalRoles{LEADER_IN_CHARGE});
  Give(o, LEADER_IN_CHARGE, "off_in_charge");
  EXPECT_TRUE(CheckAnswerable(o).ok());
}

TEST(ApprovalsTest, AMissingLeaderInChargeIsNamedAsTheDirectorysGap) {
  v1::Opinion o = Submitted({RECEIVING_LEADER, LEADER_IN_CHARGE});
  Give(o, RECEIVING_LEADER, "off_receiving");
  absl::Status s = RolesFilledBy(o, "off_other", ApprovalHolders{"off_receiving", ""}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("leaderInChargeId"), std::string::npos) << s;
  EXPECT_NE(s.message().find("unit_land"), std::string::npos) << s;
}

TEST(ApprovalsTest, AnOpinionApprovedBeforeApprovalsByRoleNeedsNoMore) {
  // The migration's form: submitted when written, nothing required.
  v1::Opinion o = Submitted({});
  o.set_approved_by("off_leader");
  EXPECT_TRUE(MissingApprovals(o).empty());
  EXPECT_TRUE(CheckAnswerable(o).ok());
}

}  // namespace
}  // namespace petition::intake
