// All SQL of the calendar: named statements, prepared once per connection.
#ifndef PETITION_SERVICES_SCHEDULING_STORE_CALENDAR_STORE_H_
#define PETITION_SERVICES_SCHEDULING_STORE_CALENDAR_STORE_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/working_calendar.h"
#include "services/scheduling/domain/calendar_year.h"

// The service's migrations, embedded from services/scheduling/migrations/.
const std::vector<petition::Migration>& SchedulingMigrations();

namespace petition::scheduling {

struct CalendarYearRecord {
  int year = 0;
  std::vector<SpecialDay> days;  // holidays and make-up days, by date
  absl::Time updated_at;
};

class CalendarStore {
 public:
  static const std::vector<PgStatement>& Statements();

  explicit CalendarStore(PgPool* pool) : pool_(pool) {}

  // Replaces the year's special days in one transaction.
  absl::StatusOr<CalendarYearRecord> ReplaceYear(int year, const std::vector<SpecialDay>& days);
  // NOT_FOUND when the year was never loaded.
  absl::StatusOr<CalendarYearRecord> GetYear(int year);
  // Every loaded year in [first_year, last_year] as a calendar.
  absl::StatusOr<WorkingCalendar> Load(int first_year, int last_year);

 private:
  PgPool* pool_;
};

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_STORE_CALENDAR_STORE_H_
