// All SQL of the calendar: named statements, prepared once per connection.
#ifndef PETITION_SERVICES_SCHEDULING_STORE_CALENDAR_STORE_H_
#define PETITION_SERVICES_SCHEDULING_STORE_CALENDAR_STORE_H_

#include <map>
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
#include "services/scheduling/store/request_log.h"

// The service's migrations, embedded from services/scheduling/migrations/.
const std::vector<petition::Migration>& SchedulingMigrations();

namespace petition::scheduling {

struct CalendarYearRecord {
  int year = 0;
  std::vector<SpecialDay> days;  // holidays and make-up days, by date
  absl::Time updated_at;
};

// Everything loaded, read in one transaction; immutable once built.
struct CalendarSnapshot {
  std::shared_ptr<const WorkingCalendar> calendar;
  std::map<int, CalendarYearRecord> years;
};

class CalendarStore {
 public:
  static const std::vector<PgStatement>& Statements();

  // The calendar is a few hundred rows, held in memory and answered from
  // there. It is read again when older than `cache_ttl` (other replicas'
  // changes show within that time; ReplaceYear() on this replica updates the
  // calendar in memory at once).
  // When that read fails (PostgreSQL down or slow) the calendar in memory
  // goes on answering, and the next read is tried `cache_ttl` later: reads
  // need the database only before the first successful load.
  explicit CalendarStore(PgPool* pool, absl::Duration cache_ttl = absl::Seconds(2))
      : pool_(pool), cache_ttl_(cache_ttl) {}

  // Replaces the year's special days in one transaction. A retry of `call`
  // (RequestLog: same caller, request id and body) replaces nothing and
  // answers the year as it is; the id with another body is ALREADY_EXISTS.
  // The pool needs RequestLog::Statements() when request ids are given.
  absl::StatusOr<CalendarYearRecord> ReplaceYear(int year, const std::vector<SpecialDay>& days,
                                                 const CreateCall& call = {},
                                                 const TxOptions& tx_options = {});
  // NOT_FOUND when the year was never loaded.
  absl::StatusOr<CalendarYearRecord> GetYear(int year, const TxOptions& tx_options = {});
  // Every loaded year with the time it was last loaded or changed.
  absl::StatusOr<std::map<int, absl::Time>> YearVersions(const TxOptions& tx_options = {});
  // The calendar with every loaded year; shared and immutable.
  absl::StatusOr<std::shared_ptr<const WorkingCalendar>> Load(const TxOptions& tx_options = {});

 private:
  absl::StatusOr<std::shared_ptr<const CalendarSnapshot>> Snapshot(const TxOptions& tx_options);
  absl::StatusOr<std::shared_ptr<const CalendarSnapshot>> ReadAll(const TxOptions& tx_options);

  PgPool* pool_;
  const absl::Duration cache_ttl_;
  absl::Mutex mu_;
  std::shared_ptr<const CalendarSnapshot> cached_ ABSL_GUARDED_BY(mu_);
  absl::Time next_refresh_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool refreshing_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // bumped by ReplaceYear
};

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_STORE_CALENDAR_STORE_H_
