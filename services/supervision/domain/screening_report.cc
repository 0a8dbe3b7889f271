#include "services/supervision/domain/screening_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates.h"
#include "common/status.h"

namespace petition::supervision {

absl::StatusOr<absl::CivilMonth> ParseMonth(std::string_view text, std::string_view field) {
  const absl::Status bad = InvalidField(field, "must be a month YYYY-MM");
  if (text.size() != 7 || text[4] != '-') return bad;
  int year = 0, month = 0;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (text[i] < '0' || text[i] > '9') return bad;
    int& into = i < 4 ? year : month;
    into = into * 10 + (text[i] - '0');
  }
  if (year < 1900 || month < 1 || month > 12) return bad;
  return absl::CivilMonth(year, month);
}

std::string FormatMonth(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

absl::StatusOr<std::vector<ScreeningItemRecord>> ValidateScreeningReport(
    absl::CivilMonth month, bool zero_report, const std::vector<ScreeningItemInput>& items,
    absl::CivilMonth current) {
  if (month > current) {
    return InvalidField("month", "is after the current month: nothing is screened ahead");
  }
  if (zero_report && !items.empty()) {
    return InvalidField("items", "a zero report (zeroReport: true) lists no items");
  }
  if (!zero_report && items.empty()) {
    return InvalidField("items", "are required unless zeroReport is true");
  }
  if (items.size() > kMaxScreeningItems) {
    return InvalidField("items", absl::StrCat("at most ", kMaxScreeningItems, " per report"));
  }
  std::vector<std::pair<std::string, std::string>> violations;
  std::vector<ScreeningItemRecord> out;
  const absl::CivilDay first_day(month.year(), month.month(), 1);
  for (size_t i = 0; i < items.size(); ++i) {
    const ScreeningItemInput& in = items[i];
    const std::string at = absl::StrCat("items[", i, "]");
    if (in.summary.empty() || in.summary.size() > 2000) {
      violations.emplace_back(at + ".summary", "is required (at most 2000 bytes)");
    }
    if (in.responsible_person.empty() || in.responsible_person.size() > 100) {
      violations.emplace_back(at + ".responsiblePerson", "is required (at most 100 bytes)");
    }
    auto due = ParseDate(in.due_date);
    if (!due.ok()) {
      violations.emplace_back(at + ".dueDate", "must be a date YYYY-MM-DD");
    } else if (*due < first_day) {
      violations.emplace_back(at + ".dueDate", "is before the month screened");
    }
    if (violations.empty()) out.push_back({in.summary, in.responsible_person, *due});
  }
  if (!violations.empty()) return InvalidFields(violations);
  return out;
}

bool OwesScreeningReport(std::string_view unit_kind) {
  return unit_kind == "VILLAGE" || unit_kind == "DEPARTMENT";
}

}  // namespace petition::supervision
