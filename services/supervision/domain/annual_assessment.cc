#include "services/supervision/domain/annual_assessment.h"

#include <cmath>
#include <utility>

#include "common/status.h"

namespace petition::supervision {
namespace {

constexpr double kRateMargin = 1e-9;
constexpr int kMaxOverLevelLimit = 100000;

bool ValidRate(const std::optional<double>& rate) {
  return !rate.has_value() || (std::isfinite(*rate) && *rate >= 0 && *rate <= 1);
}

TargetResult AtMost(AssessmentTarget target, int limit, int measured) {
  return {target, static_cast<double>(limit), static_cast<double>(measured), measured <= limit};
}

TargetResult AtLeast(AssessmentTarget target, double limit, std::optional<double> measured) {
  return {target, limit, measured, !measured.has_value() || *measured + kRateMargin >= limit};
}

}  // namespace

absl::Status ValidateAssessmentTargets(const AssessmentTargets& targets) {
  std::vector<std::pair<std::string, std::string>> violations;
  if (targets.max_over_level.has_value() &&
      (*targets.max_over_level < 0 || *targets.max_over_level > kMaxOverLevelLimit)) {
    violations.emplace_back("maxOverLevel", "must be 0..100000");
  }
  if (!ValidRate(targets.min_on_time_rate)) {
    violations.emplace_back("minOnTimeRate", "must be a rate 0..1");
  }
  if (!ValidRate(targets.min_satisfaction_rate)) {
    violations.emplace_back("minSatisfactionRate", "must be a rate 0..1");
  }
  if (!targets.max_over_level.has_value() && !targets.min_on_time_rate.has_value() &&
      !targets.min_satisfaction_rate.has_value() && !targets.no_unreported_collective) {
    violations.emplace_back("targets",
                            "set at least one of maxOverLevel, minOnTimeRate, "
                            "minSatisfactionRate, noUnreportedCollective");
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidFields(violations);
}

std::string_view AssessmentTargetName(AssessmentTarget target) {
  switch (target) {
    case AssessmentTarget::kMaxOverLevel:
      return "MAX_OVER_LEVEL";
    case AssessmentTarget::kMinOnTimeRate:
      return "MIN_ON_TIME_RATE";
    case AssessmentTarget::kMinSatisfactionRate:
      return "MIN_SATISFACTION_RATE";
    case AssessmentTarget::kNoUnreportedCollective:
      return "NO_UNREPORTED_COLLECTIVE";
  }
  return "";
}

absl::CivilDay FirstDayOf(int year) { return absl::CivilDay(year, 1, 1); }
absl::CivilDay LastDayOf(int year) { return absl::CivilDay(year, 12, 31); }

std::vector<UnitAssessment> AssessYear(int year, absl::CivilDay today,
                                       const AssessmentTargets& targets,
                                       const std::vector<CaseFacts>& cases,
                                       const std::vector<EscalationFacts>& escalations) {
  std::vector<UnitAssessment> out;
  for (const UnitStatsRow& row :
       ComputeUnitStats(FirstDayOf(year), LastDayOf(year), today, cases, escalations)) {
    UnitAssessment unit;
    unit.unit_id = row.unit_id;
    if (targets.max_over_level.has_value()) {
      unit.targets.push_back(
          AtMost(AssessmentTarget::kMaxOverLevel, *targets.max_over_level, row.over_level));
    }
    if (targets.min_on_time_rate.has_value()) {
      unit.targets.push_back(
          AtLeast(AssessmentTarget::kMinOnTimeRate, *targets.min_on_time_rate, row.on_time_rate));
    }
    if (targets.min_satisfaction_rate.has_value()) {
      unit.targets.push_back(AtLeast(AssessmentTarget::kMinSatisfactionRate,
                                     *targets.min_satisfaction_rate, row.satisfaction_rate));
    }
    if (targets.no_unreported_collective) {
      int unreported = 0;
      for (const Criticism& c : row.criticisms) {
        if (c.reason == CriticismReason::kUnreportedCollectiveEscalation) ++unreported;
      }
      unit.targets.push_back(AtMost(AssessmentTarget::kNoUnreportedCollective, 0, unreported));
    }
    for (const TargetResult& t : unit.targets) unit.veto = unit.veto || !t.passed;
    out.push_back(std::move(unit));
  }
  return out;
}

}  // namespace petition::supervision
