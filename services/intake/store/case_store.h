// All SQL of intake: cases, sealed petitioners, the outbox and the identity
// audit. Every statement is a named constant in case_store.cc, prepared once
// per connection.
#ifndef PETITION_SERVICES_INTAKE_STORE_CASE_STORE_H_
#define PETITION_SERVICES_INTAKE_STORE_CASE_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/crypto.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/request_context.h"
#include "petition/v1/events.pb.h"
#include "petition/v1/intake.pb.h"

// The service's migrations, embedded from services/intake/migrations/.
const std::vector<petition::Migration>& IntakeMigrations();

namespace petition::intake {

struct RegisterResult {
  v1::Case stored;
  bool created = false;  // false: a retry that returned the first result
};

struct RelayBatchResult {
  int delivered = 0;
  int parked = 0;       // refused for good by supervision: kept aside with the error
  bool failed = false;  // the rest could not be delivered now; it stays pending
  bool lock_held_elsewhere = false;
};

struct OutboxCounts {
  int64_t pending = 0;
  int64_t parked = 0;
};

// Errors that retrying cannot cure (the event itself is refused), as opposed
// to supervision being down, overloaded or not yet upgraded.
bool IsPermanentDeliveryError(const absl::Status& status);

class CaseStore {
 public:
  static const std::vector<PgStatement>& Statements();

  CaseStore(PgPool* pool, const PiiCipher* cipher) : pool_(pool), cipher_(cipher) {}

  // Stores the case, its sealed petitioners and `event` in one transaction.
  // With a request id already used: the same request hash returns the first
  // case (created=false); another hash is ALREADY_EXISTS.
  absl::StatusOr<RegisterResult> Register(const v1::Case& c, const std::string& request_id,
                                          const std::string& request_sha256,
                                          const petition::v1::CaseEvent& event);

  // The case with its petitioners' identity opened. When `reveal(case)` is
  // true an identity read by `reader` is recorded in the same transaction;
  // when false the caller must mask before answering.
  absl::StatusOr<v1::Case> Get(const std::string& case_id, const Principal& reader,
                               const std::string& request_id,
                               const std::function<bool(const v1::Case&)>& reveal);

  // Hands up to `limit` pending outbox events, oldest first, to `deliver` in
  // one call, under a lock per schema so that one relay runs at a time. On
  // success they are marked delivered; on a transient failure they stay
  // pending (in order) with the error and an attempt recorded. When the
  // batch is refused for good, events are retried one by one and the ones
  // refused are parked, so that one bad event does not stop all the others.
  absl::StatusOr<RelayBatchResult> RelayBatch(
      int limit,
      const std::function<absl::Status(const std::vector<petition::v1::CaseEvent>&)>& deliver);
  absl::StatusOr<OutboxCounts> CountOutbox();

 private:
  PgPool* pool_;
  const PiiCipher* cipher_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_STORE_CASE_STORE_H_
