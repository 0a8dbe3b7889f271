// 每月一次信访排查 [S1]: every village and department, once a month, reports
// in writing the disputes it found, the person responsible for each and the
// day by which it is to close; a month with nothing found is a zero report
// (零报告), never an empty one.
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_SCREENING_REPORT_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_SCREENING_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace petition::supervision {

struct ScreeningItemInput {
  std::string summary;
  std::string responsible_person;
  std::string due_date;  // YYYY-MM-DD
};

struct ScreeningItemRecord {
  std::string summary;
  std::string responsible_person;
  absl::CivilDay due_date;
};

inline constexpr int kMaxScreeningItems = 200;

// The month of "YYYY-MM"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<absl::CivilMonth> ParseMonth(std::string_view text, std::string_view field);
std::string FormatMonth(absl::CivilMonth month);

// The report's items, checked; INVALID_ARGUMENT naming the field:
// - zeroReport with items, or neither items nor zeroReport;
// - more than kMaxScreeningItems items;
// - an item without summary (at most 2000 bytes) or responsible person (at
//   most 100 bytes), or whose dueDate is not a date on or after the month's
//   first day;
// - a month after `current` (the township's month today): nothing is
//   screened ahead.
absl::StatusOr<std::vector<ScreeningItemRecord>> ValidateScreeningReport(
    absl::CivilMonth month, bool zero_report, const std::vector<ScreeningItemInput>& items,
    absl::CivilMonth current);

// Submitted after the month ended.
inline bool ScreeningReportLate(absl::CivilMonth month, absl::CivilDay submitted_on) {
  return absl::CivilMonth(submitted_on) > month;
}

// The directory's unit kinds that owe a monthly report (villages and
// departments; the township itself receives them).
bool OwesScreeningReport(std::string_view unit_kind);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_SCREENING_REPORT_H_
