// All SQL of the calendar: named statements, prepared once per connection.
#ifndef PETITION_SERVICES_SCHEDULING_STORE_CALENDAR_STORE_H_
#define PETITION_SERVICES_SCHEDULING_STORE_CALENDAR_STORE_H_

#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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

  // Load() answers from memory for up to `cache_ttl` after reading every
  // loaded year (a few hundred rows); ReplaceYear() on this replica
  // invalidates at once, other replicas see a change within `cache_ttl`.
  explicit CalendarStore(PgPool* pool, absl::Duration cache_ttl = absl::Seconds(2))
      : pool_(pool), cache_ttl_(cache_ttl) {}

  // Replaces the year's special days in one transaction.
  absl::StatusOr<CalendarYearRecord> ReplaceYear(int year, const std::vector<SpecialDay>& days);
  // NOT_FOUND when the year was never loaded.
  absl::StatusOr<CalendarYearRecord> GetYear(int year);
  // The calendar with every loaded year; shared and immutable.
  absl::StatusOr<std::shared_ptr<const WorkingCalendar>> Load();

 private:
  absl::StatusOr<std::shared_ptr<const WorkingCalendar>> ReadAll();

  PgPool* pool_;
  const absl::Duration cache_ttl_;
  absl::Mutex mu_;
  std::shared_ptr<const WorkingCalendar> cached_ ABSL_GUARDED_BY(mu_);
  absl::Time cached_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // bumped by ReplaceYear
};

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_STORE_CALENDAR_STORE_H_
