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
  EXPECT_TRUE(MayReadCase(As({"leader"}, "unit_village1"), kUnits));
  EXPECT_FALSE(MayReadCase(As({"handler"}, "unit_landoffice"), kUnits));
  EXPECT_FALSE(MayReadCase(As({"handler"}, "unit_other"), kUnits));
  EXPECT_FALSE(MayReadCase(As({"handler"}), kUnits));
  EXPECT_FALSE(MayReadCase(As({"county"}), kUnits));
  EXPECT_FALSE(MayReadCase(As({}), kUnits));
  EXPECT_FALSE(MayReadCase(Principal{}, kUnits));  // a service calling as itself
}

TEST(CaseVisibilityTest, AnOfficialWithAUnitActsForThatUnitOnly) {
  for (const char* role : {"admin", "clerk", "leader", "supervisor", "handler"}) {
    EXPECT_TRUE(MayActFor(As({role}, "unit_village1"), kUnits.handling)) << role;
    // Reading every case is not acting for every unit.
    EXPECT_FALSE(MayActFor(As({role}, "unit_village2"), kUnits.handling)) << role;
  }
  // Township-level officials (no unit) act as their roles allow.
  EXPECT_TRUE(MayActFor(As({"leader"}), kUnits.handling));
  EXPECT_FALSE(MayActFor(As({"handler"}, "unit_village1"), {}));
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

TEST(CaseVisibilityTest, AReportIsHiddenEntirelyFromEveryOfficialOfTheReportedUnit) {
  for (const char* role : {"admin", "clerk", "leader", "handler", "supervisor", "county"}) {
    EXPECT_TRUE(HiddenFrom(As({role}, "unit_landoffice"), kUnits)) << role;
    EXPECT_FALSE(MayReadCase(As({role}, "unit_landoffice"), kUnits)) << role;
  }
  // Several roles, one of which would read every case: still hidden.
  EXPECT_FALSE(MayReadCase(As({"leader", "supervisor"}, "unit_landoffice"), kUnits));
  // Even a unit that (wrongly) also handles it does not see it.
  const CaseUnits both{{"unit_landoffice"}, {"unit_landoffice"}};
  EXPECT_FALSE(MayReadCase(As({"handler"}, "unit_landoffice"), both));
}

TEST(CaseVisibilityTest, OnlyTheReportedUnitsOfficialsAreHiddenFrom) {
  EXPECT_FALSE(HiddenFrom(As({"leader"}), kUnits));  // no unit claim
  EXPECT_FALSE(HiddenFrom(As({"leader"}, "unit_village1"), kUnits));
  EXPECT_FALSE(HiddenFrom(As({"leader"}, "unit_land"), kUnits));  // a prefix is another unit
  EXPECT_FALSE(HiddenFrom(As({"leader"}, "unit_landoffice"), CaseUnits{{"unit_village1"}, {}}));
  EXPECT_FALSE(HiddenFrom(Principal{}, kUnits));
}

TEST(CaseVisibilityTest, ReportsUnit) {
  EXPECT_TRUE(ReportsUnit(kUnits, "unit_landoffice"));
  EXPECT_FALSE(ReportsUnit(kUnits, "unit_village1"));
  EXPECT_FALSE(ReportsUnit(kUnits, ""));
  EXPECT_FALSE(ReportsUnit(CaseUnits{{}, {""}}, ""));
}

TEST(CaseVisibilityTest, ListsLeaveOutTheReportsOfTheCallersUnit) {
  EXPECT_EQ(HiddenReportsUnit(As({"leader"}, "unit_landoffice")), "unit_landoffice");
  EXPECT_EQ(HiddenReportsUnit(As({"clerk"})), "");
}

}  // namespace
}  // namespace petition
