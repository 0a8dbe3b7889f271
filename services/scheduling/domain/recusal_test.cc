#include "services/scheduling/domain/recusal.h"

#include <optional>
#include <string>

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::scheduling {
namespace {

using absl::CivilDay;

absl::Time Shanghai(int y, int m, int d, int hh, int mm) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), zone);
}

PartOfDay HalfAt(absl::Time at, const DutyHours& hours = DutyHours()) {
  auto t = DutyTimeAt(at, hours);
  EXPECT_TRUE(t.ok());
  EXPECT_TRUE(t->has_value());
  return (*t)->half;
}

bool OffDuty(absl::Time at, const DutyHours& hours = DutyHours()) {
  auto t = DutyTimeAt(at, hours);
  EXPECT_TRUE(t.ok());
  return !t->has_value();
}

TEST(RecusalTest, DutyHoursByDefault) {
  EXPECT_TRUE(OffDuty(Shanghai(2026, 9, 15, 8, 29)));
  EXPECT_EQ(HalfAt(Shanghai(2026, 9, 15, 8, 30)), PartOfDay::kMorning);
  EXPECT_EQ(HalfAt(Shanghai(2026, 9, 15, 11, 59)), PartOfDay::kMorning);
  EXPECT_TRUE(OffDuty(Shanghai(2026, 9, 15, 12, 0)));
  EXPECT_TRUE(OffDuty(Shanghai(2026, 9, 15, 14, 29)));
  EXPECT_EQ(HalfAt(Shanghai(2026, 9, 15, 14, 30)), PartOfDay::kAfternoon);
  EXPECT_EQ(HalfAt(Shanghai(2026, 9, 15, 17, 29)), PartOfDay::kAfternoon);
  EXPECT_TRUE(OffDuty(Shanghai(2026, 9, 15, 17, 30)));
  // 01:00 UTC is 09:00 in Shanghai: the day is the township's.
  auto t = DutyTimeAt(absl::FromCivil(absl::CivilSecond(2026, 9, 15, 1, 0, 0), absl::UTCTimeZone()),
                      DutyHours());
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->day, CivilDay(2026, 9, 15));
  EXPECT_EQ((*t)->half, PartOfDay::kMorning);
}

TEST(RecusalTest, DutyHoursAreConfigurablePerUnit) {
  DutyHours summer;
  summer.afternoon_start = absl::Hours(15);
  summer.afternoon_end = absl::Hours(18);
  EXPECT_TRUE(ValidateDutyHours(summer).ok());
  EXPECT_TRUE(OffDuty(Shanghai(2026, 7, 1, 14, 45), summer));
  EXPECT_EQ(HalfAt(Shanghai(2026, 7, 1, 17, 45), summer), PartOfDay::kAfternoon);
  DutyHours bad;
  bad.time_zone = "Mars/Olympus";
  bad.morning_end = absl::Hours(8);
  bad.afternoon_start = absl::Hours(7);
  absl::Status s = ValidateDutyHours(bad);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetErrorDetails(s).violations_size(), 3);
  EXPECT_EQ(DutyTimeAt(absl::Now(), bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RecusalTest, SessionsCoverTheirPartOfTheDay) {
  Session full{0, CivilDay(2026, 9, 15), {CivilDay(2026, 9, 15)}, PartOfDay::kFullDay, false};
  Session morning = full;
  morning.part = PartOfDay::kMorning;
  DutyTime am{CivilDay(2026, 9, 15), PartOfDay::kMorning};
  DutyTime pm{CivilDay(2026, 9, 15), PartOfDay::kAfternoon};
  EXPECT_TRUE(OnDuty(full, am));
  EXPECT_TRUE(OnDuty(full, pm));
  EXPECT_TRUE(OnDuty(morning, am));
  EXPECT_FALSE(OnDuty(morning, pm));
  EXPECT_FALSE(OnDuty(full, DutyTime{CivilDay(2026, 9, 16), PartOfDay::kMorning}));
}

TEST(RecusalTest, TheOnDutyOfficialUnlessRecused) {
  std::vector<std::string> rotation = {"a", "b", "c", "d"};
  DaySession s{1, {"b"}, {}};  // session 1: b's turn
  EXPECT_EQ(*Assignee(s, rotation, 1, {}), "b");
  EXPECT_EQ(*Assignee(s, rotation, 1, {"a"}), "b");
  // b recused: the next in the rotation after b's turn.
  EXPECT_EQ(*Assignee(s, rotation, 1, {"b"}), "c");
  EXPECT_EQ(*Assignee(s, rotation, 1, {"b", "c"}), "d");
  EXPECT_EQ(*Assignee(s, rotation, 1, {"b", "c", "d"}), "a");  // wraps around
  auto none = Assignee(s, rotation, 1, {"a", "b", "c", "d"});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("recused"), std::string::npos);
}

TEST(RecusalTest, JointReceptionsAndSubstitutes) {
  std::vector<std::string> rotation = {"a", "b", "c", "d"};
  // Session 0 with two leaders: a and b; a recused -> b.
  DaySession joint{0, {"a", "b"}, {}};
  EXPECT_EQ(*Assignee(joint, rotation, 2, {"a"}), "b");
  // Both recused: the next after the pair is c.
  EXPECT_EQ(*Assignee(joint, rotation, 2, {"a", "b"}), "c");
  // b is away and e substitutes; e and c recused: d, not b (absent that day).
  DaySession substituted{1, {"e"}, {"b"}};
  EXPECT_EQ(*Assignee(substituted, rotation, 1, {}), "e");
  EXPECT_EQ(*Assignee(substituted, rotation, 1, {"e", "c"}), "d");
  EXPECT_EQ(Assignee(substituted, rotation, 1, {"e", "c", "d", "a"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RecusalTest, NoSessionThatDay) {
  auto r = Assignee(std::nullopt, {"a"}, 1, {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("no reception session"), std::string::npos);
}

Official Leader(Rank rank, const std::string& unit = "unit_town") {
  Official o;
  o.official_id = "off_a";
  o.unit_id = unit;
  o.name = "甲";
  o.rank = rank;
  return o;
}

TEST(DeciderTest, ARecusedOfficialNeverDecides) {
  for (CaseDecision d :
       {CaseDecision::kReceive, CaseDecision::kApprove, CaseDecision::kReviewReport}) {
    auto why = DeciderIneligibleReason(Leader(Rank::kSectionChief), UnitKind::kTownship, d,
                                       std::string("亲属"), /*township_principal=*/true);
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("recused"), std::string::npos) << *why;
    EXPECT_NE(why->find("亲属"), std::string::npos) << *why;
    // A recusal without a reason still recuses.
    EXPECT_TRUE(
        DeciderIneligibleReason(Leader(Rank::kSectionChief), UnitKind::kTownship, d, std::string())
            .has_value());
  }
}

TEST(DeciderTest, TheTownshipsReceivingLeaderIsDeputySectionChiefOrAbove) {
  const std::optional<std::string> none;
  EXPECT_FALSE(DeciderIneligibleReason(Leader(Rank::kSectionChief), UnitKind::kTownship,
                                       CaseDecision::kReceive, none)
                   .has_value());
  EXPECT_FALSE(DeciderIneligibleReason(Leader(Rank::kDeputySectionChief), UnitKind::kTownship,
                                       CaseDecision::kReceive, none)
                   .has_value());
  auto staff = DeciderIneligibleReason(Leader(Rank::kStaff), UnitKind::kTownship,
                                       CaseDecision::kReceive, none);
  ASSERT_TRUE(staff.has_value());
  EXPECT_NE(staff->find("DEPUTY_SECTION_CHIEF"), std::string::npos) << *staff;
  // Below the rank, a department's or a village's own reception is theirs to hold.
  EXPECT_FALSE(DeciderIneligibleReason(Leader(Rank::kStaff), UnitKind::kDepartment,
                                       CaseDecision::kReceive, none)
                   .has_value());
  EXPECT_FALSE(DeciderIneligibleReason(Leader(Rank::kVillageLeader), UnitKind::kVillage,
                                       CaseDecision::kReceive, none)
                   .has_value());
  // Approving is not receiving: rank is not its rule.
  EXPECT_FALSE(DeciderIneligibleReason(Leader(Rank::kStaff), UnitKind::kTownship,
                                       CaseDecision::kApprove, none)
                   .has_value());
}

TEST(DeciderTest, OnlyTheTownshipsPrincipalLeaderReviewsACountyCasesReport) {
  const std::optional<std::string> none;
  EXPECT_FALSE(DeciderIneligibleReason(Leader(Rank::kSectionChief), UnitKind::kTownship,
                                       CaseDecision::kReviewReport, none,
                                       /*township_principal=*/true)
                   .has_value());
  // A section chief who is not the one the township names does not review.
  auto other = DeciderIneligibleReason(Leader(Rank::kSectionChief), UnitKind::kTownship,
                                       CaseDecision::kReviewReport, none,
                                       /*township_principal=*/false);
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(other->find("principal leader"), std::string::npos) << *other;
  EXPECT_NE(other->find(":setPrincipalLeader"), std::string::npos) << *other;
}

}  // namespace
}  // namespace petition::scheduling
