// All SQL of supervision: applied events, case tracks and deadlines.
#ifndef PETITION_SERVICES_SUPERVISION_STORE_DEADLINE_STORE_H_
#define PETITION_SERVICES_SUPERVISION_STORE_DEADLINE_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/case_visibility.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/session_lock.h"
#include "petition/v1/events.pb.h"
#include "services/supervision/domain/annual_assessment.h"
#include "services/supervision/domain/deadline_policy.h"
#include "services/supervision/domain/screening_report.h"
#include "services/supervision/domain/unit_stats.h"

// The service's migrations, embedded from services/supervision/migrations/.
const std::vector<petition::Migration>& SupervisionMigrations();

namespace petition::supervision {

struct DeadlineRecord {
  std::string case_id;  // set when read in lists across cases
  std::string kind;     // ACCEPTANCE, HANDLING, APPROVAL, REVIEW_WINDOW, COUNTY, OBJECTION...
  absl::CivilDay start_date;
  absl::CivilDay due_date;
  bool provisional = false;
  std::string state = "OPEN";
  std::optional<absl::Time> met_at;
  int extended_by_days = 0;
  // The policy it was opened under (0: before policies were stored, the
  // regulation's) and the limit it counts (none for COUNTY: the county's
  // date).
  int64_t policy_version = 0;
  std::optional<Limit> limit;
  bool urgent = false;
};

struct OrderStep {
  std::string level;
  absl::Time at;
  std::string reason;
};

struct OrderRecord {
  std::string order_id;
  std::string case_id;
  std::string unit_id;
  std::string level = "REMINDER";
  absl::CivilDay due_date;
  std::string note;
  std::string state = "OPEN";
  std::string deadline_kind;  // automatic orders
  bool automatic = false;
  std::string response;
  absl::Time created_at;
  std::string created_by;
  std::optional<absl::Time> responded_at;
  std::string request_id;
  std::vector<OrderStep> steps;
};

struct DutyRecord {
  std::string duty;
  bool done = false;
  std::string note;
  std::string marked_by;
  absl::Time marked_at;
};

struct StoredPolicy {
  int64_t version = 0;
  DeadlinePolicy policy;
  std::string request_id;
  absl::Time created_at;
};

// What the scanner changes in one batch.
struct ScanResult {
  int overdue = 0;           // OPEN/DUE_SOON -> OVERDUE
  int expired = 0;           // a petitioner's window OPEN/DUE_SOON -> EXPIRED
  int due_soon = 0;          // OPEN -> DUE_SOON
  int orders_opened = 0;     // automatic REMINDERs for HANDLING/COUNTY
  int orders_escalated = 0;  // open orders past their due date, one level up
  // The deadlines that became OVERDUE in this batch.
  std::vector<DeadlineRecord> became_overdue;
};

// The due date of a supervision order opened or escalated on the scanner's
// day, by level (REMINDER, ORDER, LISTED, SUMMONS): the policy's windows,
// counted by the service before the scanner's transaction.
using OrderDueDates = std::map<std::string, absl::CivilDay>;

struct DeadlineFilter {
  // "" for every state; a pending deadline due before `today` counts as
  // OVERDUE whether or not the scanner has passed since.
  std::string state;
  absl::CivilDay today;
  std::string unit_id;  // "" for every unit
  std::string kind;     // "" for every kind
  // The reader's unit: the cases that report it are left out (A30); "" none.
  std::string hidden_unit;
  int page_size = 50;
  // Keyset: after (due_date, case_id, kind).
  std::optional<std::tuple<absl::CivilDay, std::string, std::string>> after;
};

struct ScreeningReportRecord {
  std::string unit_id;
  std::string month;  // YYYY-MM
  bool zero_report = false;
  std::vector<ScreeningItemRecord> items;
  std::string reported_by;
  absl::Time reported_at;
  std::string updated_by;
  absl::Time updated_at;
};

struct EscalationRecord {
  std::string escalation_id;
  std::string case_id;
  std::string unit_id;  // "" on create: the case's first handling unit
  std::string level;    // COUNTY, CITY, PROVINCE, NATIONAL
  int headcount = 1;
  bool reported_in_advance = false;
  absl::CivilDay occurred_on;
  std::string note;
  std::string recorded_by;
  absl::Time recorded_at;
  // The higher body found the declined case within the township's remit.
  bool decline_overturned = false;
  // Read back: the case's deadlines and decline as they stand, with
  // decline_overturned (what the fault rule looks at).
  OverLevelFacts case_facts;
};

struct EscalationFilter {
  std::string unit_id;
  std::string case_id;
  std::optional<absl::CivilDay> from, to;
  // Keyset: after (occurred_on, escalation_id).
  std::optional<std::pair<absl::CivilDay, std::string>> after;
  int limit = 50;
  std::string time_zone = "Asia/Shanghai";  // the township's
  // The reader's unit: escalations of cases that report it are left out
  // (A30); "" none.
  std::string hidden_unit;
};

// The annual assessment's targets of one year.
struct AssessmentTargetsRecord {
  int year = 0;
  AssessmentTargets targets;
  std::string updated_by;
  absl::Time updated_at;
};

// 听证会 / 书记办公会议、党政会议 held on a case.
struct HearingRecord {
  std::string hearing_id;
  std::string case_id;
  std::string kind;  // HEARING, LEADERSHIP_MEETING
  absl::CivilDay held_on;
  // The last day (held_on for a one-day hearing).
  absl::CivilDay ends_on;
  std::string note;
  std::string recorded_by;
  absl::Time recorded_at;
};

// AIP-155: a request id of one caller for one method, and what makes two
// requests the same (common/request_fingerprint.h). Empty request_id: none.
struct RequestKey {
  std::string subject;
  std::string method;
  std::string request_id;
  std::string sha256;
};

// A due date a calendar change moved.
struct DueDateChangeRecord {
  std::string case_id;
  std::string kind;
  absl::CivilDay old_due_date;
  absl::CivilDay new_due_date;
  bool old_provisional = false;
  bool new_provisional = false;
  int calendar_year = 0;
  absl::Time at;
};

struct OutboxRow {
  int64_t id;
  std::string case_id;
  std::string payload;
};

// A session-level advisory lock on a connection of its own; PostgreSQL
// releases it when the connection or the process dies.
class DeadlineStore {
 public:
  static const std::vector<PgStatement>& Statements();

  explicit DeadlineStore(PgPool* pool) : pool_(pool) {}

  // The pool the store's own transactions run on; a handler runs its one
  // transaction there and hands it to the methods that take `tx`.
  PgPool* pool() const { return pool_; }

  // What applying one case event does to supervision's records. The service
  // decides it (it knows the policy and the calendar); the store applies it.
  struct Application {
    const petition::v1::CaseEvent* event = nullptr;
    // Deadlines the event opens (a registration opens ACCEPTANCE).
    std::vector<DeadlineRecord> open;
    // Deadlines whose due date the event sets or moves while pending (a
    // county push's COUNTY date), opened when missing.
    std::vector<DeadlineRecord> replace;
    // The case became urgent (or not): flagged on every deadline.
    std::optional<bool> urgent;
    // Kinds of deadline the event meets, at event->occurred_at(); met_day is
    // that moment's day in the township: MET when on or before the due date,
    // else MISSED.
    std::vector<std::string> meet;
    absl::CivilDay met_day;
    // Deadlines the event opens again from scratch (a review that changed
    // the answer reopens HANDLING): start, due date and limit replaced,
    // pending again, not met.
    std::vector<DeadlineRecord> reopen;
    // Deadlines the event removes, to be opened afresh by a later event
    // (the APPROVAL of the opinion answered before the review).
    std::vector<std::string> drop;
    // A review or recheck decision (the statistics count a changed answer).
    struct ReviewDecision {
      std::string stage;    // REVIEW or RECHECK
      std::string outcome;  // UPHELD, CHANGED or REVOKED
      absl::CivilDay decided_on;
    };
    std::optional<ReviewDecision> review_decision;
    // Windows (petitioner_window.h) the event closes unused, at
    // event->occurred_at(): EXPIRED if still pending, the right gone (the
    // township accepted or declined a county transfer it could object to).
    std::vector<std::string> expire;
    // The case's units, when the event changes them (visibility).
    std::optional<std::vector<std::string>> handling_unit_ids;
    std::optional<std::vector<std::string>> reported_unit_ids;
    std::optional<std::string> leader_id;  // the receiving leader (六包)
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
  // The same inside the caller's transaction.
  absl::StatusOr<int> ApplyEvents(pqxx::transaction_base& tx,
                                  const std::vector<Application>& applications);

  // The current policy; NOT_FOUND before the first.
  absl::StatusOr<StoredPolicy> CurrentPolicy(const TxOptions& tx_options = {});
  absl::StatusOr<StoredPolicy> CurrentPolicy(pqxx::transaction_base& tx);
  // Stores `initial` as version 1 unless a policy exists; returns the current.
  absl::StatusOr<StoredPolicy> EnsurePolicy(const DeadlinePolicy& initial);
  // A new version (the next number). The same request id again: the version
  // it made when the policy is the same, ALREADY_EXISTS when it differs.
  absl::StatusOr<StoredPolicy> PutPolicy(const DeadlinePolicy& policy,
                                         const std::string& request_id,
                                         const TxOptions& tx_options = {});
  // Every version, oldest first.
  absl::StatusOr<std::vector<StoredPolicy>> AllPolicies(const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<StoredPolicy>> AllPolicies(pqxx::transaction_base& tx);

  // One deadline of a case; NOT_FOUND when it has none of that kind.
  absl::StatusOr<DeadlineRecord> GetDeadline(const std::string& case_id, const std::string& kind,
                                             const TxOptions& tx_options = {});
  absl::StatusOr<DeadlineRecord> GetDeadline(pqxx::transaction_base& tx, const std::string& case_id,
                                             const std::string& kind);

  struct ExtensionRecord {
    std::string case_id;
    int days = 0;
    std::string reason;
    absl::CivilDay old_due_date;
    absl::CivilDay new_due_date;
    std::string granted_by;
    std::string request_id;
    absl::Time granted_at;
  };
  // Moves the pending HANDLING deadline from `expected_due` to the
  // extension's new date (back to OPEN: the scanner re-evaluates it),
  // records the extension, claims `key` (the caller's request id) and writes
  // `event` (a SupervisionEvent) to the outbox, in one transaction. A `key`
  // claimed before by the same caller: that request's extension (its first
  // answer), whatever changed since. Otherwise, under the deadline's lock:
  // ALREADY_EXISTS when the case has had its extension; FAILED_PRECONDITION
  // when HANDLING is met, or OVERDUE, or due before `today` (naming the due
  // date: an overdue deadline stays overdue); ABORTED when its due date
  // moved meanwhile.
  absl::StatusOr<ExtensionRecord> GrantExtension(const ExtensionRecord& extension,
                                                 absl::CivilDay expected_due, absl::CivilDay today,
                                                 const RequestKey& key,
                                                 const std::string& event_payload,
                                                 const TxOptions& tx_options = {});
  absl::StatusOr<ExtensionRecord> GrantExtension(pqxx::transaction_base& tx,
                                                 const ExtensionRecord& extension,
                                                 absl::CivilDay expected_due, absl::CivilDay today,
                                                 const RequestKey& key,
                                                 const std::string& event_payload);
  // The extension a request id of this caller made, read before anything
  // else is checked: std::nullopt when the id is new (or empty);
  // ALREADY_EXISTS when it came with another request.
  absl::StatusOr<std::optional<ExtensionRecord>> ExtensionOfRequest(
      const RequestKey& key, const TxOptions& tx_options = {});
  absl::StatusOr<std::optional<ExtensionRecord>> ExtensionOfRequest(pqxx::transaction_base& tx,
                                                                    const RequestKey& key);
  // The complexity the case was accepted with (SIMPLE, ORDINARY, COMPLEX;
  // "" when unknown); NOT_FOUND for a case supervision has not heard of.
  absl::StatusOr<std::string> CaseComplexity(const std::string& case_id,
                                             const TxOptions& tx_options = {});
  absl::StatusOr<std::string> CaseComplexity(pqxx::transaction_base& tx,
                                             const std::string& case_id);

  // Deadlines across cases, by due date (then case, kind).
  absl::StatusOr<std::vector<DeadlineRecord>> ListDeadlines(const DeadlineFilter& filter,
                                                            const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<DeadlineRecord>> ListDeadlines(pqxx::transaction_base& tx,
                                                            const DeadlineFilter& filter);

  // One batch of the scanner, in one transaction: pending deadlines due
  // before `today` become OVERDUE, OPEN ones due on or before their policy's
  // horizon become DUE_SOON (`horizons` by policy version, 0 for none). Rows
  // another scanner holds are skipped (FOR UPDATE SKIP LOCKED), so that two
  // scanners never move the same row. Each change is recorded in
  // deadline_transitions at `now`.
  // Orders opened or escalated in the batch are due on `order_due` of
  // their level.
  absl::StatusOr<ScanResult> ScanBatch(
      absl::CivilDay today, const std::vector<std::pair<int64_t, absl::CivilDay>>& horizons,
      const OrderDueDates& order_due, absl::Time now, int limit);

  // Supervision orders. CreateOrder: NOT_FOUND for an unknown case; the
  // same request id of the same caller again returns the order it made
  // (ALREADY_EXISTS with another request); another caller's is its own.
  absl::StatusOr<OrderRecord> CreateOrder(const OrderRecord& order, const RequestKey& key,
                                          const TxOptions& tx_options = {});
  absl::StatusOr<OrderRecord> CreateOrder(pqxx::transaction_base& tx, const OrderRecord& order,
                                          const RequestKey& key);
  absl::StatusOr<OrderRecord> GetOrder(const std::string& order_id,
                                       const TxOptions& tx_options = {});
  absl::StatusOr<OrderRecord> GetOrder(pqxx::transaction_base& tx, const std::string& order_id);
  // `hidden_unit`: the reader's unit, whose reports are left out (A30).
  absl::StatusOr<std::vector<OrderRecord>> ListOrders(const std::string& case_id,
                                                      const std::string& unit_id,
                                                      const std::string& state,
                                                      const std::string& after_order_id, int limit,
                                                      const std::string& hidden_unit = "",
                                                      const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<OrderRecord>> ListOrders(pqxx::transaction_base& tx,
                                                      const std::string& case_id,
                                                      const std::string& unit_id,
                                                      const std::string& state,
                                                      const std::string& after_order_id, int limit,
                                                      const std::string& hidden_unit);
  // FAILED_PRECONDITION unless the order is OPEN (respond) / not CLOSED (close).
  // A request id seen before (`key`) answers with the order as it is.
  absl::StatusOr<OrderRecord> RespondOrder(const std::string& order_id, const std::string& response,
                                           absl::Time now, const RequestKey& key = {},
                                           const TxOptions& tx_options = {});
  absl::StatusOr<OrderRecord> RespondOrder(pqxx::transaction_base& tx, const std::string& order_id,
                                           const std::string& response, absl::Time now,
                                           const RequestKey& key);
  absl::StatusOr<OrderRecord> CloseOrder(const std::string& order_id, const std::string& note,
                                         absl::Time now, const RequestKey& key = {},
                                         const TxOptions& tx_options = {});
  absl::StatusOr<OrderRecord> CloseOrder(pqxx::transaction_base& tx, const std::string& order_id,
                                         const std::string& note, absl::Time now,
                                         const RequestKey& key);

  // The six duties of a case and its receiving leader.
  absl::StatusOr<std::pair<std::string, std::vector<DutyRecord>>> GetDuties(
      const std::string& case_id, const TxOptions& tx_options = {});
  absl::StatusOr<std::pair<std::string, std::vector<DutyRecord>>> GetDuties(
      pqxx::transaction_base& tx, const std::string& case_id);
  // A request id seen before (`key`) changes nothing.
  absl::Status PutDuties(const std::string& case_id, const std::string& leader_id,
                         const std::vector<DutyRecord>& marks, const RequestKey& key = {},
                         const TxOptions& tx_options = {});
  absl::Status PutDuties(pqxx::transaction_base& tx, const std::string& case_id,
                         const std::string& leader_id, const std::vector<DutyRecord>& marks,
                         const RequestKey& key);

  // Screening reports (每月一次信访排查). Put replaces the unit's report for
  // the month (its first reporter and time stay).
  absl::StatusOr<ScreeningReportRecord> PutScreeningReport(const ScreeningReportRecord& report,
                                                           const RequestKey& key,
                                                           const TxOptions& tx_options = {});
  absl::StatusOr<ScreeningReportRecord> PutScreeningReport(pqxx::transaction_base& tx,
                                                           const ScreeningReportRecord& report,
                                                           const RequestKey& key);
  // The month's reports by unit id, after `after_unit_id`; `unit_id` "" for
  // every unit.
  absl::StatusOr<std::vector<ScreeningReportRecord>> ListScreeningReports(
      const std::string& month, const std::string& unit_id, const std::string& after_unit_id,
      int limit, const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<ScreeningReportRecord>> ListScreeningReports(
      pqxx::transaction_base& tx, const std::string& month, const std::string& unit_id,
      const std::string& after_unit_id, int limit);
  // The month's reporting units (all of them).
  absl::StatusOr<std::vector<std::string>> ReportedUnits(const std::string& month,
                                                         const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<std::string>> ReportedUnits(pqxx::transaction_base& tx,
                                                         const std::string& month);
  // Replaces the table of units that owe reports (unit id, kind).
  absl::Status RememberUnits(const std::vector<std::pair<std::string, std::string>>& units,
                             absl::Time now, const TxOptions& tx_options = {});
  // The same in the caller's transaction, under a savepoint: a failure is
  // returned and leaves `tx` usable.
  absl::Status RememberUnits(pqxx::transaction_base& tx,
                             const std::vector<std::pair<std::string, std::string>>& units,
                             absl::Time now);

  // Escalations (越级上访). NOT_FOUND for a case supervision has not heard
  // of; FAILED_PRECONDITION when no unit is given and the case has none, or
  // when decline_overturned is set and the case was not declined on or
  // before the escalation's day (naming declineOverturned).
  // `zone`: the township's, for the days the deadlines were met.
  absl::StatusOr<EscalationRecord> CreateEscalation(const EscalationRecord& escalation,
                                                    const RequestKey& key, const std::string& zone,
                                                    const TxOptions& tx_options = {});
  absl::StatusOr<EscalationRecord> CreateEscalation(pqxx::transaction_base& tx,
                                                    const EscalationRecord& escalation,
                                                    const RequestKey& key, const std::string& zone);
  absl::StatusOr<std::vector<EscalationRecord>> ListEscalations(const EscalationFilter& filter,
                                                                const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<EscalationRecord>> ListEscalations(pqxx::transaction_base& tx,
                                                                const EscalationFilter& filter);

  // Hearings and leadership meetings; NOT_FOUND for an unknown case. A
  // HEARING's days inside the case's pending RECHECK_ANSWER move its due
  // date (A36: hearing time is not counted); `today` decides whether an
  // OVERDUE one opens again.
  absl::StatusOr<HearingRecord> CreateHearing(const HearingRecord& hearing, const RequestKey& key,
                                              absl::CivilDay today,
                                              const TxOptions& tx_options = {});
  absl::StatusOr<HearingRecord> CreateHearing(pqxx::transaction_base& tx,
                                              const HearingRecord& hearing, const RequestKey& key,
                                              absl::CivilDay today);
  // A case's, by day held, after the keyset.
  absl::StatusOr<std::vector<HearingRecord>> ListHearings(
      const std::string& case_id,
      const std::optional<std::pair<absl::CivilDay, std::string>>& after, int limit,
      const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<HearingRecord>> ListHearings(
      pqxx::transaction_base& tx, const std::string& case_id,
      const std::optional<std::pair<absl::CivilDay, std::string>>& after, int limit);

  // What the unit statistics count over [from, to] (days in `zone`): every
  // case with anything on those days (a HANDLING due date from the day
  // before `from`: it goes overdue the day after), the escalations of those
  // days and the earlier ones of the same cases, leaving out the cases that
  // report `hidden_unit` (the reader's unit, A30: its statistics read as if
  // those cases did not exist; "" for none).
  struct StatsFacts {
    std::vector<CaseFacts> cases;
    std::vector<EscalationFacts> escalations;
  };
  absl::StatusOr<StatsFacts> StatsFactsFor(absl::CivilDay from, absl::CivilDay to,
                                           absl::TimeZone zone, const std::string& hidden_unit,
                                           const TxOptions& tx_options = {});
  absl::StatusOr<StatsFacts> StatsFactsFor(pqxx::transaction_base& tx, absl::CivilDay from,
                                           absl::CivilDay to, absl::TimeZone zone,
                                           const std::string& hidden_unit);

  // The annual assessment's targets: Put replaces the year's (a request id
  // seen before changes nothing and answers the targets as they are); Get is
  // NOT_FOUND for a year without targets.
  absl::StatusOr<AssessmentTargetsRecord> PutAssessmentTargets(
      const AssessmentTargetsRecord& targets, const RequestKey& key,
      const TxOptions& tx_options = {});
  absl::StatusOr<AssessmentTargetsRecord> GetAssessmentTargets(int year,
                                                               const TxOptions& tx_options = {});
  absl::StatusOr<AssessmentTargetsRecord> GetAssessmentTargets(pqxx::transaction_base& tx,
                                                               int year);

  // Calendar recomputation: the calendar versions the pending deadlines were
  // last recomputed against, by year.
  absl::StatusOr<std::map<int, int64_t>> SeenCalendarVersions(const TxOptions& tx_options = {});
  // Pending deadlines with a limit whose counting may touch `year` (start on
  // or before it, due on or after it): the provisional ones only, or all.
  absl::StatusOr<std::vector<DeadlineRecord>> PendingDeadlinesTouching(
      int year, bool only_provisional, const TxOptions& tx_options = {});
  // In one transaction: the year's seen version moves from `expected` (0:
  // never seen) to `version` (nothing happens and false is returned when
  // another replica moved it meanwhile), and each change is applied to its
  // deadline while it is still pending at its old date (back to OPEN for the
  // scanner) and recorded. Returns whether this call applied them.
  absl::StatusOr<bool> ApplyRecomputation(int year, int64_t expected, int64_t version,
                                          const std::vector<DueDateChangeRecord>& changes,
                                          const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<DueDateChangeRecord>> DueDateChanges(const std::string& case_id,
                                                                  const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<DueDateChangeRecord>> DueDateChanges(pqxx::transaction_base& tx,
                                                                  const std::string& case_id);

  // The outbox (SupervisionEvents for intake).
  absl::StatusOr<std::unique_ptr<SessionLock>> TryLockRelay();
  absl::StatusOr<std::vector<OutboxRow>> PendingOutbox(int limit, const TxOptions& tx_options = {});
  absl::Status MarkDelivered(const std::vector<int64_t>& ids, const TxOptions& tx_options = {});
  absl::Status MarkFailed(const std::vector<int64_t>& ids, const std::string& error,
                          const TxOptions& tx_options = {});
  absl::Status Park(int64_t id, const std::string& error, const TxOptions& tx_options = {});

  // NOT_FOUND when supervision has not heard of the case (yet).
  absl::StatusOr<std::vector<DeadlineRecord>> ListForCase(const std::string& case_id,
                                                          const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<DeadlineRecord>> ListForCase(pqxx::transaction_base& tx,
                                                          const std::string& case_id);

  // The units that decide who may read the case (from its registration);
  // NOT_FOUND when supervision has not heard of the case (yet).
  absl::StatusOr<CaseUnits> UnitsOfCase(const std::string& case_id,
                                        const TxOptions& tx_options = {});
  absl::StatusOr<CaseUnits> UnitsOfCase(pqxx::transaction_base& tx, const std::string& case_id);

 private:
  static const std::vector<PgStatement>& DeadlineStatements();
  static const std::vector<PgStatement>& AccountabilityStatements();
  PgPool* pool_;
};

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_STORE_DEADLINE_STORE_H_
