#include "services/scheduling/domain/rotation.h"

#include "common/status.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/reception_plan.h"
#include "services/scheduling/domain/seeded_calendar.h"

namespace petition::scheduling {
namespace {

using absl::CivilDay;
using Ids = std::vector<std::string>;

absl::flat_hash_map<std::string, Official> Directory() {
  absl::flat_hash_map<std::string, Official> d;
  d["a"] = {"a", "town", "王", "党委书记", Rank::kSectionChief};
  d["b"] = {"b", "town", "李", "镇长", Rank::kSectionChief};
  d["c"] = {"c", "town", "张", "副镇长", Rank::kDeputySectionChief};
  d["d"] = {"d", "town", "刘", "人大主席", Rank::kDeputySectionChief};
  d["clerk"] = {"clerk", "town", "赵", "干事", Rank::kStaff};
  d["other"] = {"other", "village", "孙", "主任", Rank::kVillageLeader};
  return d;
}

TEST(RotationTest, OneLeaderPerSessionInTurn) {
  Ids rotation = {"a", "b", "c"};
  EXPECT_EQ(PlannedOfficials(rotation, 1, 0), (Ids{"a"}));
  EXPECT_EQ(PlannedOfficials(rotation, 1, 1), (Ids{"b"}));
  EXPECT_EQ(PlannedOfficials(rotation, 1, 2), (Ids{"c"}));
  EXPECT_EQ(PlannedOfficials(rotation, 1, 3), (Ids{"a"}));
  EXPECT_EQ(PlannedOfficials(rotation, 1, 3000000000003), (Ids{"a"}));
}

TEST(RotationTest, JointReceptionsTakeConsecutiveLeaders) {
  Ids rotation = {"a", "b", "c"};
  EXPECT_EQ(PlannedOfficials(rotation, 2, 0), (Ids{"a", "b"}));
  EXPECT_EQ(PlannedOfficials(rotation, 2, 1), (Ids{"c", "a"}));
  EXPECT_EQ(PlannedOfficials(rotation, 2, 2), (Ids{"b", "c"}));
  EXPECT_EQ(PlannedOfficials(rotation, 2, 3), (Ids{"a", "b"}));
  EXPECT_EQ(PlannedOfficials(rotation, 3, 7), (Ids{"a", "b", "c"}));
  EXPECT_TRUE(PlannedOfficials(rotation, 4, 0).empty());
  EXPECT_TRUE(PlannedOfficials({}, 1, 0).empty());
}

TEST(RotationTest, ThreeLeadersOverSixMonthsWithTwoSubstitutions) {
  ReceptionPlan plan;
  plan.recurrence.weekdays = {absl::Weekday::monday};
  plan.start_date = CivilDay(2026, 1, 5);
  plan.rotation = {"a", "b", "c"};
  // Month by month, as the rosters ask for them.
  std::vector<Session> sessions;
  for (absl::CivilMonth m(2026, 3); m <= absl::CivilMonth(2026, 8); ++m) {
    auto month = ExpandPlan(plan, SeededCalendar(), CivilDay(m), CivilDay(m + 1) - 1);
    ASSERT_TRUE(month.ok());
    sessions.insert(sessions.end(), month->begin(), month->end());
  }
  ASSERT_GE(sessions.size(), 24u);
  // Two substitutions: d for the planned official of sessions 3 and 10.
  std::vector<Ids> receiving;
  for (size_t i = 0; i < sessions.size(); ++i) {
    Ids planned = PlannedOfficials(plan.rotation, 1, sessions[i].index);
    std::vector<Substitution> subs;
    if (i == 3 || i == 10) {
      Substitution s{planned[0], "d"};
      ASSERT_TRUE(CheckSubstitution(planned, s, "town", UnitKind::kTownship, Directory()).ok());
      subs.push_back(s);
    }
    receiving.push_back(Receiving(planned, subs));
  }
  for (size_t i = 1; i < sessions.size(); ++i) {
    // Consecutive sessions take consecutive turns, substitutions or not.
    EXPECT_EQ(sessions[i].index, sessions[i - 1].index + 1);
    Ids planned = PlannedOfficials(plan.rotation, 1, sessions[i].index);
    Ids before = PlannedOfficials(plan.rotation, 1, sessions[i - 1].index);
    EXPECT_EQ(planned[0],
              plan.rotation[(std::find(plan.rotation.begin(), plan.rotation.end(), before[0]) -
                             plan.rotation.begin() + 1) %
                            3]);
    if (i == 3 || i == 10) {
      EXPECT_EQ(receiving[i], (Ids{"d"}));
    } else {
      EXPECT_EQ(receiving[i], planned);
    }
  }
}

TEST(RotationTest, TheTurnContinuesIntoTheNextYear) {
  ReceptionPlan plan;
  plan.recurrence.days_of_month = {15, 25};
  plan.start_date = CivilDay(2026, 1, 1);
  plan.rotation = {"a", "b", "c"};
  auto dec = ExpandPlan(plan, SeededCalendar(), CivilDay(2026, 12, 1), CivilDay(2026, 12, 31));
  auto jan = ExpandPlan(plan, SeededCalendar(), CivilDay(2027, 1, 1), CivilDay(2027, 1, 31));
  ASSERT_TRUE(dec.ok() && jan.ok());
  ASSERT_FALSE(dec->empty());
  ASSERT_FALSE(jan->empty());
  EXPECT_EQ(jan->front().index, dec->back().index + 1);
  EXPECT_EQ(dec->back().index, 23);  // 24 sessions in 2026
}

TEST(RotationTest, SubstitutionsAreCheckedAgainstTheUnitsRules) {
  Ids receiving = {"a", "b"};
  auto check = [&](const char* absent, const char* sub) {
    return CheckSubstitution(receiving, {absent, sub}, "town", UnitKind::kTownship, Directory());
  };
  EXPECT_TRUE(check("a", "c").ok());
  absl::Status s = check("c", "d");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetErrorDetails(s).violations(0).field(), "absentOfficialId");
  s = check("a", "clerk");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(GetErrorDetails(s).violations(0).reason().find("rank rule"), std::string::npos);
  EXPECT_EQ(check("a", "other").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(check("a", "nobody").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(check("a", "b").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Receiving({"a", "b"}, {{"b", "c"}, {"x", "d"}}), (Ids{"a", "c"}));
}

}  // namespace
}  // namespace petition::scheduling
