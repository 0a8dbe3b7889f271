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

const absl::CivilDay kDenseBase(2000, 1, 1);

// Days in the bitmap and its Monday-Friday pattern, built once.
const std::vector<uint64_t>& WeekdayBitmap(int64_t days) {
  static const auto* bitmap = [days] {
    auto* words = new std::vector<uint64_t>((days + 63) / 64, 0);
    for (int64_t i = 0; i < days; ++i) {
      if (!IsWeekend(kDenseBase + i)) (*words)[i >> 6] |= uint64_t{1} << (i & 63);
    }
    return words;
  }();
  return *bitmap;
}

// The position of the k-th (1-based) set bit of `bits`, which has at least k.
int SelectBit(uint64_t bits, int k) {
  for (int i = 1; i < k; ++i) bits &= bits - 1;
  return __builtin_ctzll(bits);
}

}  // namespace

WorkingCalendar::WorkingCalendar()
    : working_(WeekdayBitmap(absl::CivilDay(kDenseEndYear, 1, 1) - kDenseBase)) {}

void WorkingCalendar::SetWorking(absl::CivilDay day, bool working) {
  const int64_t i = day - kDenseBase;
  if (i < 0 || (i >> 6) >= static_cast<int64_t>(working_.size())) return;
  if (day.year() >= kDenseEndYear) return;
  const uint64_t bit = uint64_t{1} << (i & 63);
  if (working) {
    working_[i >> 6] |= bit;
  } else {
    working_[i >> 6] &= ~bit;
  }
}

bool WorkingCalendar::IsYearLoadedFast(int year) const {
  if (year >= kDenseFirstYear && year < kDenseEndYear) return dense_loaded_[year - kDenseFirstYear];
  return IsYearLoaded(year);
}

absl::Status WorkingCalendar::AddHoliday(absl::CivilDay day, std::string name) {
  if (makeups_.contains(day)) {
    return absl::InvalidArgumentError(
        absl::StrCat(FormatDate(day), " is both a holiday and a make-up working day"));
  }
  LoadYear(static_cast<int>(day.year()));
  if (!holidays_.emplace(day, std::move(name)).second) {
    return absl::InvalidArgumentError(absl::StrCat(FormatDate(day), " is listed twice"));
  }
  SetWorking(day, false);
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
  SetWorking(day, false);
  return absl::OkStatus();
}

void WorkingCalendar::LoadYear(int year) {
  if (!loaded_years_.insert(year).second) return;
  if (year >= kDenseFirstYear && year < kDenseEndYear) dense_loaded_[year - kDenseFirstYear] = true;
  auto it = estimated_days_.find(year);
  if (it == estimated_days_.end()) return;
  for (absl::CivilDay day : it->second) {
    holidays_.erase(day);
    SetWorking(day, !IsWeekend(day));
  }
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
  SetWorking(day, true);
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
  const int64_t first = (from - kDenseBase) + 1;  // the first day counted
  const int64_t words = static_cast<int64_t>(working_.size());
  if (first < 0 || (first >> 6) >= words) return AddWorkingDaysSlow(from, n);
  int64_t w = first >> 6;
  uint64_t bits = working_[w] & (~uint64_t{0} << (first & 63));
  int remaining = n;
  for (;;) {
    const int count = __builtin_popcountll(bits);
    if (count >= remaining) break;
    remaining -= count;
    if (++w == words) return AddWorkingDaysSlow(from, n);  // past the bitmap
    bits = working_[w];
  }
  WorkingDayResult result;
  result.date = kDenseBase + (w * 64 + SelectBit(bits, remaining));
  const int last_year = static_cast<int>(result.date.year());
  for (int y = static_cast<int>((from + 1).year()); y <= last_year; ++y) {
    if (!IsYearLoadedFast(y)) {
      result.provisional = true;
      break;
    }
  }
  return result;
}

absl::StatusOr<WorkingDayResult> WorkingCalendar::AddWorkingDaysSlow(absl::CivilDay from,
                                                                     int n) const {
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
