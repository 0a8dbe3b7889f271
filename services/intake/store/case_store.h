// All SQL of intake: cases, sealed petitioners, the outbox and the identity
// audit. Every statement is a named constant in case_store.cc, prepared once
// per connection, with the function that maps its rows next to it.
#ifndef PETITION_SERVICES_INTAKE_STORE_CASE_STORE_H_
#define PETITION_SERVICES_INTAKE_STORE_CASE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/crypto.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/request_context.h"
#include "common/session_lock.h"
#include "petition/v1/events.pb.h"
#include "petition/v1/intake.pb.h"
#include "services/intake/domain/case_list.h"
#include "services/intake/domain/documents.h"

// The service's migrations, embedded from services/intake/migrations/.
const std::vector<petition::Migration>& IntakeMigrations();

namespace petition::intake {

// One RegisterCase call as the store needs it.
struct RegisterCall {
  const Principal* caller = nullptr;  // required
  std::string call_request_id;        // the call's x-request-id, for the audit
  // AIP-155: "" for none. Scoped to caller->subject: the same id from another
  // caller is another request.
  std::string request_id;
  std::string request_sha256;  // what makes two requests "the same"
  // For a retry answered with the first case: may the caller see identity
  // now (the read rules of GetCase)? When true the read is audited.
  std::function<bool(const v1::Case&)> reveal;
  // Repeat detection: earlier cases of the same person at least this similar
  // are added to repeat_of_case_ids (and the event says repeat); 0: off.
  // Only the person's kRepeatWindow most recent cases are compared.
  double repeat_similarity = 0;
};

// How many of a person's most recent cases (by received_at, per identity
// hash) a new registration is compared with. Bounds the cost of a petitioner
// who has filed hundreds of times; a FINAL matter older than the window is
// still found through a recent repeat that was flagged final.
inline constexpr int kRepeatWindow = 50;

struct RegisterResult {
  v1::Case stored;
  bool created = false;  // false: a retry that returned the first result
  // For a retry: identity was revealed (and audited); when false the caller
  // must mask before answering.
  bool identity_revealed = false;
};

// One outbox row on its way to supervision: a petition.v1.CaseEvent as the
// bytes that were stored (bytea; libpqxx 6.4 reads results as text, so they
// are unescaped once, into this buffer, and parsed from it straight into the
// outgoing request).
struct OutboxEvent {
  int64_t id;
  std::string case_id;
  int64_t sequence;
  pqxx::binarystring payload;

  std::string_view bytes() const { return {payload.get(), payload.size()}; }
};

// What a step does to the opinion it carries: writes a new one (a draft),
// submits it (:submit: who, when, the approvals it needs), or approves it
// (the approvals without approved_at are added; approved_by set when the
// last required one is given).
enum class OpinionWrite { kDraft, kSubmit, kApprove };

// What one lifecycle step writes, decided by the caller from the case as it
// stands under the row lock.
struct StepChange {
  // The case after the step: status, complexity, handling_unit_ids,
  // leader_id, rating, rating_comment, answer_opinion_id, decline_route,
  // decline_authority are stored from it.
  v1::Case updated;
  bool set_answered_at = false;  // the step answers the case: answered_at = the event's time
  // The history entry (its `at` is the transaction's time).
  v1::CaseStep step;
  // The opinion the step writes, and how.
  std::optional<v1::Opinion> opinion;
  OpinionWrite opinion_write = OpinionWrite::kDraft;
  // The review or recheck decision the step records (one per stage).
  std::optional<v1::ReviewDecision> review_decision;
  // The event: its case_id and sequence are set by the store.
  petition::v1::CaseEvent event;
  // Documents the step issues (numbered, dated and stored with it).
  std::vector<DocumentDraft> documents;
  // Written in the same transaction after the change, from the case as
  // stored (e.g. the result fed back to the county: county_store.h).
  std::function<absl::Status(pqxx::transaction_base& tx, const v1::Case& stored)> also;
};

// Who issues documents: the township's abbreviation for numbers, the
// office's name under the text, the zone of the date.
struct DocumentOffice {
  std::string abbreviation = "镇";
  std::string office = "信访工作机构";
  absl::TimeZone zone = absl::UTCTimeZone();
};

struct CaseDocuments {
  v1::Case c;  // petitioners opened: the caller masks as the read rules say
  std::vector<v1::Document> documents;
};

// What supervision's events make intake do: the documents to issue for the
// event on the case (e.g. the extension notice).
using SupervisionEventFn = std::function<absl::StatusOr<std::vector<DocumentDraft>>(
    const v1::Case& c, const petition::v1::SupervisionEvent& event)>;

struct AppliedCounts {
  int applied = 0;
  int duplicates = 0;
};

// Decides the step from the current case (with opinions and history); runs
// inside the transaction, possibly more than once: it must be pure.
using StepFn = std::function<absl::StatusOr<StepChange>(const v1::Case& current)>;

struct StepResult {
  v1::Case stored;  // petitioners opened: the caller masks them as the read rules say
  v1::Opinion opinion;
  // A retry (AIP-155): `stored` (or `opinion`) is the first answer, with the
  // case's petitioners as they are now; nothing was written.
  bool replayed = false;
};

// A step's retry key (AIP-155), scoped to whoever sent it. The first answer
// is stored in the step's transaction: the case (petitioners left out), or
// the opinion when `answers_opinion`.
struct StepRetry {
  std::string subject;  // the caller's official id; "query:<caseId>" for a petitioner
  std::string request_id;
  std::string method;  // the RPC: the same id on another method is another request
  std::string request_sha256;
  bool answers_opinion = false;
};

struct OutboxCounts {
  int64_t pending = 0;
  int64_t parked = 0;
};

// Petitioner rows by the key that sealed them (key rotation).
struct SealCounts {
  int64_t total = 0;
  int64_t other_keys = 0;  // sealed under another key than the current
};

// One batch of a key rotation: how many rows were re-sealed, and the last
// row's key, after which the next batch starts.
struct ResealBatch {
  int resealed = 0;
  std::string last_case_id;
  int last_ordinal = -1;
};

// A material on its way into the store: what CheckMaterial accepted, and
// the bytes.
struct NewMaterial {
  std::string material_id;  // NewId("mat")
  std::string file_name;
  std::string media_type;
  std::string sha256;  // hex
  std::string_view bytes;
  std::string uploaded_by;
};

// Decides, inside the transaction, whether the caller may act on the case
// (the read rules) and, for an upload, whether `stored` bytes already on the
// case leave room: a non-OK status ends the transaction with nothing written.
using MaterialCheck = std::function<absl::Status(const v1::Case& c, int64_t stored)>;

struct CaseMaterial {
  v1::Material material;
  std::string bytes;  // opened
};

// The right to relay this schema's outbox: a session-level advisory lock on a
// connection of its own, held while this object lives (and released by
// PostgreSQL when the process or its connection dies).
class CaseStore {
 public:
  static const std::vector<PgStatement>& Statements();

  CaseStore(PgPool* pool, const PiiCipher* cipher, DocumentOffice office = {})
      : pool_(pool), cipher_(cipher), office_(std::move(office)) {}

  // The case's documents (or the one `document_id` when not empty: NOT_FOUND
  // when the case has no such document), oldest first, {{petitioner}} still
  // in their text. When `reveal(case)` is true and a document names the
  // petitioners, the identity read is recorded in the same transaction.
  absl::StatusOr<CaseDocuments> Documents(const std::string& case_id,
                                          const std::string& document_id, const Principal& reader,
                                          const std::string& request_id,
                                          const std::function<bool(const v1::Case&)>& reveal,
                                          const TxOptions& tx_options = {});

  // Stores a material of case `case_id` (sealed; outside the transaction)
  // under the case's row lock, after `check` (which sees the bytes already
  // stored on the case). The same bytes already on the case answer that
  // material, nothing written. NOT_FOUND without such a case.
  absl::StatusOr<v1::Material> AddMaterial(const std::string& case_id, const NewMaterial& m,
                                           const MaterialCheck& check,
                                           const TxOptions& tx_options = {});
  // The case's materials, oldest first, after `check(case, 0)`; the read is
  // audited (purpose ListMaterials) when there are any.
  absl::StatusOr<std::vector<v1::Material>> Materials(const std::string& case_id,
                                                      const Principal& reader,
                                                      const std::string& request_id,
                                                      const MaterialCheck& check,
                                                      const TxOptions& tx_options = {});
  // One material with its bytes opened, after `check(case, 0)`; audited
  // (purpose GetMaterial) in the same transaction. NOT_FOUND when the case
  // has no such material.
  absl::StatusOr<CaseMaterial> Material(const std::string& case_id, const std::string& material_id,
                                        const Principal& reader, const std::string& request_id,
                                        const MaterialCheck& check,
                                        const TxOptions& tx_options = {});

  // The identity reads of a case, oldest first, after audit row `after_id`
  // (0: from the start), at most `limit`; with each row's id for the next page.
  absl::StatusOr<std::vector<std::pair<int64_t, v1::IdentityRead>>> IdentityReads(
      const std::string& case_id, int64_t after_id, int limit, const TxOptions& tx_options = {});

  // Supervision's events, in one transaction, each once by event id.
  absl::StatusOr<AppliedCounts> ApplySupervisionEvents(
      const std::vector<petition::v1::SupervisionEvent>& events, const SupervisionEventFn& apply,
      const TxOptions& tx_options = {});

  // Stores the case, its sealed petitioners and `event` in one transaction.
  // With a request id this caller already used: the same request hash returns
  // the first case (created=false; identity revealed and audited or not, as
  // call.reveal says); another hash is ALREADY_EXISTS.
  absl::StatusOr<RegisterResult> Register(const v1::Case& c, const RegisterCall& call,
                                          const petition::v1::CaseEvent& event,
                                          const TxOptions& tx_options = {});

  // The case with its petitioners' identity opened. When `reveal(case)` is
  // true an identity read by `reader` is recorded in the same transaction;
  // when false the caller must mask before answering.
  absl::StatusOr<v1::Case> Get(const std::string& case_id, const Principal& reader,
                               const std::string& request_id,
                               const std::function<bool(const v1::Case&)>& reveal,
                               const TxOptions& tx_options = {});

  // One page of cases matching `query` (newest received first), at most
  // query.page_size + 1 (the extra one says there is a next page), with
  // petitioners opened. `scope_unit` non-empty limits the list to cases that
  // unit handles (a handler's view). For each case `reveal(case)` says whether
  // the reader sees identity: those reads are recorded in the same
  // transaction; the caller masks the others.
  // `hidden_unit` non-empty leaves out the cases that report that unit (A30:
  // hidden entirely from its officials).
  absl::StatusOr<std::vector<v1::Case>> List(const CaseListQuery& query,
                                             const std::string& scope_unit,
                                             const std::string& hidden_unit,
                                             const Principal& reader, const std::string& request_id,
                                             const std::function<bool(const v1::Case&)>& reveal,
                                             const TxOptions& tx_options = {});

  // Those of `case_ids` that report `unit` (the links a reader of that unit
  // must not see).
  absl::StatusOr<std::vector<std::string>> CasesReporting(const std::vector<std::string>& case_ids,
                                                          const std::string& unit,
                                                          const TxOptions& tx_options = {});

  // One lifecycle step on a case: locks its row (SELECT ... FOR UPDATE, so
  // that concurrent steps on one case serialise and each sees the other's
  // result), loads it, asks `decide`, and writes the change, the history
  // entry, the opinion and the event (next sequence of the case) in the same
  // transaction. NOT_FOUND when there is no such case.
  // With `retry` (request id not empty): after the lock, a request id this
  // subject already used answers the first result when method and request
  // hash are the same (replayed, `decide` not called), ALREADY_EXISTS when not.
  absl::StatusOr<StepResult> ApplyStep(const std::string& case_id, const StepFn& decide,
                                       const TxOptions& tx_options = {},
                                       const StepRetry* retry = nullptr);

  // A step's retry looked up before anything else is asked (AIP-155: a
  // retry gets its first answer even when a check made before the step
  // would now fail, e.g. a peer service that is down): the first answer
  // (replayed) when `retry` names a request this subject already made on
  // this case with the same method and body; nullopt when the id is new or
  // empty; ALREADY_EXISTS when it came with another request. Reads only:
  // ApplyStep decides again under the case's lock.
  absl::StatusOr<std::optional<StepResult>> FindStepReplay(const std::string& case_id,
                                                           const StepRetry* retry,
                                                           const TxOptions& tx_options = {});
  // The unit of a case's opinion, read without a lock (a step asks the
  // directory about it before it locks the case). NOT_FOUND when the case
  // has no such opinion.
  absl::StatusOr<std::string> OpinionUnit(const std::string& case_id, const std::string& opinion_id,
                                          const TxOptions& tx_options = {});

  // The outbox relay's steps, each a short transaction of its own; delivery
  // happens between them with no connection held.
  // The lock that makes one relay per schema; nullptr when another holds it.
  absl::StatusOr<std::unique_ptr<SessionLock>> TryLockRelay();
  // Up to `limit` pending events, oldest first (per case in sequence order).
  absl::StatusOr<std::vector<OutboxEvent>> PendingEvents(int limit,
                                                         const TxOptions& tx_options = {});
  absl::Status MarkDelivered(const std::vector<int64_t>& ids, const TxOptions& tx_options = {});
  // Delivery failed for now: the events stay pending, with the error.
  absl::Status MarkFailed(const std::vector<int64_t>& ids, const std::string& error,
                          const TxOptions& tx_options = {});
  // Refused for good: kept aside with the error, out of the relay's way.
  absl::Status Park(int64_t id, const std::string& error, const TxOptions& tx_options = {});
  absl::StatusOr<OutboxCounts> CountOutbox(const TxOptions& tx_options = {});

  // Key rotation (service/key_rotation.h), one transaction per call: locks up
  // to `limit` petitioner rows after (after_case_id, after_ordinal) in key
  // order that are sealed under another key than the cipher's current one,
  // opens each, and re-seals it under the current key (bound to its place,
  // seal version 2) with its look-up hash under that key. A row that does not
  // open fails the batch (nothing of it written), naming its case.
  absl::StatusOr<ResealBatch> ResealPetitioners(const std::string& after_case_id, int after_ordinal,
                                                int limit);
  absl::StatusOr<SealCounts> CountSeals();
  // Building blocks for a store that writes cases inside a transaction of its
  // own (county transfers, county_store.h), with the same rules as above.
  // The case with petitioners opened, history and opinions.
  absl::StatusOr<v1::Case> LoadInTransaction(pqxx::transaction_base& tx,
                                             const std::string& case_id) const;
  // A new case as Register stores it, without a request id: sealed
  // petitioners, repeat detection, the history entry and `event` (sequence 1).
  absl::StatusOr<v1::Case> InsertInTransaction(pqxx::transaction_base& tx, const v1::Case& c,
                                               const Principal& caller,
                                               const petition::v1::CaseEvent& event,
                                               double repeat_similarity) const;
  // A case's registration fields (source, channel, received_at, headcount,
  // collective, category, reported units, subject, content, urgent) and its
  // petitioners replaced by `c`'s; `step` and `event` (next sequence) appended.
  absl::Status UpdateRegistrationInTransaction(pqxx::transaction_base& tx, const v1::Case& c,
                                               const v1::CaseStep& step,
                                               petition::v1::CaseEvent event) const;

 private:
  using SealedPetitioners = std::vector<std::pair<pqxx::binarystring, std::string>>;  // + hash
  SealedPetitioners Seal(const v1::Case& c) const;
  // Inserts the case (nothing when request_subject/request_id were used
  // before: nullopt), its petitioners, history entry and event.
  absl::StatusOr<std::optional<v1::Case>> InsertCase(
      pqxx::transaction_base& tx, const v1::Case& c, const SealedPetitioners& sealed,
      const Principal& caller, const petition::v1::CaseEvent& event, double repeat_similarity,
      const std::string& request_subject, const std::string& request_id,
      const std::string& request_sha256) const;

  PgPool* pool_;
  const PiiCipher* cipher_;
  const DocumentOffice office_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_STORE_CASE_STORE_H_
