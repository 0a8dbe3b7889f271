// All SQL of county transfers and of the feedback to the county: the push
// (idempotent on the county's id), the transfer as the county reads it, and
// the feedback outbox with its attempts. Cases themselves are written through
// CaseStore's in-transaction building blocks (one home for sealing, history
// and events).
#ifndef PETITION_SERVICES_INTAKE_STORE_COUNTY_STORE_H_
#define PETITION_SERVICES_INTAKE_STORE_COUNTY_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg_pool.h"
#include "common/request_context.h"
#include "common/session_lock.h"
#include "petition/v1/events.pb.h"
#include "petition/v1/intake.pb.h"
#include "services/intake/store/case_store.h"

namespace petition::intake {

// One push as the store needs it.
struct TransferPushCall {
  v1::Case c;               // the case it registers (ids, query code, source, county id set)
  std::string due_date;     // "YYYY-MM-DD" or ""
  std::string push_sha256;  // what makes two pushes "the same"
  const Principal* caller = nullptr;
  // The event of a new case (CaseRegistered, sequence 1).
  petition::v1::CaseEvent registered;
  // The event and history entry of a changed push (CaseUpdated); the store
  // fills the event's case fields from the updated case.
  petition::v1::CaseEvent updated;
  v1::CaseStep update_step;
  double repeat_similarity = 0;
};

struct TransferPushResult {
  std::string case_id;
  bool created = false;
  bool updated = false;
  v1::CaseStatus status = v1::CASE_STATUS_UNSPECIFIED;
};

// A result due for (another) attempt.
struct DueFeedback {
  int64_t id = 0;
  std::string delivery_id;
  std::string body;
  int attempts = 0;  // before this one
};

struct FeedbackAttemptRecord {
  int http_status = 0;  // 0: no answer
  std::string error;
  absl::Duration duration;
};

struct FeedbackCounts {
  int64_t pending = 0;  // due now or later; not those awaiting review
  int64_t parked = 0;
  int64_t awaiting_review = 0;  // held for the principal leader's review
};

class CountyStore {
 public:
  static const std::vector<PgStatement>& Statements();

  CountyStore(PgPool* pool, const CaseStore* cases) : pool_(pool), cases_(cases) {}

  // The county's push, in one transaction. The first push of a county id
  // claims it (INSERT ... ON CONFLICT DO NOTHING on the county id, so
  // concurrent pushes of one id wait for the first and find its case) and
  // registers the case. Later pushes: the same push (hash) changes nothing; a
  // changed one updates the case under its row lock while it is REGISTERED,
  // and is ABORTED naming the current status after.
  absl::StatusOr<TransferPushResult> Push(const TransferPushCall& call,
                                          const TxOptions& tx_options = {});

  // The transfer with its case's status and answer and every feedback
  // delivery with its attempts. NOT_FOUND when the county id was never pushed.
  absl::StatusOr<v1::Transfer> Get(const std::string& county_case_id,
                                   const TxOptions& tx_options = {});

  // Inside a lifecycle step's transaction (StepChange::also): records the
  // result of `stored` for the county, when it is a county case in a status
  // that feeds back, or any case whose review was requested (SendsToCounty;
  // a township case's row has no county_case_id); nothing otherwise. With `review_policy` (the
  // policy's countyFeedbackReview) a result that reports the township's handling waits for the
  // principal leader's review (AwaitsPrincipalReview).
  absl::Status RecordFeedback(pqxx::transaction_base& tx, const v1::Case& stored,
                              bool review_policy) const;
  // Inside the review step's transaction: the principal leader `reviewer`
  // reviewed the report; every result of the case waiting for that is due
  // now. Returns their delivery ids; FAILED_PRECONDITION when none waits.
  absl::StatusOr<std::vector<std::string>> ReleaseReviewed(pqxx::transaction_base& tx,
                                                           const std::string& case_id,
                                                           const std::string& reviewer,
                                                           const std::string& note) const;
  // The case a county id was pushed as; NOT_FOUND when it never was.
  absl::StatusOr<std::string> CaseOf(const std::string& county_case_id,
                                     const TxOptions& tx_options = {});

  // The feedback relay's steps (services/intake/service/county_feedback_relay.h).
  absl::StatusOr<std::unique_ptr<SessionLock>> TryLockRelay();
  // Up to `limit` results due now, oldest first; a result waits while an
  // earlier one of its case is undelivered (the county hears them in order).
  absl::StatusOr<std::vector<DueFeedback>> Due(int limit, const TxOptions& tx_options = {});
  // Each records the attempt and its consequence in one transaction.
  absl::Status MarkDelivered(int64_t id, const FeedbackAttemptRecord& attempt,
                             const TxOptions& tx_options = {});
  absl::Status MarkRetry(int64_t id, const FeedbackAttemptRecord& attempt, absl::Time next_attempt,
                         const TxOptions& tx_options = {});
  absl::Status Park(int64_t id, const FeedbackAttemptRecord& attempt,
                    const TxOptions& tx_options = {});
  absl::StatusOr<FeedbackCounts> Count(const TxOptions& tx_options = {});

 private:
  PgPool* pool_;
  const CaseStore* cases_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_STORE_COUNTY_STORE_H_
