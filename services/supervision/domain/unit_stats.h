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
// - overLevel: escalations (越级上访) that occurred in the period and count
//   as 越级 by A19 (IsOverLevel);
// - satisfactionRate: ratings given in the period, SATISFIED or
//   BASICALLY_SATISFIED over all, unset when nobody rated;
// - veto (一票否决): an over-level escalation in the period that was
//   collective (headcount at least kCollectiveHeadcount) and not reported
//   in advance (事先没有预报);
// - complexWithoutHearing: COMPLEX cases answered in the period with no
//   hearing or leadership meeting held on or before the answer's day
//   (complex matters go to one before the decision [S1] [S3]).
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_UNIT_STATS_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_UNIT_STATS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"

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
};

struct EscalationFacts {
  std::string unit_id;
  absl::CivilDay occurred_on;
  int headcount = 1;
  bool reported_in_advance = false;
  std::optional<HandlingFacts> handling;  // of the escalated case
};

// 越级 for the statistics (信访工作条例 A19): the petitioner went to a higher
// body while the matter was accepted and within its limit: accepted on or
// before that day, not answered before it, and not past its due date.
bool IsOverLevel(absl::CivilDay occurred_on, const std::optional<HandlingFacts>& handling);

struct UnitStatsRow {
  std::string unit_id;
  int received = 0;
  int concluded = 0;
  std::optional<double> on_time_rate;
  int overdue = 0;
  int repeat = 0;
  int collective = 0;
  int over_level = 0;
  std::optional<double> satisfaction_rate;
  bool veto = false;
  int complex_without_hearing = 0;
};

// One row per unit with anything counted in the period, by unit id.
// `today` is the township's day now (a pending deadline is settled as
// overdue only once its due date is before it).
std::vector<UnitStatsRow> ComputeUnitStats(absl::CivilDay from, absl::CivilDay to,
                                           absl::CivilDay today,
                                           const std::vector<CaseFacts>& cases,
                                           const std::vector<EscalationFacts>& escalations);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_UNIT_STATS_H_
