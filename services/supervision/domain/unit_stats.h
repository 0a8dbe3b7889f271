// The units' accountability counts (GET /v1/stats/units): every counting
// rule lives here, and only here. A case counts for each of its handling
// units (a case without one counts for none); the period is [from, to],
// days in the township's time zone, both included.
//
// - received: cases registered (received) in the period;
// - concluded: cases concluded (办结) in the period;
// - repeat / collective: cases received in the period that intake flagged
//   as a repeat petition (重复信访) / a collective visit (集体访);
// - overdue and onTimeRate: the HANDLING deadlines that fell due in the
//   period and are settled: answered (met), or still pending with the due
//   date before today. On time: answered on or before the due date;
//   overdue: the others (answered late, or still pending past due). A case
//   withdrawn before its due date counts for neither; withdrawn after it,
//   it was overdue.
//   onTimeRate = on time / settled, unset when none is settled;
// - overLevel: escalations (越级上访) in the period that the unit caused
//   (domain/over_level_fault.h); overLevelNotAtFault: the other escalations
//   in the period (A19: recorded, not the unit's fault). An escalation
//   counts for the unit it names;
// - satisfactionRate: ratings given in the period, SATISFIED or
//   BASICALLY_SATISFIED over all, unset when nobody rated;
// - criticisms (通报批评) [S2], each with its reason, case and day, by day:
//   OVER_LEVEL_TO_PROVINCE_OR_BEIJING: an escalation in the period to the
//     province or Beijing (NATIONAL) that the unit caused;
//   REPEATED_ESCALATION: an escalation in the period of a case escalated
//     before (earlier day, or earlier the same day), whether or not either
//     was the unit's fault;
//   UNREPORTED_COLLECTIVE_ESCALATION: an escalation in the period of at
//     least kCollectiveHeadcount people not reported in advance (事先没有预报),
//     whether or not it was the unit's fault;
//   OVERDUE_HANDLING_OPINION: a HANDLING deadline that went past due unmet:
//     on the day after its due date, when that day is in the period and not
//     after today (answered late, still pending, or withdrawn after it), for
//     each handling unit;
// - complexWithoutHearing: COMPLEX cases answered in the period with no
//   hearing or leadership meeting held on or before the answer's day
//   (complex matters go to one before the decision [S1] [S3]);
// - reviewChanged: the answers of the unit's cases that the body above
//   changed or revoked on review or recheck (复查/复核), counted on the day
//   of the decision (S1/S2: 答复被复查复核改变).
// The veto (一票否决) is not a period's: it is the annual assessment's
// (domain/annual_assessment.h).
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_UNIT_STATS_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_UNIT_STATS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/supervision/domain/over_level_fault.h"

namespace petition::supervision {

// Five or more people about one matter are a collective visit (API.md:
// headcount >= 5 makes collective; A20: they elect at most 5).
inline constexpr int kCollectiveHeadcount = 5;

// A case's HANDLING deadline: opened on acceptance (start), due, and the
// day it was met (answered or concluded; or withdrawn, then `withdrawn`).
struct HandlingFacts {
  absl::CivilDay start;
  absl::CivilDay due;
  std::optional<absl::CivilDay> met_on;
  bool withdrawn = false;
};

struct CaseFacts {
  std::string case_id;
  std::vector<std::string> unit_ids;  // handling units
  absl::CivilDay received_on;
  bool repeat = false;
  bool collective = false;
  std::optional<absl::CivilDay> concluded_on;
  std::string rating;  // SATISFIED, BASICALLY_SATISFIED, DISSATISFIED or ""
  std::optional<absl::CivilDay> rated_on;
  std::optional<HandlingFacts> handling;  // accepted cases
  bool complex = false;                   // accepted as COMPLEX
  std::optional<absl::CivilDay> answered_on;
  // The day of the case's first hearing or leadership meeting.
  std::optional<absl::CivilDay> first_hearing_on;
  // The days the case's answer was changed or revoked on review or recheck.
  std::vector<absl::CivilDay> answer_changed_on;
};

struct EscalationFacts {
  std::string escalation_id;
  std::string case_id;
  std::string unit_id;  // the unit it counts for
  std::string level;    // COUNTY, CITY, PROVINCE or NATIONAL
  absl::CivilDay occurred_on;
  absl::Time recorded_at;  // orders the escalations of one day
  int headcount = 1;
  bool reported_in_advance = false;
  OverLevelFacts case_facts;  // of the escalated case
};

enum class CriticismReason {
  kOverLevelToProvinceOrBeijing,
  kRepeatedEscalation,
  kUnreportedCollectiveEscalation,
  kOverdueHandlingOpinion,
};

// The stable name of a reason (the proto enum's).
std::string_view CriticismReasonName(CriticismReason reason);

// 通报批评: one public criticism of a unit.
struct Criticism {
  CriticismReason reason;
  std::string case_id;
  absl::CivilDay occurred_on;
  std::string escalation_id;  // for the reasons that come from an escalation
};

struct UnitStatsRow {
  std::string unit_id;
  int received = 0;
  int concluded = 0;
  std::optional<double> on_time_rate;
  int overdue = 0;
  int repeat = 0;
  int collective = 0;
  int over_level = 0;
  int over_level_not_at_fault = 0;
  std::optional<double> satisfaction_rate;
  int complex_without_hearing = 0;
  int review_changed = 0;
  // By day, then case, then reason.
  std::vector<Criticism> criticisms;
};

// One row per unit with anything counted in the period, by unit id.
// `today` is the township's day now (a pending deadline is settled as
// overdue only once its due date is before it). `escalations`: those of the
// period and the earlier ones of the same cases (the repeat rule reads
// them); the others are ignored.
std::vector<UnitStatsRow> ComputeUnitStats(absl::CivilDay from, absl::CivilDay to,
                                           absl::CivilDay today,
                                           const std::vector<CaseFacts>& cases,
                                           const std::vector<EscalationFacts>& escalations);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_UNIT_STATS_H_
