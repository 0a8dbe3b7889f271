#include "services/scheduling/domain/working_day_query.h"

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/status.h"

namespace petition::scheduling {

absl::StatusOr<WorkingDayResult> AddWorkingDaysQuery(const WorkingCalendar& calendar,
                                                     std::string_view from, int64_t days) {
  auto start = ParseDate(from);
  if (!start.ok()) return InvalidField("from", "must be a date YYYY-MM-DD");
  if (days < 1 || days > kMaxWorkingDaysAsked) {
    return InvalidField("days", absl::StrCat("must be between 1 and ", kMaxWorkingDaysAsked));
  }
  auto result = calendar.AddWorkingDays(*start, static_cast<int>(days));
  if (!result.ok()) return InvalidField("days", "is out of range");
  if (result->date.year() > kLastYear) {
    return InvalidField("days", absl::StrCat("must lead to a date in ", kLastYear, " or before"));
  }
  return result;
}

}  // namespace petition::scheduling
