#include "services/supervision/domain/approval_policy.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

std::string Field(const absl::Status& s) {
  auto details = GetErrorDetails(s);
  return details.violations().empty() ? "" : details.violations(0).field();
}

TEST(ApprovalPolicyTest, DefaultIsS1BothLeadersInFiveWorkingDays) {
  ApprovalPolicy p;
  EXPECT_EQ(p.days, 5);
  EXPECT_TRUE(p.working_days);
  EXPECT_EQ(p.roles, (std::vector<std::string>{"RECEIVING_LEADER", "LEADER_IN_CHARGE"}));
  EXPECT_TRUE(ValidateApprovalPolicy(p).ok());
}

TEST(ApprovalPolicyTest, ATownshipMayKeepOneApproval) {
  EXPECT_TRUE(ValidateApprovalPolicy({5, true, {"LEADER_IN_CHARGE"}}).ok());
  EXPECT_TRUE(ValidateApprovalPolicy({5, true, {"RECEIVING_LEADER"}}).ok());
}

TEST(ApprovalPolicyTest, DaysAtTheirEdges) {
  EXPECT_TRUE(ValidateApprovalPolicy({1, true, {"RECEIVING_LEADER"}}).ok());
  EXPECT_TRUE(ValidateApprovalPolicy({366, false, {"RECEIVING_LEADER"}}).ok());
  for (int days : {0, -1, 367}) {
    absl::Status s = ValidateApprovalPolicy({days, true, {"RECEIVING_LEADER"}});
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << days;
    EXPECT_EQ(Field(s), "approval.days") << days;
  }
}

TEST(ApprovalPolicyTest, RolesNamedOnceAndKnown) {
  EXPECT_EQ(Field(ValidateApprovalPolicy({5, true, {}})), "approvals");
  EXPECT_EQ(Field(ValidateApprovalPolicy({5, true, {"RECEIVING_LEADER", "PRINCIPAL"}})),
            "approvals[1]");
  EXPECT_EQ(Field(ValidateApprovalPolicy({5, true, {"LEADER_IN_CHARGE", "LEADER_IN_CHARGE"}})),
            "approvals[0]");
}

}  // namespace
}  // namespace petition::supervision
