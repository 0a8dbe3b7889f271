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

  struct Registration {
    const petition::v1::CaseEvent* event;  // a CaseRegistered event
    DeadlineRecord acceptance;
  };

  // Applies registrations and their ACCEPTANCE deadlines in order, in one
  // transaction (all or nothing). Returns how many were applied; the others
  // had been applied before (redeliveries). FAILED_PRECONDITION when an
  // event is out of order for its case.
  absl::StatusOr<int> ApplyRegistrations(const std::vector<Registration>& registrations,
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
