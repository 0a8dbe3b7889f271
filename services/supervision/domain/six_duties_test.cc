#include "services/supervision/domain/six_duties.h"

#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

TEST(SixDutiesTest, KnownDutiesOnceEach) {
  EXPECT_TRUE(ValidateDutyMarks({{"RECEPTION", true, "接访"}, {"STABILITY", false, ""}}).ok());
  EXPECT_TRUE(ValidateDutyMarks({}).ok());
  absl::Status unknown = ValidateDutyMarks({{"LUNCH", true, ""}});
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("duties[0].duty"), std::string::npos);
  EXPECT_FALSE(ValidateDutyMarks({{"RECEPTION", true, ""}, {"RECEPTION", false, ""}}).ok());
  EXPECT_FALSE(ValidateDutyMarks({{"PERSUASION", true, std::string(1001, 'x')}}).ok());
}

}  // namespace
}  // namespace petition::supervision
