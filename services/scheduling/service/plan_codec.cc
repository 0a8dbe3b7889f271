#include "services/scheduling/service/plan_codec.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/dates.h"

namespace petition::scheduling {
namespace {

absl::optional<absl::Weekday> ToWeekday(v1::DayOfWeek d) {
  switch (d) {
    case v1::MONDAY:
      return absl::Weekday::monday;
    case v1::TUESDAY:
      return absl::Weekday::tuesday;
    case v1::WEDNESDAY:
      return absl::Weekday::wednesday;
    case v1::THURSDAY:
      return absl::Weekday::thursday;
    case v1::FRIDAY:
      return absl::Weekday::friday;
    case v1::SATURDAY:
      return absl::Weekday::saturday;
    case v1::SUNDAY:
      return absl::Weekday::sunday;
    default:
      return absl::nullopt;
  }
}

}  // namespace

PartOfDay ToDomain(v1::PartOfDay part) {
  switch (part) {
    case v1::MORNING:
      return PartOfDay::kMorning;
    case v1::AFTERNOON:
      return PartOfDay::kAfternoon;
    default:
      return PartOfDay::kFullDay;
  }
}

HolidayPolicy ToDomain(v1::HolidayPolicy policy) {
  switch (policy) {
    case v1::ADVANCE:
      return HolidayPolicy::kAdvance;
    case v1::SKIP:
      return HolidayPolicy::kSkip;
    default:
      return HolidayPolicy::kPostpone;
  }
}

std::optional<ReceptionPlan> ToDomain(const v1::ReceptionPlan& p,
                                      std::vector<std::pair<std::string, std::string>>* v) {
  ReceptionPlan plan;
  for (int i = 0; i < p.recurrence().weekly().weekdays_size(); ++i) {
    auto w = ToWeekday(p.recurrence().weekly().weekdays(i));
    if (!w.has_value()) {
      v->emplace_back(absl::StrCat("recurrence.weekly.weekdays[", i, "]"),
                      "must be MONDAY to SUNDAY");
      continue;
    }
    plan.recurrence.weekdays.push_back(*w);
  }
  for (int day : p.recurrence().monthly().days()) plan.recurrence.days_of_month.push_back(day);
  if (!v1::PartOfDay_IsValid(p.part())) {
    v->emplace_back("part", "must be FULL_DAY, MORNING or AFTERNOON");
  }
  plan.part = ToDomain(p.part());
  if (!v1::HolidayPolicy_IsValid(p.holiday_policy())) {
    v->emplace_back("holidayPolicy", "must be POSTPONE, ADVANCE or SKIP");
  }
  plan.holiday_policy = ToDomain(p.holiday_policy());
  auto start = ParseDate(p.start_date());
  if (!start.ok()) {
    v->emplace_back("startDate", "must be a date YYYY-MM-DD");
  } else {
    plan.start_date = *start;
  }
  if (!p.end_date().empty()) {
    auto end = ParseDate(p.end_date());
    if (!end.ok()) {
      v->emplace_back("endDate", "must be a date YYYY-MM-DD");
    } else {
      plan.end_date = *end;
    }
  }
  plan.rotation.assign(p.rotation().begin(), p.rotation().end());
  plan.leaders_per_session = p.leaders_per_session() == 0 ? 1 : p.leaders_per_session();
  if (!v->empty()) return std::nullopt;
  return plan;
}

}  // namespace petition::scheduling
