// Moves deadline states as days pass: OPEN -> DUE_SOON (within the policy's
// dueSoon of the due date) -> OVERDUE (past it). MET and MISSED are set by
// the events themselves (DeadlineStore::ApplyEvents).
//
// - The day comes from an injectable clock, in the policy's time zone.
// - Safe with several replicas: each batch locks the rows it changes with
//   FOR UPDATE SKIP LOCKED and re-checks their state under the lock, so that
//   two scanners never move the same row twice (deadline_transitions holds
//   one row per change).
// - Touches only the rows that change (the partial index on state and due
//   date), and catches up after downtime: a pass moves everything due before
//   today, however long ago.
// - Recomputes due dates after a calendar change: when scheduling's version
//   of a year differs from the one supervision recomputed against, every
//   pending deadline counted over that year (or provisional) is counted
//   again with its own policy; each moved date is recorded with old and new
//   (due_date_changes) and the deadline goes back to OPEN for the scanner.
#ifndef PETITION_SERVICES_SUPERVISION_SERVICE_DEADLINE_SCANNER_H_
#define PETITION_SERVICES_SUPERVISION_SERVICE_DEADLINE_SCANNER_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/supervision/domain/clock.h"
#include "services/supervision/domain/deadline_policy.h"
#include "services/supervision/service/directory_client.h"
#include "services/supervision/store/deadline_store.h"

namespace petition::supervision {

class DeadlineScanner {
 public:
  struct Totals {
    int overdue = 0;
    int expired = 0;  // petitioners' windows that lapsed (never OVERDUE)
    int due_soon = 0;
    int orders_opened = 0;
    int orders_escalated = 0;
    int batches = 0;
    int recomputed = 0;  // due dates a calendar change moved
  };
  // Called after every pass of the background loop with its outcome and how
  // long it took (main.cc turns it into the scanner's metrics).
  using PassHook = std::function<void(const absl::StatusOr<Totals>&, absl::Duration)>;
  // Called with the deadlines that became OVERDUE, after their batch committed.
  using OverdueHook = std::function<void(const std::vector<DeadlineRecord>&)>;
  struct Options {
    absl::Duration interval = absl::Minutes(1);
    int batch_size = 1000;
    PassHook on_pass;  // optional
    // Scheduling's calendar versions; none: no recomputation.
    CalendarVersions* calendar_versions = nullptr;
  };

  DeadlineScanner(DeadlineStore* store, WorkingDayOracle* calendar, Clock* clock, Options options,
                  OverdueHook on_overdue = {})
      : store_(store),
        calendar_(calendar),
        clock_(clock),
        options_(options),
        on_overdue_(std::move(on_overdue)) {}
  ~DeadlineScanner() { Stop(); }

  // One full pass: recomputes due dates after calendar changes, then
  // batches until nothing more changes today.
  absl::StatusOr<Totals> RunOnce();
  // The recomputation alone: how many due dates moved.
  absl::StatusOr<int> RecomputeAfterCalendarChanges(const std::vector<StoredPolicy>& policies);

  void Start();
  void Stop();

 private:
  void Run();

  DeadlineStore* store_;
  WorkingDayOracle* calendar_;
  Clock* clock_;
  Options options_;
  OverdueHook on_overdue_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_SERVICE_DEADLINE_SCANNER_H_
