#include "services/intake/store/county_store.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/ids.h"
#include "google/protobuf/util/json_util.h"
#include "services/intake/domain/county_transfer.h"

namespace petition::intake {
namespace {

constexpr char kClaimTransfer[] = "intake_county_claim_transfer";
constexpr char kSelectTransfer[] = "intake_county_select_transfer";
constexpr char kLockTransfer[] = "intake_county_lock_transfer";
constexpr char kUpdateTransfer[] = "intake_county_update_transfer";
constexpr char kSelectTransferView[] = "intake_county_select_transfer_view";
constexpr char kSelectFeedbackOf[] = "intake_county_select_feedback_of";
constexpr char kSelectAttemptsOf[] = "intake_county_select_attempts_of";
constexpr char kSelectTransferOfCase[] = "intake_county_select_transfer_of_case";
constexpr char kInsertFeedback[] = "intake_county_insert_feedback";
constexpr char kTryFeedbackLock[] = "intake_county_try_feedback_lock";
constexpr char kSelectDue[] = "intake_county_select_due";
constexpr char kInsertAttempt[] = "intake_county_insert_attempt";
constexpr char kMarkDelivered[] = "intake_county_mark_delivered";
constexpr char kMarkRetry[] = "intake_county_mark_retry";
constexpr char kPark[] = "intake_county_park";
constexpr char kCount[] = "intake_county_count";
constexpr char kReleaseReviewed[] = "intake_county_release_reviewed";
constexpr char kSelectCaseOfTransfer[] = "intake_county_select_case_of_transfer";

absl::StatusOr<google::protobuf::Timestamp> TimestampOf(const pqxx::field& f) {
  auto t = ParseSqlTimestamp(f.c_str());
  if (!t.ok()) return absl::DataLossError(absl::StrCat("bad timestamp in ", f.name()));
  return ToProtoTimestamp(*t);
}

// Sets `*out` from a nullable timestamp column.
absl::Status OptionalTimestamp(const pqxx::field& f, google::protobuf::Timestamp* out) {
  if (f.is_null()) return absl::OkStatus();
  auto t = TimestampOf(f);
  if (!t.ok()) return t.status();
  *out = *t;
  return absl::OkStatus();
}

std::string KindName(v1::CaseSource source) { return v1::TransferKind_Name(KindOfSource(source)); }

// Keeps the recorded error short.
std::string ErrorText(const std::string& error) { return error.substr(0, 500); }

}  // namespace

const std::vector<PgStatement>& CountyStore::Statements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      // The claim: concurrent first pushes of one county id wait here for the
      // first to commit; the others then insert nothing and read its case.
      {kClaimTransfer,
       "INSERT INTO county_transfers (county_case_id, case_id, kind, due_date, push_sha256) "
       "VALUES ($1, $2, $3, NULLIF($4, '')::date, $5) ON CONFLICT (county_case_id) DO NOTHING "
       "RETURNING case_id"},
      {kSelectTransfer,
       "SELECT t.case_id, t.push_sha256, c.status FROM county_transfers t "
       "JOIN cases c USING (case_id) WHERE t.county_case_id = $1"},
      // Locks the case's row as every lifecycle step does, so a changed push
      // and a step serialise.
      {kLockTransfer,
       "SELECT t.case_id, t.push_sha256, c.status FROM county_transfers t "
       "JOIN cases c USING (case_id) WHERE t.county_case_id = $1 FOR UPDATE"},
      {kUpdateTransfer,
       "UPDATE county_transfers SET kind = $2, due_date = NULLIF($3, '')::date, "
       "push_sha256 = $4, pushes = pushes + 1, updated_at = now() WHERE county_case_id = $1"},
      {kSelectTransferView,
       "SELECT t.county_case_id, t.case_id, t.kind, coalesce(t.due_date::text, '') AS due_date, "
       "t.pushes, t.created_at, t.updated_at, c.status, c.answered_at, c.decline_route, "
       "c.decline_authority, coalesce(o.outcome, '') AS outcome, "
       "coalesce(o.decision, '') AS decision FROM county_transfers t "
       "JOIN cases c USING (case_id) LEFT JOIN opinions o ON o.opinion_id = c.answer_opinion_id "
       "WHERE t.county_case_id = $1"},
      {kSelectFeedbackOf,
       "SELECT id, delivery_id, status, body, created_at, delivered_at, parked_at, "
       "next_attempt_at, review_required, reviewed_at, coalesce(reviewed_by, '') AS reviewed_by, "
       "coalesce(review_note, '') AS review_note FROM county_feedback WHERE case_id = $1 "
       "ORDER BY id"},
      {kSelectAttemptsOf,
       "SELECT a.feedback_id, a.at, a.http_status, a.error, a.duration_ms "
       "FROM county_feedback_attempts a JOIN county_feedback f ON f.id = a.feedback_id "
       "WHERE f.case_id = $1 ORDER BY a.id"},
      {kSelectTransferOfCase,
       "SELECT coalesce(due_date::text, '') AS due_date FROM county_transfers WHERE case_id = $1"},
      {kInsertFeedback,
       "INSERT INTO county_feedback (delivery_id, case_id, county_case_id, status, body, "
       "review_required) VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6)"},
      // The principal leader's review releases every result of the case
      // waiting for it, due at once.
      {kReleaseReviewed,
       "UPDATE county_feedback SET reviewed_at = now(), reviewed_by = $2, review_note = $3, "
       "next_attempt_at = now() WHERE case_id = $1 AND review_required AND reviewed_at IS NULL "
       "RETURNING delivery_id"},
      {kSelectCaseOfTransfer, "SELECT case_id FROM county_transfers WHERE county_case_id = $1"},
      {kTryFeedbackLock,
       "SELECT pg_try_advisory_lock(hashtext('petition.county_feedback.' || current_schema())) "
       "AS locked"},
      // Due now, reviewed when it had to be, and no earlier result of the
      // same case still undelivered (waiting, awaiting review or parked): the
      // county hears a case's results in order.
      {kSelectDue,
       "SELECT f.id, f.delivery_id, f.body, f.attempts FROM county_feedback f "
       "WHERE f.delivered_at IS NULL AND f.parked_at IS NULL AND f.next_attempt_at <= now() "
       "AND (NOT f.review_required OR f.reviewed_at IS NOT NULL) "
       "AND NOT EXISTS (SELECT 1 FROM county_feedback e WHERE e.case_id = f.case_id "
       "AND e.id < f.id AND e.delivered_at IS NULL) "
       "ORDER BY f.next_attempt_at, f.id LIMIT $1"},
      {kInsertAttempt,
       "INSERT INTO county_feedback_attempts (feedback_id, at, http_status, error, duration_ms) "
       "VALUES ($1, now() - make_interval(secs => $4::bigint / 1000.0), $2, $3, $4)"},
      {kMarkDelivered,
       "UPDATE county_feedback SET delivered_at = now(), attempts = attempts + 1, "
       "last_error = '' WHERE id = $1"},
      {kMarkRetry,
       "UPDATE county_feedback SET attempts = attempts + 1, last_error = $2, "
       "next_attempt_at = $3::timestamptz WHERE id = $1"},
      {kPark,
       "UPDATE county_feedback SET parked_at = now(), attempts = attempts + 1, last_error = $2 "
       "WHERE id = $1"},
      // Each count matches a partial index's predicate.
      {kCount,
       "SELECT (SELECT count(*) FROM county_feedback WHERE delivered_at IS NULL "
       "AND parked_at IS NULL AND NOT (review_required AND reviewed_at IS NULL)) AS pending, "
       "(SELECT count(*) FROM county_feedback WHERE parked_at IS NOT NULL "
       "AND delivered_at IS NULL) AS parked, (SELECT count(*) FROM county_feedback "
       "WHERE review_required AND reviewed_at IS NULL) AS awaiting_review"},
  };
  return *kStatements;
}

absl::StatusOr<TransferPushResult> CountyStore::Push(const TransferPushCall& call,
                                                     const TxOptions& tx_options) {
  if (call.caller == nullptr) return absl::InternalError("Push without a caller");
  const v1::Case& c = call.c;
  const std::string kind = KindName(c.source());
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<TransferPushResult> {
        TransferPushResult result;
        pqxx::result claimed = tx.exec_prepared(kClaimTransfer, c.county_case_id(), c.case_id(),
                                                kind, call.due_date, call.push_sha256);
        if (!claimed.empty()) {
          auto stored = cases_->InsertInTransaction(tx, c, *call.caller, call.registered,
                                                    call.repeat_similarity);
          if (!stored.ok()) return stored.status();
          result.case_id = stored->case_id();
          result.created = true;
          result.status = stored->status();
          return result;
        }
        // Pushed before. The same push again is answered without a lock.
        pqxx::row seen = tx.exec_prepared1(kSelectTransfer, c.county_case_id());
        result.case_id = seen["case_id"].as<std::string>();
        auto status_of = [](const pqxx::row& row) {
          v1::CaseStatus status = v1::CASE_STATUS_UNSPECIFIED;
          v1::CaseStatus_Parse(row["status"].as<std::string>(), &status);
          return status;
        };
        if (seen["push_sha256"].as<std::string>() == call.push_sha256) {
          result.status = status_of(seen);
          return result;
        }
        pqxx::row locked = tx.exec_prepared1(kLockTransfer, c.county_case_id());
        result.status = status_of(locked);
        if (locked["push_sha256"].as<std::string>() == call.push_sha256) {
          return result;  // a concurrent push applied this very change
        }
        if (result.status == v1::OBJECTED) {
          // Decided: the township objected (异议, A23) and the objection went
          // back to the county, whose decision it now is. The same push again
          // (above) is a retry and answers OBJECTED; a changed push cannot
          // tell "we corrected a field" from "we overrule the objection", so
          // it changes nothing. A county that maintains the matter assigns it
          // (交办, kind ASSIGNMENT) under a new county id: an assignment must
          // be handled and cannot be objected to.
          return absl::AbortedError(
              "the case is OBJECTED: the township objected to the transfer (A23) and the county "
              "decides on the objection; a changed push is not applied (to maintain the matter, "
              "assign it under a new countyCaseId)");
        }
        if (result.status != v1::REGISTERED) {
          return absl::AbortedError(
              absl::StrCat("the case is ", v1::CaseStatus_Name(result.status),
                           ": a changed push is applied only while the case is REGISTERED"));
        }
        auto current = cases_->LoadInTransaction(tx, result.case_id);
        if (!current.ok()) return current.status();
        // What the push carries replaces what is stored; ids, the query code,
        // who received it and when (the first push) stay.
        v1::Case u = *std::move(current);
        u.set_source(c.source());
        u.set_channel(c.channel());
        *u.mutable_petitioners() = c.petitioners();
        u.set_headcount(c.headcount());
        u.set_collective(c.collective());
        u.set_category(c.category());
        *u.mutable_reported_unit_ids() = c.reported_unit_ids();
        u.set_subject(c.subject());
        u.set_content(c.content());
        u.set_urgent(c.urgent());
        petition::v1::CaseEvent event = call.updated;
        petition::v1::CaseUpdated* e = event.mutable_updated();
        e->set_category(v1::Category_Name(u.category()));
        e->set_urgent(u.urgent());
        e->set_county_due_date(call.due_date);
        *e->mutable_reported_unit_ids() = u.reported_unit_ids();
        if (absl::Status s =
                cases_->UpdateRegistrationInTransaction(tx, u, call.update_step, event);
            !s.ok()) {
          return s;
        }
        tx.exec_prepared(kUpdateTransfer, c.county_case_id(), kind, call.due_date,
                         call.push_sha256);
        result.updated = true;
        return result;
      },
      tx_options);
}

absl::StatusOr<v1::Transfer> CountyStore::Get(const std::string& county_case_id,
                                              const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Transfer> {
        pqxx::result rows = tx.exec_prepared(kSelectTransferView, county_case_id);
        if (rows.empty()) return absl::NotFoundError("no such transfer");
        const pqxx::row r = rows[0];
        v1::Transfer t;
        t.set_county_case_id(r["county_case_id"].as<std::string>());
        t.set_case_id(r["case_id"].as<std::string>());
        v1::TransferKind kind;
        if (v1::TransferKind_Parse(r["kind"].as<std::string>(), &kind)) t.set_kind(kind);
        t.set_due_date(r["due_date"].as<std::string>());
        t.set_pushes(r["pushes"].as<int>());
        v1::CaseStatus status;
        if (v1::CaseStatus_Parse(r["status"].as<std::string>(), &status)) t.set_status(status);
        for (auto [column, out] : {std::pair{"created_at", t.mutable_created_at()},
                                   std::pair{"updated_at", t.mutable_updated_at()},
                                   std::pair{"answered_at", t.mutable_answered_at()}}) {
          if (absl::Status s = OptionalTimestamp(r[column], out); !s.ok()) return s;
        }
        if (r["answered_at"].is_null()) t.clear_answered_at();
        v1::Outcome outcome;
        if (v1::Outcome_Parse(r["outcome"].as<std::string>(), &outcome)) t.set_outcome(outcome);
        t.set_decision(r["decision"].as<std::string>());
        v1::DeclineRoute route;
        if (v1::DeclineRoute_Parse(r["decline_route"].as<std::string>(), &route)) {
          t.set_decline_route(route);
        }
        t.set_decline_authority(r["decline_authority"].as<std::string>());

        std::map<int64_t, v1::FeedbackDelivery*> by_id;
        for (const auto& row : tx.exec_prepared(kSelectFeedbackOf, t.case_id())) {
          v1::FeedbackDelivery* d = t.add_feedback();
          by_id[row["id"].as<int64_t>()] = d;
          d->set_delivery_id(row["delivery_id"].as<std::string>());
          if (v1::CaseStatus_Parse(row["status"].as<std::string>(), &status)) {
            d->set_status(status);
          }
          d->set_review_required(row["review_required"].as<bool>());
          const bool awaiting = d->review_required() && row["reviewed_at"].is_null();
          d->set_state(!row["delivered_at"].is_null() ? v1::DELIVERED
                       : !row["parked_at"].is_null()  ? v1::PARKED
                       : awaiting                     ? v1::AWAITING_PRINCIPAL_REVIEW
                                                      : v1::PENDING);
          for (auto [column, out] : {std::pair{"created_at", d->mutable_created_at()},
                                     std::pair{"delivered_at", d->mutable_delivered_at()},
                                     std::pair{"parked_at", d->mutable_parked_at()},
                                     std::pair{"reviewed_at", d->mutable_reviewed_at()}}) {
            if (absl::Status s = OptionalTimestamp(row[column], out); !s.ok()) return s;
          }
          d->set_reviewed_by(row["reviewed_by"].as<std::string>());
          d->set_review_note(row["review_note"].as<std::string>());
          if (d->state() == v1::PENDING) {
            if (absl::Status s =
                    OptionalTimestamp(row["next_attempt_at"], d->mutable_next_attempt_at());
                !s.ok()) {
              return s;
            }
          }
          if (!google::protobuf::util::JsonStringToMessage(row["body"].as<std::string>(),
                                                           d->mutable_body())
                   .ok()) {
            return absl::DataLossError("a feedback body does not parse");
          }
        }
        for (const auto& row : tx.exec_prepared(kSelectAttemptsOf, t.case_id())) {
          auto it = by_id.find(row["feedback_id"].as<int64_t>());
          if (it == by_id.end()) continue;
          v1::FeedbackAttempt* a = it->second->add_attempts();
          if (absl::Status s = OptionalTimestamp(row["at"], a->mutable_at()); !s.ok()) return s;
          a->set_http_status(row["http_status"].as<int>());
          a->set_error(row["error"].as<std::string>());
          a->set_duration_ms(row["duration_ms"].as<int64_t>());
        }
        return t;
      },
      tx_options);
}

absl::Status CountyStore::RecordFeedback(pqxx::transaction_base& tx, const v1::Case& stored,
                                         bool review_policy) const {
  if (!SendsToCounty(stored, stored.status())) return absl::OkStatus();
  pqxx::result transfer = tx.exec_prepared(kSelectTransferOfCase, stored.case_id());
  const std::string due_date = transfer.empty() ? "" : transfer[0]["due_date"].as<std::string>();
  const v1::CountyFeedback feedback = BuildFeedback(stored, due_date, NewId("dlv"));
  std::string body;
  if (!google::protobuf::util::MessageToJsonString(feedback, &body).ok()) {
    return absl::InternalError("the feedback does not print as JSON");
  }
  tx.exec_prepared(kInsertFeedback, feedback.delivery_id(), stored.case_id(),
                   stored.county_case_id(), v1::CaseStatus_Name(stored.status()), body,
                   AwaitsPrincipalReview(stored.status(), review_policy));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> CountyStore::ReleaseReviewed(
    pqxx::transaction_base& tx, const std::string& case_id, const std::string& reviewer,
    const std::string& note) const {
  std::vector<std::string> released;
  for (const auto& row : tx.exec_prepared(kReleaseReviewed, case_id, reviewer, note)) {
    released.push_back(row["delivery_id"].as<std::string>());
  }
  if (released.empty()) {
    return absl::FailedPreconditionError(
        "no result of this case waits for the principal leader's review");
  }
  return released;
}

absl::StatusOr<std::string> CountyStore::CaseOf(const std::string& county_case_id,
                                                const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::string> {
        pqxx::result r = tx.exec_prepared(kSelectCaseOfTransfer, county_case_id);
        if (r.empty()) return absl::NotFoundError("no such transfer");
        return r[0]["case_id"].as<std::string>();
      },
      tx_options);
}

absl::StatusOr<std::unique_ptr<SessionLock>> CountyStore::TryLockRelay() {
  return SessionLock::TryAcquire(*pool_, kTryFeedbackLock, "the county feedback relay");
}

absl::StatusOr<std::vector<DueFeedback>> CountyStore::Due(int limit, const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<DueFeedback>> {
        std::vector<DueFeedback> due;
        for (const auto& row : tx.exec_prepared(kSelectDue, limit)) {
          due.push_back(DueFeedback{row["id"].as<int64_t>(), row["delivery_id"].as<std::string>(),
                                    row["body"].as<std::string>(), row["attempts"].as<int>()});
        }
        return due;
      },
      tx_options);
}

namespace {

void InsertAttempt(pqxx::transaction_base& tx, int64_t id, const FeedbackAttemptRecord& attempt) {
  tx.exec_prepared(kInsertAttempt, id, attempt.http_status, ErrorText(attempt.error),
                   absl::ToInt64Milliseconds(attempt.duration));
}

}  // namespace

absl::Status CountyStore::MarkDelivered(int64_t id, const FeedbackAttemptRecord& attempt,
                                        const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        InsertAttempt(tx, id, attempt);
        tx.exec_prepared(kMarkDelivered, id);
        return absl::OkStatus();
      },
      tx_options);
}

absl::Status CountyStore::MarkRetry(int64_t id, const FeedbackAttemptRecord& attempt,
                                    absl::Time next_attempt, const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        InsertAttempt(tx, id, attempt);
        tx.exec_prepared(kMarkRetry, id, ErrorText(attempt.error), SqlTimestamp(next_attempt));
        return absl::OkStatus();
      },
      tx_options);
}

absl::Status CountyStore::Park(int64_t id, const FeedbackAttemptRecord& attempt,
                               const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        InsertAttempt(tx, id, attempt);
        tx.exec_prepared(kPark, id, ErrorText(attempt.error));
        return absl::OkStatus();
      },
      tx_options);
}

absl::StatusOr<FeedbackCounts> CountyStore::Count(const TxOptions& tx_options) {
  return pool_->Read(
      [](pqxx::transaction_base& tx) -> absl::StatusOr<FeedbackCounts> {
        pqxx::row row = tx.exec_prepared1(kCount);
        return FeedbackCounts{row["pending"].as<int64_t>(), row["parked"].as<int64_t>(),
                              row["awaiting_review"].as<int64_t>()};
      },
      tx_options);
}

}  // namespace petition::intake
