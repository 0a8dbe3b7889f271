#include "services/supervision/domain/annual_assessment.h"

#include <cmath>

#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

using D = absl::CivilDay;

const D kAfterTheYear(2027, 2, 1);

// A case of `unit` in 2026 whose HANDLING fell due on 2026-06-30, answered
// on time or a day late.
CaseFacts Handled(const std::string& unit, int n, bool on_time) {
  CaseFacts c;
  c.case_id = "case_" + unit + "_" + std::to_string(n);
  c.unit_ids = {unit};
  c.received_on = D(2026, 5, 1);
  c.handling =
      HandlingFacts{D(2026, 5, 2), D(2026, 6, 30), on_time ? D(2026, 6, 30) : D(2026, 7, 1)};
  return c;
}

CaseFacts Rated(const std::string& unit, int n, const std::string& rating) {
  CaseFacts c;
  c.case_id = "rated_" + unit + "_" + std::to_string(n);
  c.unit_ids = {unit};
  c.received_on = D(2026, 5, 1);
  c.rating = rating;
  c.rated_on = D(2026, 8, 1);
  return c;
}

// An escalation of `unit` in 2026; at fault when its case's HANDLING was
// past due that day.
EscalationFacts Trip(const std::string& unit, int n, bool at_fault, int headcount = 1,
                     bool reported = false) {
  EscalationFacts e;
  e.escalation_id = "esc_" + unit + "_" + std::to_string(n);
  e.case_id = "case_" + e.escalation_id;
  e.unit_id = unit;
  e.level = "COUNTY";
  e.occurred_on = D(2026, 9, 1);
  e.headcount = headcount;
  e.reported_in_advance = reported;
  e.case_facts.handling = DeadlineFacts{at_fault ? D(2026, 8, 31) : D(2026, 9, 1), std::nullopt};
  return e;
}

const UnitAssessment* Unit(const std::vector<UnitAssessment>& all, const std::string& id) {
  for (const auto& u : all) {
    if (u.unit_id == id) return &u;
  }
  return nullptr;
}

TEST(AnnualAssessmentTest, TargetsAreValidatedNamingTheField) {
  EXPECT_TRUE(ValidateAssessmentTargets({2, 0.9, 0.8, true}).ok());
  EXPECT_TRUE(ValidateAssessmentTargets({0, std::nullopt, std::nullopt, false}).ok());
  EXPECT_TRUE(ValidateAssessmentTargets({std::nullopt, 0.0, 1.0, false}).ok());
  EXPECT_TRUE(ValidateAssessmentTargets({std::nullopt, std::nullopt, std::nullopt, true}).ok());
  auto message = [](const AssessmentTargets& t) {
    return std::string(ValidateAssessmentTargets(t).ToString());
  };
  EXPECT_NE(message({-1, std::nullopt, std::nullopt, false}).find("maxOverLevel"),
            std::string::npos);
  EXPECT_NE(message({std::nullopt, 1.0001, std::nullopt, false}).find("minOnTimeRate"),
            std::string::npos);
  EXPECT_NE(message({std::nullopt, -0.1, std::nullopt, false}).find("minOnTimeRate"),
            std::string::npos);
  EXPECT_NE(message({std::nullopt, std::nullopt, std::nan(""), false}).find("minSatisfactionRate"),
            std::string::npos);
  EXPECT_NE(message({}).find("targets"), std::string::npos);
  EXPECT_TRUE(absl::IsInvalidArgument(ValidateAssessmentTargets({})));
}

TEST(AnnualAssessmentTest, AtMostNUnitCausedTripsPassesAtNAndFailsAtNPlusOne) {
  const AssessmentTargets targets{1, std::nullopt, std::nullopt, false};
  // unit_a: one at fault and two not (they do not count); unit_b: two at fault.
  auto all =
      AssessYear(2026, kAfterTheYear, targets, {},
                 {Trip("unit_a", 1, true), Trip("unit_a", 2, false), Trip("unit_a", 3, false),
                  Trip("unit_b", 1, true), Trip("unit_b", 2, true)});
  ASSERT_EQ(all.size(), 2u);
  const UnitAssessment* a = Unit(all, "unit_a");
  ASSERT_EQ(a->targets.size(), 1u);
  EXPECT_EQ(a->targets[0].target, AssessmentTarget::kMaxOverLevel);
  EXPECT_EQ(a->targets[0].limit, 1);
  EXPECT_EQ(a->targets[0].measured, 1);
  EXPECT_TRUE(a->targets[0].passed);
  EXPECT_FALSE(a->veto);
  const UnitAssessment* b = Unit(all, "unit_b");
  EXPECT_EQ(b->targets[0].measured, 2);
  EXPECT_FALSE(b->targets[0].passed);
  EXPECT_TRUE(b->veto);
}

TEST(AnnualAssessmentTest, AMinimumRatePassesAtTheLimitAndFailsJustBelow) {
  const AssessmentTargets targets{std::nullopt, 0.9, std::nullopt, false};
  std::vector<CaseFacts> cases;
  for (int i = 0; i < 10; ++i) cases.push_back(Handled("unit_a", i, i != 0));  // 9 of 10
  for (int i = 0; i < 11; ++i) cases.push_back(Handled("unit_b", i, i > 1));   // 9 of 11
  auto all = AssessYear(2026, kAfterTheYear, targets, cases, {});
  const UnitAssessment* a = Unit(all, "unit_a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->targets[0].target, AssessmentTarget::kMinOnTimeRate);
  EXPECT_DOUBLE_EQ(*a->targets[0].measured, 0.9);
  EXPECT_TRUE(a->targets[0].passed);
  EXPECT_FALSE(a->veto);
  const UnitAssessment* b = Unit(all, "unit_b");
  EXPECT_DOUBLE_EQ(*b->targets[0].measured, 9.0 / 11);
  EXPECT_FALSE(b->targets[0].passed);
  EXPECT_TRUE(b->veto);
}

TEST(AnnualAssessmentTest, SatisfactionCountsBasicallySatisfied) {
  const AssessmentTargets targets{std::nullopt, std::nullopt, 0.5, false};
  auto all = AssessYear(2026, kAfterTheYear, targets,
                        {Rated("unit_a", 1, "BASICALLY_SATISFIED"),
                         Rated("unit_a", 2, "DISSATISFIED"), Rated("unit_b", 1, "SATISFIED"),
                         Rated("unit_b", 2, "DISSATISFIED"), Rated("unit_b", 3, "DISSATISFIED")},
                        {});
  EXPECT_TRUE(Unit(all, "unit_a")->targets[0].passed);  // 1/2 = the limit
  EXPECT_FALSE(Unit(all, "unit_b")->targets[0].passed);
  EXPECT_TRUE(Unit(all, "unit_b")->veto);
}

TEST(AnnualAssessmentTest, ARateWithNothingToMeasurePasses) {
  const AssessmentTargets targets{std::nullopt, 1.0, 1.0, false};
  CaseFacts received_only;
  received_only.case_id = "case_1";
  received_only.unit_ids = {"unit_a"};
  received_only.received_on = D(2026, 3, 1);
  auto all = AssessYear(2026, kAfterTheYear, targets, {received_only}, {});
  ASSERT_EQ(all.size(), 1u);
  ASSERT_EQ(all[0].targets.size(), 2u);
  for (const TargetResult& t : all[0].targets) {
    EXPECT_FALSE(t.measured.has_value());
    EXPECT_TRUE(t.passed);
  }
  EXPECT_FALSE(all[0].veto);
}

TEST(AnnualAssessmentTest, AnyUnreportedCollectiveTripFailsItsTarget) {
  const AssessmentTargets targets{std::nullopt, std::nullopt, std::nullopt, true};
  auto all = AssessYear(2026, kAfterTheYear, targets, {},
                        {Trip("unit_a", 1, false, 5, true), Trip("unit_a", 2, false, 4, false),
                         Trip("unit_b", 1, false, 5, false)});
  const UnitAssessment* a = Unit(all, "unit_a");
  EXPECT_EQ(a->targets[0].target, AssessmentTarget::kNoUnreportedCollective);
  EXPECT_EQ(a->targets[0].limit, 0);
  EXPECT_EQ(a->targets[0].measured, 0);
  EXPECT_TRUE(a->targets[0].passed);
  const UnitAssessment* b = Unit(all, "unit_b");
  EXPECT_EQ(b->targets[0].measured, 1);  // not the unit's fault, but not reported
  EXPECT_FALSE(b->targets[0].passed);
  EXPECT_TRUE(b->veto);
}

TEST(AnnualAssessmentTest, OnlyTheYearCountsFromItsFirstToItsLastDay) {
  const AssessmentTargets targets{0, std::nullopt, std::nullopt, false};
  EscalationFacts new_year = Trip("unit_a", 1, true);
  new_year.occurred_on = D(2026, 1, 1);
  new_year.case_facts.handling->due = D(2025, 12, 31);
  EscalationFacts new_years_eve = Trip("unit_b", 1, true);
  new_years_eve.occurred_on = D(2026, 12, 31);
  EscalationFacts year_before = Trip("unit_c", 1, true);
  year_before.occurred_on = D(2025, 12, 31);
  year_before.case_facts.handling->due = D(2025, 12, 30);
  EscalationFacts year_after = Trip("unit_d", 1, true);
  year_after.occurred_on = D(2027, 1, 1);
  auto all = AssessYear(2026, kAfterTheYear, targets, {},
                        {new_year, new_years_eve, year_before, year_after});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(Unit(all, "unit_a")->veto);
  EXPECT_TRUE(Unit(all, "unit_b")->veto);
  EXPECT_EQ(FirstDayOf(2026), D(2026, 1, 1));
  EXPECT_EQ(LastDayOf(2026), D(2026, 12, 31));
}

TEST(AnnualAssessmentTest, EveryTargetSetIsListedInOrderAndAnyFailureVetoes) {
  const AssessmentTargets targets{5, 0.5, 0.5, true};
  auto all = AssessYear(2026, kAfterTheYear, targets,
                        {Handled("unit_a", 1, true), Rated("unit_a", 1, "SATISFIED")},
                        {Trip("unit_a", 1, true, 8, false)});
  ASSERT_EQ(all.size(), 1u);
  ASSERT_EQ(all[0].targets.size(), 4u);
  EXPECT_EQ(all[0].targets[0].target, AssessmentTarget::kMaxOverLevel);
  EXPECT_EQ(all[0].targets[1].target, AssessmentTarget::kMinOnTimeRate);
  EXPECT_EQ(all[0].targets[2].target, AssessmentTarget::kMinSatisfactionRate);
  EXPECT_EQ(all[0].targets[3].target, AssessmentTarget::kNoUnreportedCollective);
  EXPECT_TRUE(all[0].targets[0].passed);
  EXPECT_TRUE(all[0].targets[1].passed);
  EXPECT_TRUE(all[0].targets[2].passed);
  EXPECT_FALSE(all[0].targets[3].passed);
  EXPECT_TRUE(all[0].veto);
  EXPECT_EQ(AssessmentTargetName(AssessmentTarget::kMaxOverLevel), "MAX_OVER_LEVEL");
  EXPECT_EQ(AssessmentTargetName(AssessmentTarget::kMinOnTimeRate), "MIN_ON_TIME_RATE");
  EXPECT_EQ(AssessmentTargetName(AssessmentTarget::kMinSatisfactionRate), "MIN_SATISFACTION_RATE");
  EXPECT_EQ(AssessmentTargetName(AssessmentTarget::kNoUnreportedCollective),
            "NO_UNREPORTED_COLLECTIVE");
}

}  // namespace
}  // namespace petition::supervision
