#include "services/supervision/domain/unit_stats.h"

#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

using D = absl::CivilDay;

const D kFrom(2026, 3, 1);
const D kTo(2026, 3, 31);
const D kToday(2026, 4, 10);

CaseFacts Case(const std::string& unit, D received) {
  CaseFacts c;
  c.case_id = "case_" + unit;
  c.unit_ids = {unit};
  c.received_on = received;
  return c;
}

const UnitStatsRow* Row(const std::vector<UnitStatsRow>& rows, const std::string& unit) {
  for (const auto& r : rows) {
    if (r.unit_id == unit) return &r;
  }
  return nullptr;
}

TEST(UnitStatsTest, ReceivedRepeatCollectiveCountByReceptionDayBothEndsIncluded) {
  CaseFacts first = Case("unit_a", kFrom);
  first.repeat = true;
  CaseFacts last = Case("unit_a", kTo);
  last.collective = true;
  CaseFacts before = Case("unit_a", D(2026, 2, 28));
  before.repeat = true;
  CaseFacts after = Case("unit_a", D(2026, 4, 1));
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {first, last, before, after}, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].received, 2);
  EXPECT_EQ(rows[0].repeat, 1);
  EXPECT_EQ(rows[0].collective, 1);
  EXPECT_FALSE(rows[0].on_time_rate.has_value());
  EXPECT_FALSE(rows[0].satisfaction_rate.has_value());
}

TEST(UnitStatsTest, ACaseCountsForEachHandlingUnitAndNoneWithout) {
  CaseFacts both = Case("unit_a", kFrom);
  both.unit_ids = {"unit_a", "unit_b"};
  CaseFacts none = Case("x", kFrom);
  none.unit_ids.clear();
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {both, none}, {});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].unit_id, "unit_a");
  EXPECT_EQ(rows[1].unit_id, "unit_b");
  EXPECT_EQ(rows[1].received, 1);
}

TEST(UnitStatsTest, OnTimeAndOverdueByDueDateInThePeriod) {
  // Received long before; what falls due in March counts.
  const D old(2026, 1, 5);
  CaseFacts on_due_day = Case("unit_a", old);
  on_due_day.handling = HandlingFacts{old, D(2026, 3, 10), D(2026, 3, 10)};
  CaseFacts late = Case("unit_a", old);
  late.handling = HandlingFacts{old, D(2026, 3, 10), D(2026, 3, 11)};
  CaseFacts pending_past_due = Case("unit_a", old);
  pending_past_due.handling = HandlingFacts{old, D(2026, 3, 31), std::nullopt};
  CaseFacts due_next_month = Case("unit_a", old);
  due_next_month.handling = HandlingFacts{old, D(2026, 4, 1), D(2026, 3, 5)};
  auto rows = ComputeUnitStats(kFrom, kTo, kToday,
                               {on_due_day, late, pending_past_due, due_next_month}, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].received, 0);
  EXPECT_EQ(rows[0].overdue, 2);
  ASSERT_TRUE(rows[0].on_time_rate.has_value());
  EXPECT_DOUBLE_EQ(*rows[0].on_time_rate, 1.0 / 3);
}

TEST(UnitStatsTest, WithdrawnBeforeItsDueDateCountsForNeither) {
  CaseFacts early = Case("unit_a", D(2026, 2, 1));
  early.handling = HandlingFacts{D(2026, 2, 1), D(2026, 3, 10), D(2026, 3, 1), true};
  EXPECT_TRUE(ComputeUnitStats(kFrom, kTo, kToday, {early}, {}).empty());
  CaseFacts late = early;
  late.handling->met_on = D(2026, 3, 12);
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {late}, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].overdue, 1);
}

TEST(UnitStatsTest, APendingDeadlineDueTodayOrLaterIsNotSettled) {
  CaseFacts due_today = Case("unit_a", D(2026, 2, 1));
  due_today.handling = HandlingFacts{D(2026, 2, 1), D(2026, 3, 20), std::nullopt};
  auto rows = ComputeUnitStats(kFrom, kTo, D(2026, 3, 20), {due_today}, {});
  EXPECT_TRUE(rows.empty());
  rows = ComputeUnitStats(kFrom, kTo, D(2026, 3, 21), {due_today}, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].overdue, 1);
  EXPECT_DOUBLE_EQ(*rows[0].on_time_rate, 0.0);
}

TEST(UnitStatsTest, ConcludedAndSatisfactionByTheirOwnDays) {
  CaseFacts a = Case("unit_a", D(2026, 1, 1));
  a.concluded_on = D(2026, 3, 2);
  a.rating = "BASICALLY_SATISFIED";
  a.rated_on = D(2026, 3, 3);
  CaseFacts b = Case("unit_a", D(2026, 1, 1));
  b.rating = "DISSATISFIED";
  b.rated_on = D(2026, 3, 31);
  CaseFacts c = Case("unit_a", D(2026, 1, 1));
  c.rating = "SATISFIED";
  c.rated_on = D(2026, 4, 1);  // next period
  c.concluded_on = D(2026, 2, 28);
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {a, b, c}, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].concluded, 1);
  EXPECT_DOUBLE_EQ(*rows[0].satisfaction_rate, 0.5);
}

TEST(UnitStatsTest, ComplexCasesAnsweredWithoutAHearingBeforeTheAnswer) {
  CaseFacts heard = Case("unit_a", D(2026, 1, 1));
  heard.complex = true;
  heard.answered_on = D(2026, 3, 10);
  heard.first_hearing_on = D(2026, 3, 10);  // the same day counts as before
  CaseFacts late_hearing = heard;
  late_hearing.first_hearing_on = D(2026, 3, 11);
  CaseFacts none = heard;
  none.first_hearing_on.reset();
  CaseFacts ordinary = none;
  ordinary.complex = false;
  CaseFacts answered_before = none;
  answered_before.answered_on = D(2026, 2, 27);
  auto rows = ComputeUnitStats(kFrom, kTo, kToday,
                               {heard, late_hearing, none, ordinary, answered_before}, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].complex_without_hearing, 2);
}

TEST(UnitStatsTest, OverLevelFollowsA19) {
  const HandlingFacts h{D(2026, 3, 1), D(2026, 3, 20), D(2026, 3, 15)};
  EXPECT_FALSE(IsOverLevel(D(2026, 3, 5), std::nullopt));  // not accepted
  EXPECT_FALSE(IsOverLevel(D(2026, 2, 28), h));            // before acceptance
  EXPECT_TRUE(IsOverLevel(D(2026, 3, 1), h));              // the day it was accepted
  EXPECT_TRUE(IsOverLevel(D(2026, 3, 15), h));             // the day it was answered
  EXPECT_FALSE(IsOverLevel(D(2026, 3, 16), h));            // answered before
  const HandlingFacts pending{D(2026, 3, 1), D(2026, 3, 20), std::nullopt};
  EXPECT_TRUE(IsOverLevel(D(2026, 3, 20), pending));   // the due date itself
  EXPECT_FALSE(IsOverLevel(D(2026, 3, 21), pending));  // past its limit
}

TEST(UnitStatsTest, VetoOnlyForAnUnreportedCollectiveOverLevelTrip) {
  const HandlingFacts h{D(2026, 3, 1), D(2026, 3, 30), std::nullopt};
  EscalationFacts few{"unit_a", D(2026, 3, 5), 4, false, h};
  EscalationFacts reported{"unit_b", D(2026, 3, 5), 30, true, h};
  EscalationFacts unreported{"unit_c", D(2026, 3, 5), 5, false, h};
  EscalationFacts not_over_level{"unit_d", D(2026, 3, 5), 50, false, std::nullopt};
  EscalationFacts other_period{"unit_e", D(2026, 4, 1), 50, false, h};
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {},
                               {few, reported, unreported, not_over_level, other_period});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(Row(rows, "unit_a")->over_level, 1);
  EXPECT_FALSE(Row(rows, "unit_a")->veto);
  EXPECT_FALSE(Row(rows, "unit_b")->veto);
  EXPECT_TRUE(Row(rows, "unit_c")->veto);
  EXPECT_EQ(Row(rows, "unit_d"), nullptr);
}

}  // namespace
}  // namespace petition::supervision
