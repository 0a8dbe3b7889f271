#include "common/working_calendar.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"

namespace petition {
namespace {

bool IsWeekend(absl::CivilDay day) {
  absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

constexpr int kMaxWorkingDays = 3660;

}  // namespace

absl::Status WorkingCalendar::AddHoliday(absl::CivilDay day, std::string name) {
  if (makeups_.contains(day)) {
    return absl::InvalidArgumentError(
        absl::StrCat(FormatDate(day), " is both a holiday and a make-up working day"));
  }
  LoadYear(static_cast<int>(day.year()));
  if (!holidays_.emplace(day, std::move(name)).second) {
    return absl::InvalidArgumentError(absl::StrCat(FormatDate(day), " is listed twice"));
  }
  return absl::OkStatus();
}

absl::Status WorkingCalendar::AddEstimatedHoliday(absl::CivilDay day, std::string name) {
  const int year = static_cast<int>(day.year());
  if (IsYearLoaded(year)) {
    return absl::FailedPreconditionError(
        absl::StrCat(year, " is loaded; its holidays are not estimated"));
  }
  if (!holidays_.emplace(day, std::move(name)).second) {
    return absl::InvalidArgumentError(absl::StrCat(FormatDate(day), " is listed twice"));
  }
  estimated_days_[year].push_back(day);
  return absl::OkStatus();
}

void WorkingCalendar::LoadYear(int year) {
  if (!loaded_years_.insert(year).second) return;
  auto it = estimated_days_.find(year);
  if (it == estimated_days_.end()) return;
  for (absl::CivilDay day : it->second) holidays_.erase(day);
  estimated_days_.erase(it);
}

absl::Status WorkingCalendar::AddMakeupWorkday(absl::CivilDay day, std::string name) {
  if (!IsWeekend(day)) {
    return absl::InvalidArgumentError(absl::StrCat(
        FormatDate(day), " is a weekday; only a weekend day can be a make-up working day"));
  }
  LoadYear(static_cast<int>(day.year()));  // an estimated holiday gives way
  if (holidays_.contains(day)) {
    return absl::InvalidArgumentError(
        absl::StrCat(FormatDate(day), " is both a holiday and a make-up working day"));
  }
  if (!makeups_.emplace(day, std::move(name)).second) {
    return absl::InvalidArgumentError(absl::StrCat(FormatDate(day), " is listed twice"));
  }
  return absl::OkStatus();
}

void WorkingCalendar::MarkYearLoaded(int year) { LoadYear(year); }

DayInfo WorkingCalendar::Classify(absl::CivilDay day) const {
  DayInfo info;
  const int year = static_cast<int>(day.year());
  info.provisional = !IsYearLoaded(year);
  info.estimated = info.provisional && IsYearEstimated(year);
  if (auto it = holidays_.find(day); it != holidays_.end()) {
    info.kind = DayKind::kHoliday;
    info.name = it->second;
    info.working = false;
  } else if (auto mk = makeups_.find(day); mk != makeups_.end()) {
    info.kind = DayKind::kMakeupWorkday;
    info.name = mk->second;
    info.working = true;
  } else if (IsWeekend(day)) {
    info.kind = DayKind::kWeekend;
    info.working = false;
  } else {
    info.kind = DayKind::kWeekday;
    info.working = true;
  }
  return info;
}

absl::StatusOr<WorkingDayResult> WorkingCalendar::AddWorkingDays(absl::CivilDay from, int n) const {
  if (n < 1 || n > kMaxWorkingDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("days must be between 1 and ", kMaxWorkingDays, ", got ", n));
  }
  WorkingDayResult result;
  absl::CivilDay day = from;
  int counted = 0;
  while (counted < n) {
    ++day;
    DayInfo info = Classify(day);
    result.provisional |= info.provisional;
    if (info.working) ++counted;
  }
  result.date = day;
  return result;
}

WorkingDayResult WorkingCalendar::NextWorkingDayOnOrAfter(absl::CivilDay day) const {
  WorkingDayResult result;
  for (;; ++day) {
    DayInfo info = Classify(day);
    result.provisional |= info.provisional;
    if (info.working) break;
  }
  result.date = day;
  return result;
}

}  // namespace petition
