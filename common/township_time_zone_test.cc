#include "common/township_time_zone.h"

#include <string>

#include "gtest/gtest.h"

namespace petition {
namespace {

TEST(TownshipTimeZoneTest, AReaderTakesTheOwnersZone) {
  EXPECT_EQ(*AgreeTimeZone("intake", "", "Asia/Urumqi"), "Asia/Urumqi");
  EXPECT_EQ(*AgreeTimeZone("intake", "Asia/Urumqi", "Asia/Urumqi"), "Asia/Urumqi");
}

TEST(TownshipTimeZoneTest, ASecondSettingThatDisagreesIsRefused) {
  auto refused = AgreeTimeZone("supervision", "Asia/Shanghai", "Asia/Urumqi");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status()));
  const std::string message(refused.status().message());
  EXPECT_NE(message.find("supervision --time_zone=Asia/Shanghai"), std::string::npos) << message;
  EXPECT_NE(message.find("Asia/Urumqi"), std::string::npos) << message;
  EXPECT_NE(message.find("scheduling"), std::string::npos) << message;
  EXPECT_FALSE(AgreeTimeZone("intake", "", "").ok());
}

}  // namespace
}  // namespace petition
