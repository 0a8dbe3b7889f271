// Reception plans (接待日) and the rules they obey:
// - recurrence: weekly on given weekdays, or monthly on given days of the
//   month (the 15th and 25th of [S3]); a day past the month's end (29-31)
//   means the month's last day, so every month keeps its reception; two
//   days that fall on one such last day are one planned day;
// - a part of the day: FULL_DAY, MORNING or AFTERNOON;
// - planned days come from startDate to endDate (inclusive; none: open) and
//   are shifted by the plan's holiday policy (holiday_shift.h): a session may
//   therefore lie a few days outside those dates;
// - sessions are numbered from the plan's start (the rotation's turn,
//   rotation.h): a skipped day or a merge takes no turn;
// - who may be planned and how often ([S1]): a township-level plan only
//   officials of rank DEPUTY_SECTION_CHIEF or above; a department's plan at
//   least half a working day every week; a village's at least one full working
//   day every week (both weekly, so monthly plans do not satisfy them).
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_RECEPTION_PLAN_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_RECEPTION_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/working_calendar.h"
#include "services/scheduling/domain/directory.h"
#include "services/scheduling/domain/holiday_shift.h"

namespace petition::scheduling {

enum class PartOfDay { kFullDay, kMorning, kAfternoon };

struct Recurrence {
  // Exactly one of the two is set.
  std::vector<absl::Weekday> weekdays;  // weekly
  std::vector<int> days_of_month;       // monthly, 1-31
};

struct ReceptionPlan {
  Recurrence recurrence;
  PartOfDay part = PartOfDay::kFullDay;
  HolidayPolicy holiday_policy = HolidayPolicy::kPostpone;
  absl::CivilDay start_date;
  std::optional<absl::CivilDay> end_date;  // inclusive
  std::vector<std::string> rotation;       // official ids, in turn order
  int leaders_per_session = 1;             // > 1: joint reception (联合接访)
};

struct Session {
  int64_t index = 0;  // sessions of the plan before this one, from its start
  absl::CivilDay date;
  std::vector<absl::CivilDay> planned_dates;  // ascending; > 1 when merged
  PartOfDay part = PartOfDay::kFullDay;
  bool provisional = false;  // a year without a loaded calendar decided it
};

// Why `official` may not receive for the unit (not of the unit; below the
// township's rank rule), or nullopt when eligible.
std::optional<std::string> IneligibleReason(const Official& official, const std::string& unit_id,
                                            UnitKind unit_kind);

// The plan's shape, then the rules of its unit; INVALID_ARGUMENT lists every
// violation by field (recurrence.weekly.weekdays[1], rotation[0], ...), the
// reason naming the rule. `directory` holds the unit's officials by id.
absl::Status ValidateReceptionPlan(const ReceptionPlan& plan, const std::string& unit_id,
                                   UnitKind unit_kind,
                                   const absl::flat_hash_map<std::string, Official>& directory);

// The planned days (before any shift) in [from, to] within the plan's dates,
// ascending.
std::vector<absl::CivilDay> PlannedDays(const ReceptionPlan& plan, absl::CivilDay from,
                                        absl::CivilDay to);

// The sessions dated in [from, to] (INVALID_ARGUMENT when to < from), by date.
absl::StatusOr<std::vector<Session>> ExpandPlan(const ReceptionPlan& plan,
                                                const WorkingCalendar& calendar,
                                                absl::CivilDay from, absl::CivilDay to);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_RECEPTION_PLAN_H_
