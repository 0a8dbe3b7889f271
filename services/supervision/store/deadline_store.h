// All SQL of supervision: applied events, case tracks and deadlines.
#ifndef PETITION_SERVICES_SUPERVISION_STORE_DEADLINE_STORE_H_
#define PETITION_SERVICES_SUPERVISION_STORE_DEADLINE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
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

  // Applies a CaseRegistered event and its ACCEPTANCE deadline in one
  // transaction. False when the event was applied before (a redelivery);
  // FAILED_PRECONDITION when it is out of order for its case.
  absl::StatusOr<bool> ApplyRegistered(const petition::v1::CaseEvent& event,
                                       const DeadlineRecord& acceptance);

  // NOT_FOUND when supervision has not heard of the case (yet).
  absl::StatusOr<std::vector<DeadlineRecord>> ListForCase(const std::string& case_id);

 private:
  PgPool* pool_;
};

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_STORE_DEADLINE_STORE_H_
