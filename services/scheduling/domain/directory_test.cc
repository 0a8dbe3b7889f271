#include "services/scheduling/domain/directory.h"

#include "common/status.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/recusal.h"

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

v1::DutyHours Hours(const char* ms, const char* me, const char* as, const char* ae) {
  v1::DutyHours h;
  h.set_morning_start(ms);
  h.set_morning_end(me);
  h.set_afternoon_start(as);
  h.set_afternoon_end(ae);
  return h;
}

TEST(DirectoryTest, TimesOfDayAreHoursAndMinutes) {
  EXPECT_EQ(ParseTimeOfDay("08:30"), absl::Hours(8) + absl::Minutes(30));
  EXPECT_EQ(ParseTimeOfDay("00:00"), absl::ZeroDuration());
  EXPECT_EQ(ParseTimeOfDay("24:00"), absl::Hours(24));
  for (const char* bad : {"", "8:30", "08:3", "08-30", "24:01", "25:00", "12:60", "0a:30", "08:30 ",
                          "+8:30", "-0:30"}) {
    EXPECT_FALSE(ParseTimeOfDay(bad).has_value()) << bad;
  }
}

TEST(DirectoryTest, DutyHoursAreWellFormedAndInOrder) {
  EXPECT_TRUE(ValidateUnitDutyHours(Hours("08:00", "12:00", "15:00", "18:00")).ok());
  // The afternoon may start the moment the morning ends.
  EXPECT_TRUE(ValidateUnitDutyHours(Hours("08:00", "12:00", "12:00", "18:00")).ok());
  EXPECT_EQ(Fields(ValidateUnitDutyHours(Hours("8:00", "12:00", "", "18:00"))),
            (std::vector<std::string>{"dutyHours.morningStart", "dutyHours.afternoonStart"}));
  EXPECT_EQ(Fields(ValidateUnitDutyHours(Hours("12:00", "12:00", "15:00", "14:00"))),
            (std::vector<std::string>{"dutyHours.morningEnd", "dutyHours.afternoonEnd"}));
  EXPECT_EQ(Fields(ValidateUnitDutyHours(Hours("08:00", "13:00", "12:30", "18:00"))),
            (std::vector<std::string>{"dutyHours.afternoonStart"}));
  EXPECT_TRUE(
      absl::IsInvalidArgument(ValidateUnitDutyHours(Hours("08:00", "13:00", "12:30", "18:00"))));

  // A unit request carries them when given; without them the defaults hold.
  v1::CreateUnitRequest town;
  town.set_name("长乐镇人民政府");
  town.set_kind(v1::TOWNSHIP);
  *town.mutable_duty_hours() = Hours("08:30", "12:00", "17:00", "15:00");
  EXPECT_EQ(Fields(ValidateCreateUnit(town)), (std::vector<std::string>{"dutyHours.afternoonEnd"}));
  town.mutable_duty_hours()->set_afternoon_end("18:00");
  EXPECT_TRUE(ValidateCreateUnit(town).ok());

  v1::Unit unit;
  const DutyHours defaults = DutyHoursOf(unit);
  EXPECT_EQ(defaults.morning_start, absl::Hours(8) + absl::Minutes(30));
  EXPECT_EQ(defaults.afternoon_start, absl::Hours(14) + absl::Minutes(30));
  EXPECT_EQ(defaults.afternoon_end, absl::Hours(17) + absl::Minutes(30));
  *unit.mutable_duty_hours() = Hours("08:00", "11:30", "15:00", "18:00");
  const DutyHours own = DutyHoursOf(unit);
  EXPECT_EQ(own.morning_start, absl::Hours(8));
  EXPECT_EQ(own.morning_end, absl::Hours(11) + absl::Minutes(30));
  EXPECT_EQ(own.afternoon_start, absl::Hours(15));
  EXPECT_EQ(own.afternoon_end, absl::Hours(18));
  EXPECT_EQ(own.time_zone, "Asia/Shanghai");
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
