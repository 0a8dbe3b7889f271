#include "services/scheduling/domain/calendar_year.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/status.h"

namespace petition::scheduling {
namespace {

constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;
constexpr size_t kMaxNameLength = 64;

}  // namespace

absl::StatusOr<std::vector<SpecialDay>> ValidateCalendarYear(
    const v1::PutCalendarRequest& request) {
  std::vector<std::pair<std::string, std::string>> violations;
  if (request.year() < kMinYear || request.year() > kMaxYear) {
    violations.emplace_back("year", absl::StrCat("must be between ", kMinYear, " and ", kMaxYear));
    return InvalidFields(violations);
  }
  std::vector<SpecialDay> days;
  absl::flat_hash_set<absl::CivilDay> seen;
  WorkingCalendar check;  // enforces weekend make-up days and no contradictions
  auto add = [&](const v1::CalendarDate& entry, DayKind kind, const std::string& path) {
    auto day = ParseDate(entry.date());
    if (!day.ok()) {
      violations.emplace_back(path + ".date", "must be a date YYYY-MM-DD");
      return;
    }
    if (day->year() != request.year()) {
      violations.emplace_back(path + ".date", absl::StrCat("is not in ", request.year()));
      return;
    }
    if (entry.name().size() > kMaxNameLength) {
      violations.emplace_back(path + ".name", "is too long");
      return;
    }
    if (!seen.insert(*day).second) {
      violations.emplace_back(path + ".date", "is listed more than once");
      return;
    }
    absl::Status s = kind == DayKind::kHoliday ? check.AddHoliday(*day, entry.name())
                                               : check.AddMakeupWorkday(*day, entry.name());
    if (!s.ok()) {
      violations.emplace_back(path + ".date", std::string(s.message()));
      return;
    }
    days.push_back({*day, kind, entry.name()});
  };
  for (int i = 0; i < request.holidays_size(); ++i) {
    add(request.holidays(i), DayKind::kHoliday, absl::StrCat("holidays[", i, "]"));
  }
  for (int i = 0; i < request.makeup_workdays_size(); ++i) {
    add(request.makeup_workdays(i), DayKind::kMakeupWorkday,
        absl::StrCat("makeupWorkdays[", i, "]"));
  }
  if (!violations.empty()) return InvalidFields(violations);
  return days;
}

absl::Status AddToCalendar(const std::vector<SpecialDay>& days, WorkingCalendar& calendar) {
  for (const SpecialDay& d : days) {
    absl::Status s = d.kind == DayKind::kHoliday ? calendar.AddHoliday(d.day, d.name)
                                                 : calendar.AddMakeupWorkday(d.day, d.name);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace petition::scheduling
