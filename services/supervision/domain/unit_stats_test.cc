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

TEST(UnitStatsTest, AnAnswerChangedOnReviewCountsOnTheDayOfTheDecision) {
  // Received long before the period: only the decisions count in it.
  CaseFacts reviewed = Case("unit_a", D(2025, 12, 1));
  reviewed.unit_ids = {"unit_a", "unit_b"};
  reviewed.answer_changed_on = {D(2026, 3, 10), D(2026, 3, 31)};  // review and recheck
  CaseFacts earlier = Case("unit_c", D(2025, 12, 1));
  earlier.answer_changed_on = {D(2026, 2, 28)};
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {reviewed, earlier}, {});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Row(rows, "unit_a")->review_changed, 2);
  EXPECT_EQ(Row(rows, "unit_b")->review_changed, 2);
  EXPECT_EQ(Row(rows, "unit_a")->received, 0);
  EXPECT_EQ(Row(rows, "unit_c"), nullptr);
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

EscalationFacts Escalation(const std::string& id, const std::string& case_id,
                           const std::string& unit, D on, const std::string& level = "COUNTY") {
  EscalationFacts e;
  e.escalation_id = id;
  e.case_id = case_id;
  e.unit_id = unit;
  e.level = level;
  e.occurred_on = on;
  e.recorded_at = absl::FromCivil(absl::CivilSecond(on.year(), on.month(), on.day(), 9, 0, 0),
                                  absl::UTCTimeZone());
  return e;
}

// Accepted on 03-02, HANDLING due 03-20 and pending.
OverLevelFacts WithinLimits() {
  OverLevelFacts f;
  f.acceptance = DeadlineFacts{D(2026, 3, 16), D(2026, 3, 2)};
  f.handling = DeadlineFacts{D(2026, 3, 20), std::nullopt};
  return f;
}

std::vector<CriticismReason> Reasons(const UnitStatsRow* row) {
  std::vector<CriticismReason> out;
  if (row == nullptr) return out;
  for (const Criticism& c : row->criticisms) out.push_back(c.reason);
  return out;
}

TEST(UnitStatsTest, OverLevelCountsWhatTheUnitCausedTheRestApart) {
  EscalationFacts within = Escalation("esc_1", "case_1", "unit_a", D(2026, 3, 20));
  within.case_facts = WithinLimits();  // on the HANDLING due date: within
  EscalationFacts after = Escalation("esc_2", "case_2", "unit_a", D(2026, 3, 21));
  after.case_facts = WithinLimits();  // the day after: past due, unmet
  EscalationFacts elsewhere = Escalation("esc_3", "case_3", "unit_b", D(2026, 3, 5));
  elsewhere.case_facts = WithinLimits();
  EscalationFacts next_period = Escalation("esc_4", "case_4", "unit_a", D(2026, 4, 1));
  next_period.case_facts.acceptance = DeadlineFacts{D(2026, 3, 1), std::nullopt};
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {}, {within, after, elsewhere, next_period});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Row(rows, "unit_a")->over_level, 1);
  EXPECT_EQ(Row(rows, "unit_a")->over_level_not_at_fault, 1);
  EXPECT_EQ(Row(rows, "unit_b")->over_level, 0);
  EXPECT_EQ(Row(rows, "unit_b")->over_level_not_at_fault, 1);
  EXPECT_TRUE(Row(rows, "unit_b")->criticisms.empty());
}

TEST(UnitStatsTest, AUnitCausedTripToTheProvinceOrBeijingIsCriticised) {
  OverLevelFacts at_fault = WithinLimits();
  at_fault.handling->due = D(2026, 3, 1);  // overdue from 03-02
  std::vector<EscalationFacts> trips;
  int n = 0;
  for (const char* level : {"COUNTY", "CITY", "PROVINCE", "NATIONAL"}) {
    for (bool fault : {false, true}) {
      const std::string id = "esc_" + std::to_string(++n);
      EscalationFacts e = Escalation(id, "case_" + id, "unit_a", D(2026, 3, 10), level);
      e.case_facts = fault ? at_fault : WithinLimits();
      trips.push_back(e);
    }
  }
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {}, trips);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].over_level, 4);
  EXPECT_EQ(rows[0].over_level_not_at_fault, 4);
  ASSERT_EQ(rows[0].criticisms.size(), 2u);
  for (const Criticism& c : rows[0].criticisms) {
    EXPECT_EQ(c.reason, CriticismReason::kOverLevelToProvinceOrBeijing);
    EXPECT_EQ(c.occurred_on, D(2026, 3, 10));
  }
  EXPECT_EQ(rows[0].criticisms[0].escalation_id, "esc_6");  // PROVINCE, at fault
  EXPECT_EQ(rows[0].criticisms[1].escalation_id, "esc_8");  // NATIONAL, at fault
}

TEST(UnitStatsTest, ACaseEscalatedAgainIsARepeatEvenWhenTheFirstWasInAnEarlierPeriod) {
  EscalationFacts february = Escalation("esc_1", "case_1", "unit_a", D(2026, 2, 27));
  EscalationFacts march = Escalation("esc_2", "case_1", "unit_a", D(2026, 3, 1));
  EscalationFacts other_case = Escalation("esc_3", "case_2", "unit_a", D(2026, 3, 2));
  // Two of one case on one day: the later recorded is the repeat, whatever the input order.
  EscalationFacts morning = Escalation("esc_9", "case_3", "unit_a", D(2026, 3, 31));
  EscalationFacts evening = Escalation("esc_0", "case_3", "unit_a", D(2026, 3, 31));
  evening.recorded_at = morning.recorded_at + absl::Hours(8);
  EscalationFacts april = Escalation("esc_4", "case_2", "unit_a", D(2026, 4, 1));
  // No deadline facts: none of them is the unit's fault.
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {},
                               {evening, april, march, other_case, february, morning});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].over_level_not_at_fault, 4);  // February's and April's are not this period's
  ASSERT_EQ(rows[0].criticisms.size(), 2u);
  EXPECT_EQ(rows[0].criticisms[0].reason, CriticismReason::kRepeatedEscalation);
  EXPECT_EQ(rows[0].criticisms[0].escalation_id, "esc_2");
  EXPECT_EQ(rows[0].criticisms[0].case_id, "case_1");
  EXPECT_EQ(rows[0].criticisms[0].occurred_on, D(2026, 3, 1));
  EXPECT_EQ(rows[0].criticisms[1].escalation_id, "esc_0");
  EXPECT_EQ(rows[0].criticisms[1].occurred_on, D(2026, 3, 31));
}

TEST(UnitStatsTest, ACollectiveTripNotReportedInAdvanceIsCriticisedFromFivePeople) {
  EscalationFacts four = Escalation("esc_1", "case_1", "unit_a", D(2026, 3, 5));
  four.headcount = 4;
  EscalationFacts five = Escalation("esc_2", "case_2", "unit_a", D(2026, 3, 5));
  five.headcount = 5;
  EscalationFacts reported = Escalation("esc_3", "case_3", "unit_a", D(2026, 3, 5));
  reported.headcount = 30;
  reported.reported_in_advance = true;
  for (EscalationFacts* e : {&four, &five, &reported}) e->case_facts = WithinLimits();
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {}, {four, five, reported});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Reasons(&rows[0]),
            std::vector<CriticismReason>{CriticismReason::kUnreportedCollectiveEscalation});
  EXPECT_EQ(rows[0].criticisms[0].case_id, "case_2");
  EXPECT_EQ(rows[0].over_level, 0);  // not the unit's fault, criticised all the same
}

TEST(UnitStatsTest, AnOverdueHandlingOpinionIsCriticisedOnTheDayAfterItsDueDate) {
  const D old(2026, 1, 5);
  auto handled = [&](const std::string& id, D due, std::optional<D> met) {
    CaseFacts c = Case("unit_a", old);
    c.case_id = id;
    c.handling = HandlingFacts{old, due, met};
    return c;
  };
  CaseFacts pending = handled("case_pending", D(2026, 3, 10), std::nullopt);
  CaseFacts on_due_day = handled("case_on_time", D(2026, 3, 10), D(2026, 3, 10));
  CaseFacts day_late = handled("case_late", D(2026, 3, 10), D(2026, 3, 11));
  CaseFacts due_before = handled("case_feb", D(2026, 2, 28), std::nullopt);  // overdue 03-01
  CaseFacts due_last = handled("case_last", D(2026, 3, 31), std::nullopt);   // overdue 04-01
  CaseFacts withdrawn_late = handled("case_withdrawn", D(2026, 3, 12), D(2026, 3, 13));
  withdrawn_late.handling->withdrawn = true;
  CaseFacts withdrawn_early = handled("case_left", D(2026, 3, 12), D(2026, 3, 12));
  withdrawn_early.handling->withdrawn = true;
  CaseFacts two_units = handled("case_two", D(2026, 3, 20), std::nullopt);
  two_units.unit_ids = {"unit_a", "unit_b"};
  const std::vector<CaseFacts> cases = {pending,  on_due_day,     day_late,        due_before,
                                        due_last, withdrawn_late, withdrawn_early, two_units};
  // Today is the due date: nothing is overdue yet.
  auto rows = ComputeUnitStats(kFrom, kTo, D(2026, 3, 10), cases, {});
  ASSERT_NE(Row(rows, "unit_a"), nullptr);
  EXPECT_EQ(Reasons(Row(rows, "unit_a")),
            std::vector<CriticismReason>{CriticismReason::kOverdueHandlingOpinion});
  EXPECT_EQ(Row(rows, "unit_a")->criticisms[0].case_id, "case_feb");
  EXPECT_EQ(Row(rows, "unit_a")->criticisms[0].occurred_on, D(2026, 3, 1));
  // From the day after, and to the end of the period.
  rows = ComputeUnitStats(kFrom, kTo, kToday, cases, {});
  std::vector<std::pair<std::string, D>> seen;
  for (const Criticism& c : Row(rows, "unit_a")->criticisms) {
    EXPECT_EQ(c.reason, CriticismReason::kOverdueHandlingOpinion);
    EXPECT_EQ(c.escalation_id, "");
    seen.emplace_back(c.case_id, c.occurred_on);
  }
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, D>>{{"case_feb", D(2026, 3, 1)},
                                                          {"case_late", D(2026, 3, 11)},
                                                          {"case_pending", D(2026, 3, 11)},
                                                          {"case_withdrawn", D(2026, 3, 13)},
                                                          {"case_two", D(2026, 3, 21)}}));
  ASSERT_NE(Row(rows, "unit_b"), nullptr);
  EXPECT_EQ(Row(rows, "unit_b")->criticisms.size(), 1u);
  // The period after holds due_last's.
  rows = ComputeUnitStats(D(2026, 4, 1), D(2026, 4, 30), D(2026, 5, 1), {due_last}, {});
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].criticisms.size(), 1u);
  EXPECT_EQ(rows[0].criticisms[0].occurred_on, D(2026, 4, 1));
}

TEST(UnitStatsTest, OneEscalationMayBeCriticisedForSeveralReasons) {
  OverLevelFacts at_fault = WithinLimits();
  at_fault.acceptance->met_on = D(2026, 3, 17);  // accepted a day late
  EscalationFacts first = Escalation("esc_1", "case_1", "unit_a", D(2026, 3, 18), "COUNTY");
  EscalationFacts second = Escalation("esc_2", "case_1", "unit_a", D(2026, 3, 25), "NATIONAL");
  second.headcount = 12;
  first.case_facts = second.case_facts = at_fault;
  auto rows = ComputeUnitStats(kFrom, kTo, kToday, {}, {first, second});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].over_level, 2);
  EXPECT_EQ(Reasons(&rows[0]),
            (std::vector<CriticismReason>{CriticismReason::kOverLevelToProvinceOrBeijing,
                                          CriticismReason::kRepeatedEscalation,
                                          CriticismReason::kUnreportedCollectiveEscalation}));
}

TEST(UnitStatsTest, EveryCriticismReasonHasItsStableName) {
  EXPECT_EQ(CriticismReasonName(CriticismReason::kOverLevelToProvinceOrBeijing),
            "OVER_LEVEL_TO_PROVINCE_OR_BEIJING");
  EXPECT_EQ(CriticismReasonName(CriticismReason::kRepeatedEscalation), "REPEATED_ESCALATION");
  EXPECT_EQ(CriticismReasonName(CriticismReason::kUnreportedCollectiveEscalation),
            "UNREPORTED_COLLECTIVE_ESCALATION");
  EXPECT_EQ(CriticismReasonName(CriticismReason::kOverdueHandlingOpinion),
            "OVERDUE_HANDLING_OPINION");
}

}  // namespace
}  // namespace petition::supervision
