// The annual target assessment (年度信访工作目标考核) [S2]: the township sets
// targets for a year; each unit is measured against them over that year
// (1 January to 31 December, days in the township's time zone, with the
// counting rules of the period statistics, domain/unit_stats.h), and a unit
// that fails any target is vetoed for that year's awards (一票否决). The rule
// books name the veto, not the targets: the targets are configuration.
//
// Targets (each optional; a year has at least one):
// - MAX_OVER_LEVEL: at most N over-level trips the unit caused (overLevel);
//   passed when measured <= N;
// - MIN_ON_TIME_RATE: the year's onTimeRate is at least the limit (0..1);
// - MIN_SATISFACTION_RATE: the year's satisfactionRate is at least the
//   limit (0..1);
// - NO_UNREPORTED_COLLECTIVE: no collective trip upward that was not
//   reported in advance (the UNREPORTED_COLLECTIVE_ESCALATION criticisms);
//   limit 0, passed when measured is 0.
// A rate that cannot be measured (nothing of the unit fell due, nobody
// rated) has no measured value and passes: there was nothing to fail. A
// rate equal to its limit passes (compared with a margin of 1e-9 for the
// rounding of the division).
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_ANNUAL_ASSESSMENT_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_ANNUAL_ASSESSMENT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/supervision/domain/unit_stats.h"

namespace petition::supervision {

struct AssessmentTargets {
  std::optional<int> max_over_level;
  std::optional<double> min_on_time_rate;
  std::optional<double> min_satisfaction_rate;
  bool no_unreported_collective = false;
};

// INVALID_ARGUMENT naming the field: maxOverLevel below 0 or above 100000,
// a rate outside 0..1 (or not a number), no target at all ("targets").
absl::Status ValidateAssessmentTargets(const AssessmentTargets& targets);

enum class AssessmentTarget {
  kMaxOverLevel,
  kMinOnTimeRate,
  kMinSatisfactionRate,
  kNoUnreportedCollective,
};

// The stable name of a target (the proto enum's).
std::string_view AssessmentTargetName(AssessmentTarget target);

struct TargetResult {
  AssessmentTarget target;
  double limit = 0;
  std::optional<double> measured;
  bool passed = false;
};

struct UnitAssessment {
  std::string unit_id;
  std::vector<TargetResult> targets;  // in the order of the enum, those set
  bool veto = false;                  // any target failed
};

// The first and last day of `year`.
absl::CivilDay FirstDayOf(int year);
absl::CivilDay LastDayOf(int year);

// The assessment of `year` for every unit with anything counted in it, by
// unit id: the year's statistics (ComputeUnitStats over the year, `today`
// the township's day now, the facts as it takes them) measured against
// `targets`.
std::vector<UnitAssessment> AssessYear(int year, absl::CivilDay today,
                                       const AssessmentTargets& targets,
                                       const std::vector<CaseFacts>& cases,
                                       const std::vector<EscalationFacts>& escalations);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_ANNUAL_ASSESSMENT_H_
