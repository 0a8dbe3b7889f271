#include "services/scheduling/domain/directory.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::scheduling {
namespace {

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  const petition::v1::ErrorDetails details = GetErrorDetails(s);
  for (const auto& v : details.violations()) out.push_back(v.field());
  return out;
}

TEST(DirectoryTest, UnitsNeedANameAKindAndTheRightParent) {
  v1::CreateUnitRequest town;
  town.set_name("长乐镇人民政府");
  town.set_kind(v1::TOWNSHIP);
  town.set_location("镇政府一楼信访接待室");
  EXPECT_TRUE(ValidateCreateUnit(town).ok());
  town.set_parent_id("unit_x");
  EXPECT_EQ(Fields(ValidateCreateUnit(town)), (std::vector<std::string>{"parentId"}));

  v1::CreateUnitRequest village;
  village.set_kind(v1::VILLAGE);
  village.set_location(std::string(300, 'x'));
  EXPECT_EQ(Fields(ValidateCreateUnit(village)),
            (std::vector<std::string>{"name", "location", "parentId"}));
  v1::CreateUnitRequest nothing;
  nothing.set_name("x");
  nothing.set_kind(static_cast<v1::UnitKind>(42));
  EXPECT_EQ(Fields(ValidateCreateUnit(nothing)), (std::vector<std::string>{"kind"}));
}

TEST(DirectoryTest, OfficialsNeedANameAUnitAndARank) {
  v1::CreateOfficialRequest o;
  o.set_name("李明");
  o.set_unit_id("unit_town");
  o.set_position("副镇长");
  o.set_rank(v1::DEPUTY_SECTION_CHIEF);
  EXPECT_TRUE(ValidateCreateOfficial(o).ok());
  v1::CreateOfficialRequest empty;
  EXPECT_EQ(Fields(ValidateCreateOfficial(empty)),
            (std::vector<std::string>{"name", "unitId", "rank"}));
}

TEST(DirectoryTest, ParentsAreTownshipsAndVillageLeadersServeInVillages) {
  EXPECT_TRUE(CheckParent(UnitKind::kTownship).ok());
  EXPECT_EQ(Fields(CheckParent(UnitKind::kVillage)), (std::vector<std::string>{"parentId"}));
  EXPECT_TRUE(CheckRankInUnit(Rank::kVillageLeader, UnitKind::kVillage).ok());
  EXPECT_TRUE(CheckRankInUnit(Rank::kStaff, UnitKind::kVillage).ok());
  EXPECT_EQ(Fields(CheckRankInUnit(Rank::kVillageLeader, UnitKind::kDepartment)),
            (std::vector<std::string>{"rank"}));
  EXPECT_EQ(FromProto(v1::DEPUTY_SECTION_CHIEF), Rank::kDeputySectionChief);
  EXPECT_EQ(FromProto(v1::VILLAGE), UnitKind::kVillage);
}

}  // namespace
}  // namespace petition::scheduling
