// 回避 ([S2], 信访工作条例 A28): an official with a direct interest in a case
// or its petitioner must not receive it. Who receives a case on a day:
// - the official on duty in the unit's session that day who is not recused
//   (the first in the session's order, for a joint reception);
// - else the next official of the rotation after that session's turn who is
//   neither recused nor absent that day (substituted out);
// - else FAILED_PRECONDITION saying why (no session that day; everyone
//   recused or absent).
// On duty at an instant: the session's day and part of the day cover it in
// the unit's time zone; by default morning 08:30-12:00 and afternoon
// 14:30-17:30, Asia/Shanghai, configurable per unit.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_RECUSAL_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_RECUSAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/scheduling/domain/reception_plan.h"

namespace petition::scheduling {

// Times of day, as offsets from midnight in `time_zone`; half-open intervals.
struct DutyHours {
  std::string time_zone = "Asia/Shanghai";
  absl::Duration morning_start = absl::Hours(8) + absl::Minutes(30);
  absl::Duration morning_end = absl::Hours(12);
  absl::Duration afternoon_start = absl::Hours(14) + absl::Minutes(30);
  absl::Duration afternoon_end = absl::Hours(17) + absl::Minutes(30);
};

// INVALID_ARGUMENT by field (timeZone, morningStart, ...) unless each
// interval is non-empty, within the day, and the morning ends no later than
// the afternoon starts.
absl::Status ValidateDutyHours(const DutyHours& hours);

struct DutyTime {
  absl::CivilDay day;
  PartOfDay half = PartOfDay::kMorning;  // kMorning or kAfternoon
};

// The day and half-day an instant falls in, or nullopt outside duty hours.
// INVALID_ARGUMENT when the time zone is unknown.
absl::StatusOr<std::optional<DutyTime>> DutyTimeAt(absl::Time at, const DutyHours& hours);

// Whether `session` (FULL_DAY covers both halves) is on duty at `t`.
bool OnDuty(const Session& session, const DutyTime& t);

// The unit's session on a day, as the rosters show it.
struct DaySession {
  int64_t index = 0;                   // its turn (reception_plan.h)
  std::vector<std::string> receiving;  // after substitutions, in order
  std::vector<std::string> absent;     // substituted out that day
};

// The official who receives the case (see above). `session` is nullopt when
// the unit holds no session that day.
absl::StatusOr<std::string> Assignee(const std::optional<DaySession>& session,
                                     const std::vector<std::string>& rotation,
                                     int leaders_per_session,
                                     const absl::flat_hash_set<std::string>& recused);

// Who may decide on a case ([S2] 回避, A28; [S1] 实岗副科级): the receiving
// leader named when the case is accepted, or a leader approving its
// handling opinion.
enum class CaseDecision { kReceive, kApprove, kReviewReport };

// Why `official` may not take `decision` on a case, or nullopt when it may:
// - recused from the case (`recusal_reason` set, possibly empty): never;
// - receiving, for a TOWNSHIP unit (a township-level reception: the
//   official's own unit is the township), below DEPUTY_SECTION_CHIEF: the
//   rank rule of reception plans (reception_plan.h IneligibleReason);
// - approving: only recusal;
// - reviewing a county case's report (S2 §6): the principal leader (主要领导)
//   a TOWNSHIP unit names (`township_principal`), no one else.
std::optional<std::string> DeciderIneligibleReason(const Official& official, UnitKind unit_kind,
                                                   CaseDecision decision,
                                                   const std::optional<std::string>& recusal_reason,
                                                   bool township_principal = false);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_RECUSAL_H_
