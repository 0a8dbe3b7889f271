#include "common/case_visibility.h"

#include "gtest/gtest.h"

namespace petition {
namespace {

Principal As(std::vector<std::string> roles, std::string unit = "") {
  return Principal{"official_x", std::move(roles), std::move(unit)};
}

const CaseUnits kUnits{{"unit_village1"}, {"unit_landoffice"}};

TEST(CaseVisibilityTest, WhoReadsACase) {
  for (const char* role : {"admin", "clerk", "leader", "supervisor"}) {
    EXPECT_TRUE(MayReadCase(As({role}), kUnits)) << role;
  }
  EXPECT_TRUE(MayReadCase(As({"handler"}, "unit_village1"), kUnits));
  EXPECT_FALSE(MayReadCase(As({"handler"}, "unit_landoffice"), kUnits));
  EXPECT_FALSE(MayReadCase(As({"handler"}, "unit_other"), kUnits));
  EXPECT_FALSE(MayReadCase(As({"handler"}), kUnits));
  EXPECT_FALSE(MayReadCase(As({"county"}), kUnits));
  EXPECT_FALSE(MayReadCase(As({}), kUnits));
  EXPECT_FALSE(MayReadCase(Principal{}, kUnits));  // a service calling as itself
}

TEST(CaseVisibilityTest, NoOfficialOfAReportedUnitSeesIdentity) {
  for (const char* role : {"admin", "clerk", "leader", "handler", "supervisor", "county"}) {
    EXPECT_FALSE(MaySeeIdentity(As({role}, "unit_landoffice"), kUnits)) << role;
  }
  EXPECT_TRUE(MaySeeIdentity(As({"clerk"}), kUnits));
  EXPECT_TRUE(MaySeeIdentity(As({"leader"}, "unit_village1"), kUnits));
  EXPECT_TRUE(MaySeeIdentity(As({"admin"}), kUnits));
  EXPECT_FALSE(MaySeeIdentity(As({"handler"}, "unit_village1"), kUnits));
  EXPECT_FALSE(MaySeeIdentity(As({"supervisor"}), kUnits));
}

}  // namespace
}  // namespace petition
