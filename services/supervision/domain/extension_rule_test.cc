#include "services/supervision/domain/extension_rule.h"

#include <string>

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

using absl::CivilDay;

const CivilDay kDue(2026, 3, 17);

std::string Field(const absl::Status& s) {
  petition::v1::ErrorDetails details = GetErrorDetails(s);
  return details.violations_size() == 1 ? details.violations(0).field() : "";
}

TEST(ExtensionRuleTest, AComplexCaseBeforeItsDueDate) {
  const DeadlinePolicy p = DeadlinePolicy::Regulation();
  EXPECT_TRUE(CheckExtension(p, "COMPLEX", kDue, kDue - 30, 30).ok());
  EXPECT_TRUE(CheckExtension(p, "COMPLEX", kDue, kDue - 1, 1).ok());
}

TEST(ExtensionRuleTest, OnTheDueDateStillTheDayAfterNever) {
  const DeadlinePolicy p = DeadlinePolicy::Regulation();
  EXPECT_TRUE(CheckExtension(p, "COMPLEX", kDue, kDue, 10).ok());
  absl::Status late = CheckExtension(p, "COMPLEX", kDue, kDue + 1, 10);
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Field(late), "dueDate");
  EXPECT_NE(late.message().find("2026-03-17"), std::string::npos) << late;
  EXPECT_EQ(CheckNotPastDue(kDue, kDue + 365).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckNotPastDue(kDue, kDue).ok());
}

TEST(ExtensionRuleTest, OnlyTheComplexitiesThePolicyLists) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  for (const char* complexity : {"SIMPLE", "ORDINARY", ""}) {
    absl::Status s = CheckExtension(p, complexity, kDue, kDue - 5, 10);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << complexity;
    EXPECT_EQ(Field(s), "complexity") << complexity;
  }
  absl::Status s = CheckExtension(p, "ORDINARY", kDue, kDue - 5, 10);
  EXPECT_NE(s.message().find("ORDINARY"), std::string::npos) << s;
  EXPECT_NE(s.message().find("COMPLEX"), std::string::npos) << s;
  p.extendable = {"ORDINARY", "COMPLEX"};
  EXPECT_TRUE(CheckExtension(p, "ORDINARY", kDue, kDue - 5, 10).ok());
  EXPECT_EQ(Field(CheckExtension(p, "SIMPLE", kDue, kDue - 5, 10)), "complexity");
  p.extendable.clear();
  EXPECT_EQ(Field(CheckExtension(p, "COMPLEX", kDue, kDue - 5, 10)), "complexity");
}

TEST(ExtensionRuleTest, DaysFromOneToThePolicysMaximum) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();  // extensionMax 30
  EXPECT_TRUE(CheckExtension(p, "COMPLEX", kDue, kDue - 5, 30).ok());
  for (int days : {31, 0, -3}) {
    absl::Status s = CheckExtension(p, "COMPLEX", kDue, kDue - 5, days);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << days;
    EXPECT_EQ(Field(s), "days") << days;
  }
  p.extension_max = {5, DayUnit::kWorkingDays};
  EXPECT_TRUE(CheckExtension(p, "COMPLEX", kDue, kDue - 5, 5).ok());
  EXPECT_EQ(Field(CheckExtension(p, "COMPLEX", kDue, kDue - 5, 6)), "days");
}

TEST(ExtensionRuleTest, TheComplexityIsJudgedBeforeTheDateAndTheDays) {
  const DeadlinePolicy p = DeadlinePolicy::Regulation();
  EXPECT_EQ(Field(CheckExtension(p, "ORDINARY", kDue, kDue + 1, 99)), "complexity");
  EXPECT_EQ(Field(CheckExtension(p, "COMPLEX", kDue, kDue + 1, 99)), "dueDate");
}

}  // namespace
}  // namespace petition::supervision
