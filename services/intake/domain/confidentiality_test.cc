#include "services/intake/domain/confidentiality.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

v1::Case Sample() {
  v1::Case c;
  c.add_handling_unit_ids("unit_village1");
  c.add_reported_unit_ids("unit_landoffice");
  auto* p = c.add_petitioners();
  p->set_name("欧阳娜娜");
  p->set_id_number("11010519491231002X");
  p->set_phone("13800138000");
  p->set_address("某某县长乐镇东村三组12号");
  return c;
}

Principal As(std::vector<std::string> roles, std::string unit = "") {
  return Principal{"official_x", std::move(roles), std::move(unit)};
}

TEST(ConfidentialityTest, WhoSeesIdentity) {
  v1::Case c = Sample();
  EXPECT_TRUE(MaySeeIdentity(As({"clerk"}), c));
  EXPECT_TRUE(MaySeeIdentity(As({"leader"}), c));
  EXPECT_TRUE(MaySeeIdentity(As({"admin"}), c));
  EXPECT_FALSE(MaySeeIdentity(As({"handler"}, "unit_village1"), c));
  EXPECT_FALSE(MaySeeIdentity(As({"supervisor"}), c));
  EXPECT_FALSE(MaySeeIdentity(As({"county"}), c));
  // A leader who is staff of the reported unit never sees the reporter.
  EXPECT_FALSE(MaySeeIdentity(As({"leader", "handler"}, "unit_landoffice"), c));
}

// "Never shown to officials of a reported unit, whatever their role": not
// only handlers; a clerk, a leader or an administrator of the reported unit.
TEST(ConfidentialityTest, NoRoleOfAReportedUnitSeesIdentity) {
  v1::Case c = Sample();
  for (const char* role : {"clerk", "leader", "admin", "handler", "supervisor"}) {
    EXPECT_FALSE(MaySeeIdentity(As({role}, "unit_landoffice"), c)) << role;
  }
  EXPECT_TRUE(MaySeeIdentity(As({"clerk"}, "unit_village1"), c));
}

// A30: for the reported unit's officials the case does not exist at all.
TEST(ConfidentialityTest, AReportIsHiddenEntirelyFromTheReportedUnit) {
  v1::Case c = Sample();
  for (const char* role : {"clerk", "leader", "admin", "handler", "supervisor"}) {
    EXPECT_TRUE(HiddenFrom(As({role}, "unit_landoffice"), c)) << role;
    EXPECT_FALSE(MayReadCase(As({role}, "unit_landoffice"), c)) << role;
  }
  EXPECT_FALSE(HiddenFrom(As({"leader"}, "unit_village1"), c));
  EXPECT_FALSE(HiddenFrom(As({"leader"}), c));
  EXPECT_TRUE(MayReadCase(As({"clerk"}, "unit_village1"), c));
}

google::protobuf::RepeatedPtrField<std::string> Ids(std::vector<std::string> ids) {
  return {ids.begin(), ids.end()};
}

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  const petition::v1::ErrorDetails details = GetErrorDetails(s);
  for (const auto& v : details.violations()) out.push_back(v.field());
  return out;
}

TEST(ConfidentialityTest, TheAccusedUnitNeverHandlesNorReceivesItsReport) {
  const auto reported = Ids({"unit_landoffice", "unit_police"});
  absl::Status s = CheckAccusedNotAssigned(reported, Ids({"unit_village1", "unit_police"}),
                                           "handlingUnitIds", "unit_village1");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"handlingUnitIds[1]"});

  s = CheckAccusedNotAssigned(reported, Ids({"unit_village1"}), "handlingUnitIds",
                              "unit_landoffice");
  EXPECT_EQ(Fields(s), std::vector<std::string>{"leaderId"});

  s = CheckAccusedNotAssigned(reported, Ids({"unit_landoffice"}), "handlingUnitIds",
                              "unit_landoffice");
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"handlingUnitIds[0]", "leaderId"}));
}

TEST(ConfidentialityTest, AssignmentsAwayFromTheAccusedPass) {
  EXPECT_TRUE(CheckAccusedNotAssigned(Ids({"unit_landoffice"}), Ids({"unit_village1"}),
                                      "handlingUnitIds", "unit_township")
                  .ok());
  // A leader whose unit is unknown (""), a case reporting nobody.
  EXPECT_TRUE(
      CheckAccusedNotAssigned(Ids({"unit_landoffice"}), Ids({"unit_village1"}), "h", "").ok());
  EXPECT_TRUE(
      CheckAccusedNotAssigned(Ids({}), Ids({"unit_landoffice"}), "h", "unit_landoffice").ok());
}

TEST(ConfidentialityTest, RepeatLinksToHiddenCasesAreOmitted) {
  v1::Case c;
  c.add_repeat_of_case_ids("case_a");
  c.add_repeat_of_case_ids("case_report");
  c.add_repeat_of_case_ids("case_b");
  OmitRepeatLinks(c, {"case_report"});
  EXPECT_EQ(std::vector<std::string>(c.repeat_of_case_ids().begin(), c.repeat_of_case_ids().end()),
            (std::vector<std::string>{"case_a", "case_b"}));
  OmitRepeatLinks(c, {});
  EXPECT_EQ(c.repeat_of_case_ids_size(), 2);
}

TEST(ConfidentialityTest, HandlersReadOnlyTheirUnitsCases) {
  v1::Case c = Sample();
  EXPECT_TRUE(MayReadCase(As({"handler"}, "unit_village1"), c));
  EXPECT_FALSE(MayReadCase(As({"handler"}, "unit_other"), c));
  EXPECT_FALSE(MayReadCase(As({"handler"}), c));
  EXPECT_TRUE(MayReadCase(As({"supervisor"}), c));
  EXPECT_FALSE(MayReadCase(As({}), c));
}

TEST(ConfidentialityTest, MaskingHidesIdentity) {
  v1::Case c = Sample();
  c.set_query_code("7KQ2M9XAHTRW");
  MaskIdentity(c);
  EXPECT_TRUE(c.identity_masked());
  const v1::Petitioner& p = c.petitioners(0);
  EXPECT_EQ(p.name(), "欧***");
  EXPECT_EQ(p.id_number(), "110105********002X");
  EXPECT_EQ(p.phone(), "138****8000");
  EXPECT_EQ(p.address(), "某某县长乐镇***");
  EXPECT_EQ(MaskName("李"), "李*");
  EXPECT_EQ(c.query_code(), "");
  EXPECT_EQ(MaskQueryCode("查询码7KQ2M9XAHTRW。", "7KQ2M9XAHTRW"), "查询码************。");
}

}  // namespace
}  // namespace petition::intake
