#include "services/scheduling/domain/reception_plan.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace petition::scheduling {
namespace {

absl::CivilDay LastDayOfMonth(absl::CivilMonth month) { return absl::CivilDay(month + 1) - 1; }

// Half-days of reception a weekly plan gives every week.
int HalfDaysPerWeek(const ReceptionPlan& plan) {
  if (plan.recurrence.weekdays.empty()) return 0;  // monthly: not every week
  absl::flat_hash_set<absl::Weekday> days(plan.recurrence.weekdays.begin(),
                                          plan.recurrence.weekdays.end());
  int per_day = plan.part == PartOfDay::kFullDay ? 2 : 1;
  return static_cast<int>(days.size()) * per_day;
}

}  // namespace

std::optional<std::string> IneligibleReason(const Official& official, const std::string& unit_id,
                                            UnitKind unit_kind) {
  if (official.unit_id != unit_id) return "is not an official of this unit";
  if (unit_kind == UnitKind::kTownship && !IsDeputySectionChiefOrAbove(official.rank)) {
    return "rank rule: township-level receptions are held by officials of rank "
           "DEPUTY_SECTION_CHIEF or above";
  }
  return std::nullopt;
}

absl::Status ValidateReceptionPlan(const ReceptionPlan& plan, const std::string& unit_id,
                                   UnitKind unit_kind,
                                   const absl::flat_hash_map<std::string, Official>& directory) {
  std::vector<std::pair<std::string, std::string>> v;
  const Recurrence& r = plan.recurrence;
  const bool weekly = !r.weekdays.empty();
  const bool monthly = !r.days_of_month.empty();
  if (weekly == monthly) {
    v.emplace_back("recurrence", "must be either weekly on weekdays or monthly on days");
  }
  {
    absl::flat_hash_set<absl::Weekday> seen;
    for (size_t i = 0; i < r.weekdays.size(); ++i) {
      if (!seen.insert(r.weekdays[i]).second) {
        v.emplace_back(absl::StrCat("recurrence.weekly.weekdays[", i, "]"),
                       "is listed more than once");
      }
    }
  }
  {
    absl::flat_hash_set<int> seen;
    for (size_t i = 0; i < r.days_of_month.size(); ++i) {
      const std::string field = absl::StrCat("recurrence.monthly.days[", i, "]");
      if (r.days_of_month[i] < 1 || r.days_of_month[i] > 31) {
        v.emplace_back(field, "must be a day of the month, 1 to 31");
      } else if (!seen.insert(r.days_of_month[i]).second) {
        v.emplace_back(field, "is listed more than once");
      }
    }
  }
  if (plan.end_date.has_value() && *plan.end_date < plan.start_date) {
    v.emplace_back("endDate", "must not be before startDate");
  }
  if (plan.rotation.empty()) {
    v.emplace_back("rotation", "must name at least one official");
  }
  if (plan.leaders_per_session < 1 ||
      static_cast<size_t>(plan.leaders_per_session) > std::max<size_t>(plan.rotation.size(), 1)) {
    v.emplace_back("leadersPerSession",
                   "must be between 1 and the number of officials in the rotation");
  }
  absl::flat_hash_set<std::string> seen_officials;
  for (size_t i = 0; i < plan.rotation.size(); ++i) {
    const std::string field = absl::StrCat("rotation[", i, "]");
    if (!seen_officials.insert(plan.rotation[i]).second) {
      v.emplace_back(field, "is listed more than once");
      continue;
    }
    auto it = directory.find(plan.rotation[i]);
    if (it == directory.end()) {
      v.emplace_back(field, "is not an official of this unit");
    } else if (auto why = IneligibleReason(it->second, unit_id, unit_kind); why.has_value()) {
      v.emplace_back(field, *why);
    }
  }
  if (weekly != monthly) {  // the weekly minimums, on a plan of valid shape
    if (unit_kind == UnitKind::kDepartment && HalfDaysPerWeek(plan) < 1) {
      v.emplace_back("recurrence",
                     "weekly minimum: a department receives at least half a working day every "
                     "week, so its plan must be weekly");
    } else if (unit_kind == UnitKind::kVillage && !weekly) {
      v.emplace_back("recurrence",
                     "weekly minimum: a village receives at least one full working day every "
                     "week, so its plan must be weekly");
    } else if (unit_kind == UnitKind::kVillage && plan.part != PartOfDay::kFullDay) {
      v.emplace_back("part",
                     "weekly minimum: a village receives at least one full working day every "
                     "week, so its plan must be FULL_DAY");
    }
  }
  if (!v.empty()) return InvalidFields(v);
  return absl::OkStatus();
}

std::vector<absl::CivilDay> PlannedDays(const ReceptionPlan& plan, absl::CivilDay from,
                                        absl::CivilDay to) {
  std::vector<absl::CivilDay> out;
  absl::CivilDay lo = std::max(from, plan.start_date);
  absl::CivilDay hi = plan.end_date.has_value() ? std::min(to, *plan.end_date) : to;
  if (hi < lo) return out;
  const Recurrence& r = plan.recurrence;
  if (!r.weekdays.empty()) {
    bool on[7] = {};
    for (absl::Weekday w : r.weekdays) on[static_cast<int>(w)] = true;
    int w = static_cast<int>(absl::GetWeekday(lo));
    for (absl::CivilDay d = lo; d <= hi; ++d) {
      if (on[w]) out.push_back(d);
      w = w == 6 ? 0 : w + 1;
    }
    return out;
  }
  std::vector<int> days = r.days_of_month;
  std::sort(days.begin(), days.end());
  for (absl::CivilMonth m(lo); m <= absl::CivilMonth(hi); ++m) {
    const absl::CivilDay last = LastDayOfMonth(m);
    for (int day : days) {
      if (day < 1 || day > 31) continue;
      absl::CivilDay d = std::min(absl::CivilDay(m) + (day - 1), last);
      if (d < lo || d > hi) continue;
      if (out.empty() || out.back() != d) out.push_back(d);
    }
  }
  return out;
}

absl::StatusOr<std::vector<Session>> ExpandPlan(const ReceptionPlan& plan,
                                                const WorkingCalendar& calendar,
                                                absl::CivilDay from, absl::CivilDay to) {
  if (to < from) return InvalidField("to", "must not be before from");
  // Sessions are numbered from the plan's start; planned days up to
  // kMaxShiftDays after `to` may be advanced into the range.
  std::vector<ShiftedDay> shifted = ShiftAndMerge(
      PlannedDays(plan, plan.start_date, to + kMaxShiftDays), plan.holiday_policy, calendar);
  std::vector<Session> out;
  for (size_t i = 0; i < shifted.size(); ++i) {
    ShiftedDay& s = shifted[i];
    if (s.date < from || s.date > to) continue;
    out.push_back(Session{static_cast<int64_t>(i), s.date, std::move(s.planned_dates), plan.part,
                          s.provisional});
  }
  return out;
}

}  // namespace petition::scheduling
