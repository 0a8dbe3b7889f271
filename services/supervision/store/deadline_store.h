// All SQL of supervision: applied events, case tracks and deadlines.
#ifndef PETITION_SERVICES_SUPERVISION_STORE_DEADLINE_STORE_H_
#define PETITION_SERVICES_SUPERVISION_STORE_DEADLINE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/case_visibility.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "petition/v1/events.pb.h"

// The service's migrations, embedded from services/supervision/migrations/.
const std::vector<petition::Migration>& SupervisionMigrations();

namespace petition::supervision {

struct DeadlineRecord {
  std::string kind;  // ACCEPTANCE, HANDLING, REVIEW_WINDOW, COUNTY
  absl::CivilDay start_date;
  absl::CivilDay due_date;
  bool provisional = false;
  std::string state = "OPEN";
  std::optional<absl::Time> met_at;
  int extended_by_days = 0;
};

class DeadlineStore {
 public:
  static const std::vector<PgStatement>& Statements();

  explicit DeadlineStore(PgPool* pool) : pool_(pool) {}

  // What applying one case event does to supervision's records. The service
  // decides it (it knows the policy and the calendar); the store applies it.
  struct Application {
    const petition::v1::CaseEvent* event = nullptr;
    // Deadlines the event opens (a registration opens ACCEPTANCE).
    std::vector<DeadlineRecord> open;
    // Kinds of deadline the event meets, at event->occurred_at(); met_day is
    // that moment's day in the township: MET when on or before the due date,
    // else MISSED.
    std::vector<std::string> meet;
    absl::CivilDay met_day;
    // The case's units, when the event changes them (visibility).
    std::optional<std::vector<std::string>> handling_unit_ids;
    std::optional<std::vector<std::string>> reported_unit_ids;
  };

  // Applies case events in one transaction (all or nothing). An event is
  // applied once by event id; per case in sequence order: a registration is
  // sequence 1, every later event must be the case's last sequence + 1
  // (FAILED_PRECONDITION otherwise, nothing kept: the relay retries once the
  // gap is filled), and an event whose sequence was applied already is a
  // duplicate. Returns how many events were applied; the others were
  // duplicates (redeliveries).
  absl::StatusOr<int> ApplyEvents(const std::vector<Application>& applications,
                                  const TxOptions& tx_options = {});

  // NOT_FOUND when supervision has not heard of the case (yet).
  absl::StatusOr<std::vector<DeadlineRecord>> ListForCase(const std::string& case_id,
                                                          const TxOptions& tx_options = {});

  // The units that decide who may read the case (from its registration);
  // NOT_FOUND when supervision has not heard of the case (yet).
  absl::StatusOr<CaseUnits> UnitsOfCase(const std::string& case_id,
                                        const TxOptions& tx_options = {});

 private:
  PgPool* pool_;
};

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_STORE_DEADLINE_STORE_H_
