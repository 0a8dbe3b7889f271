#include "services/supervision/store/deadline_store.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/pg_array.h"
#include "services/supervision/domain/extension_rule.h"
#include "services/supervision/domain/petitioner_window.h"
#include "services/supervision/store/hidden_reports_sql.h"
#include "services/supervision/store/policy_codec.h"

namespace petition::supervision {
namespace {

#define DEADLINE_COLUMNS                                                                      \
  "case_id, kind, to_char(start_date, 'YYYY-MM-DD') AS start_date, "                          \
  "to_char(due_date, 'YYYY-MM-DD') AS due_date, provisional, state, met_at, "                 \
  "extended_by_days, coalesce(policy_version, 0) AS policy_version, limit_days, limit_unit, " \
  "urgent"

constexpr char kInsertApplied[] = "supervision_insert_applied";
constexpr char kReplaceDeadline[] = "supervision_replace_deadline";
constexpr char kSetUrgent[] = "supervision_set_urgent";
constexpr char kSelectPolicy[] = "supervision_select_policy";
constexpr char kSelectPolicies[] = "supervision_select_policies";
constexpr char kLockPolicies[] = "supervision_lock_policies";
constexpr char kInsertPolicy[] = "supervision_insert_policy";
constexpr char kSelectPolicyByRequest[] = "supervision_select_policy_by_request";
constexpr char kSelectDeadline[] = "supervision_select_deadline";
constexpr char kSelectExtension[] = "supervision_select_extension";
constexpr char kLockHandling[] = "supervision_lock_handling";
constexpr char kInsertExtension[] = "supervision_insert_extension";
constexpr char kExtendHandling[] = "supervision_extend_handling";
constexpr char kInsertOutbox[] = "supervision_insert_outbox";
constexpr char kReopenDeadline[] = "supervision_reopen_deadline";
constexpr char kDropDeadline[] = "supervision_drop_deadline";
constexpr char kInsertReviewDecision[] = "supervision_insert_review_decision";
constexpr char kSelectRequestResource[] = "supervision_select_request_resource";
constexpr char kSelectComplexity[] = "supervision_select_complexity";
constexpr char kListAll[] = "supervision_list_deadlines";
constexpr char kListAllForUnit[] = "supervision_list_deadlines_for_unit";
constexpr char kListOverdue[] = "supervision_list_overdue";
constexpr char kListOverdueForUnit[] = "supervision_list_overdue_for_unit";
constexpr char kListState[] = "supervision_list_deadlines_in_state";
constexpr char kListStateForUnit[] = "supervision_list_deadlines_in_state_for_unit";

#define LIST_ORDER "ORDER BY d.due_date, d.case_id, d.kind"
// A window (domain/petitioner_window.h IsWindow: the petitioner's
// REVIEW_WINDOW, the township's OBJECTION period) past its due date is
// EXPIRED, never OVERDUE.
#define PETITIONER_WINDOWS "('REVIEW_WINDOW', 'RECHECK_WINDOW', 'OBJECTION')"
// The deadlines of other people than the case's units (domain/
// deadline_owner.h) that a unit's lists leave out: the approving leaders'
// APPROVAL, the reviewing body's REVIEW_ANSWER, and the township's right to
// object to a transfer (OBJECTION), which no unit owes. (The petitioner's
// REVIEW_WINDOW is shown to the unit, but never overdue against it.)
#define NOT_THE_UNITS "('APPROVAL', 'REVIEW_ANSWER', 'RECHECK_ANSWER', 'OBJECTION')"
#define PENDING_BEFORE_1                                                      \
  "d.state IN ('OPEN', 'DUE_SOON', 'OVERDUE') AND d.due_date < $1::date AND " \
  "d.kind NOT IN " PETITIONER_WINDOWS
// The rows that read state $1 on day $2: OPEN and DUE_SOON rows not yet past
// due, MET and MISSED rows, and for EXPIRED the stored ones and the pending
// petitioner's windows past due (the scanner's next pass has not moved yet).
#define STATE_AS_SHOWN_1_2                                                     \
  "((d.state = $1 AND (d.met_at IS NOT NULL OR d.due_date >= $2::date OR "     \
  "d.state = 'EXPIRED')) OR ($1 = 'EXPIRED' AND d.kind IN " PETITIONER_WINDOWS \
  " AND d.state IN ('OPEN', 'DUE_SOON') AND d.met_at IS NULL AND d.due_date < $2::date))"
#define CASES_OF_UNIT_1 \
  "(SELECT t.case_id FROM case_tracks t WHERE t.handling_unit_ids @> ARRAY[$1]::text[])"
#define CASES_OF_UNIT_8 \
  "(SELECT t.case_id FROM case_tracks t WHERE t.handling_unit_ids @> ARRAY[$8]::text[])"
constexpr char kScanOverdue[] = "supervision_scan_overdue";
constexpr char kScanExpired[] = "supervision_scan_expired";
constexpr char kScanDueSoon[] = "supervision_scan_due_soon";
constexpr char kTryRelayLock[] = "supervision_try_relay_lock";
constexpr char kSelectOutbox[] = "supervision_select_outbox";
constexpr char kMarkDelivered[] = "supervision_mark_delivered";
constexpr char kMarkFailed[] = "supervision_mark_failed";
constexpr char kPark[] = "supervision_park";
constexpr char kForgetApplied[] = "supervision_forget_applied";
constexpr char kAdvanceTrack[] = "supervision_advance_track";
constexpr char kSelectLastSequence[] = "supervision_select_last_sequence";
constexpr char kMeetDeadline[] = "supervision_meet_deadline";
constexpr char kExpireWindow[] = "supervision_expire_window";
constexpr char kSetHandlingUnits[] = "supervision_set_handling_units";
constexpr char kSetReportedUnits[] = "supervision_set_reported_units";
constexpr char kSelectTracks[] = "supervision_select_tracks";
constexpr char kInsertTracks[] = "supervision_insert_tracks";
constexpr char kSetConcluded[] = "supervision_set_concluded";
constexpr char kSetWithdrawn[] = "supervision_set_withdrawn";
constexpr char kSetRating[] = "supervision_set_rating";
constexpr char kSetComplexity[] = "supervision_set_complexity";
constexpr char kSetAnswered[] = "supervision_set_answered";
constexpr char kSetDeclined[] = "supervision_set_declined";
constexpr char kInsertDeadlines[] = "supervision_insert_deadlines";
constexpr char kSelectDeadlines[] = "supervision_select_deadlines";
constexpr char kSelectCaseUnits[] = "supervision_select_case_units";

// The elements of a text[] column.
std::vector<std::string> TextArray(const pqxx::field& field) {
  std::vector<std::string> out;
  if (field.is_null()) return out;
  pqxx::array_parser parser = field.as_array();
  while (true) {
    auto [juncture, value] = parser.get_next();
    if (juncture == pqxx::array_parser::juncture::done) break;
    if (juncture == pqxx::array_parser::juncture::string_value) out.push_back(std::move(value));
  }
  return out;
}

}  // namespace

// The row mapping of kSelectDeadlines, by column name.
absl::StatusOr<DeadlineRecord> DeadlineFromRow(const pqxx::row& row) {
  DeadlineRecord d;
  d.kind = row["kind"].as<std::string>();
  auto start = ParseDate(row["start_date"].as<std::string>());
  auto due = ParseDate(row["due_date"].as<std::string>());
  if (!start.ok() || !due.ok()) return absl::DataLossError("bad date in deadlines");
  d.start_date = *start;
  d.due_date = *due;
  d.provisional = row["provisional"].as<bool>();
  d.state = row["state"].as<std::string>();
  if (!row["met_at"].is_null()) {
    auto met = ParseSqlTimestamp(row["met_at"].c_str());
    if (!met.ok()) return absl::DataLossError("bad met_at in deadlines");
    d.met_at = *met;
  }
  d.extended_by_days = row["extended_by_days"].as<int>();
  d.case_id = row["case_id"].as<std::string>();
  d.policy_version = row["policy_version"].as<int64_t>();
  if (!row["limit_days"].is_null()) {
    auto unit = DayUnitFromName(row["limit_unit"].as<std::string>());
    if (!unit.ok()) return unit.status();
    d.limit = Limit{row["limit_days"].as<int>(), *unit};
  }
  d.urgent = row["urgent"].as<bool>();
  return d;
}

// order_store.cc
const std::vector<PgStatement>& OrderStatements();
void SetLeaderInTx(pqxx::transaction_base& tx, const std::string& case_id,
                   const std::string& leader_id);
absl::StatusOr<std::pair<int, int>> OrdersInScanTx(pqxx::transaction_base& tx,
                                                   const std::vector<DeadlineRecord>& overdue,
                                                   absl::CivilDay today,
                                                   const OrderDueDates& order_due, absl::Time now,
                                                   int limit);
// accountability_store.cc
absl::StatusOr<std::optional<std::string>> ClaimRequestInTx(pqxx::transaction_base& tx,
                                                            const RequestKey& key,
                                                            const std::string& resource);

const std::vector<PgStatement>& DeadlineStore::Statements() {
  static const auto* kAll = [] {
    auto* all = new std::vector<PgStatement>(DeadlineStatements());
    for (const PgStatement& s : OrderStatements()) all->push_back(s);
    for (const PgStatement& s : AccountabilityStatements()) all->push_back(s);
    return all;
  }();
  return *kAll;
}

const std::vector<PgStatement>& DeadlineStore::DeadlineStatements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      // Set-based where it matters: a batch of registrations is a handful of
      // statements, whatever its size.
      {kInsertApplied,
       "INSERT INTO applied_events (event_id, case_id, sequence) "
       "SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) "
       "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"},
      {kForgetApplied, "DELETE FROM applied_events WHERE event_id = ANY($1::text[])"},
      {kSelectTracks, "SELECT case_id FROM case_tracks WHERE case_id = ANY($1::text[]) FOR UPDATE"},
      // $8 and $9 hold one array literal per case (its unit ids).
      {kInsertTracks,
       "INSERT INTO case_tracks (case_id, last_sequence, received_at, channel, category, source, "
       "urgent, handling_unit_ids, reported_unit_ids, repeat, collective, headcount) "
       "SELECT c, s, r, ch, ca, so, u, h::text[], rp::text[], re, co, hc FROM unnest($1::text[], "
       "$2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bool[], "
       "$8::text[], $9::text[], $10::bool[], $11::bool[], $12::int[]) "
       "AS t(c, s, r, ch, ca, so, u, h, rp, re, co, hc)"},
      // What the unit statistics count (the first conclusion, the rating).
      {kSetConcluded,
       "UPDATE case_tracks SET concluded_at = $2 WHERE case_id = $1 AND concluded_at IS NULL"},
      {kSetWithdrawn,
       "UPDATE case_tracks SET withdrawn_at = $2 WHERE case_id = $1 AND withdrawn_at IS NULL"},
      {kSetRating, "UPDATE case_tracks SET rating = $2, rated_at = $3 WHERE case_id = $1"},
      {kSetComplexity, "UPDATE case_tracks SET complexity = $2 WHERE case_id = $1"},
      {kSetAnswered,
       "UPDATE case_tracks SET answered_at = $2 WHERE case_id = $1 AND answered_at IS NULL"},
      // The day of the decline (不予受理): the escalation fault rule reads it.
      {kSetDeclined,
       "UPDATE case_tracks SET declined_at = $2 WHERE case_id = $1 AND declined_at IS NULL"},
      {kInsertDeadlines,
       "INSERT INTO deadlines (case_id, kind, start_date, due_date, provisional, state, "
       "policy_version, limit_days, limit_unit, urgent) "
       "SELECT c, k, s, d, p, st, nullif(v, 0), nullif(ld, 0), nullif(lu, ''), "
       "u OR coalesce((SELECT urgent FROM case_tracks WHERE case_id = c), false) FROM "
       "unnest($1::text[], $2::text[], "
       "$3::date[], $4::date[], $5::bool[], $6::text[], $7::bigint[], $8::int[], $9::text[], "
       "$10::bool[]) AS t(c, k, s, d, p, st, v, ld, lu, u) ON CONFLICT (case_id, kind) DO NOTHING"},
      // A county push moves the COUNTY date while it is pending.
      {kReplaceDeadline,
       "INSERT INTO deadlines (case_id, kind, start_date, due_date, provisional, state, "
       "policy_version, urgent) VALUES ($1, $2, $3, $4, false, 'OPEN', nullif($5::bigint, 0), $6) "
       "ON CONFLICT (case_id, kind) DO UPDATE SET due_date = EXCLUDED.due_date, state = 'OPEN' "
       "WHERE deadlines.met_at IS NULL"},
      // A review that changed the answer: the deadline runs again from the
      // decision (its extension, if any, was of the first round).
      {kReopenDeadline,
       "INSERT INTO deadlines (case_id, kind, start_date, due_date, provisional, state, "
       "policy_version, limit_days, limit_unit, urgent) VALUES ($1, $2, $3::date, $4::date, $5, "
       "'OPEN', nullif($6::bigint, 0), nullif($7::int, 0), nullif($8, ''), "
       "$9 OR coalesce((SELECT urgent FROM case_tracks WHERE case_id = $1), false)) "
       "ON CONFLICT (case_id, kind) DO UPDATE SET start_date = EXCLUDED.start_date, "
       "due_date = EXCLUDED.due_date, provisional = EXCLUDED.provisional, state = 'OPEN', "
       "met_at = NULL, policy_version = EXCLUDED.policy_version, "
       "limit_days = EXCLUDED.limit_days, limit_unit = EXCLUDED.limit_unit, "
       "extended_by_days = 0, state_changed_at = NULL"},
      {kDropDeadline, "DELETE FROM deadlines WHERE case_id = $1 AND kind = $2"},
      {kInsertReviewDecision,
       "INSERT INTO review_decisions (case_id, stage, outcome, decided_on) "
       "VALUES ($1, $2, $3, $4::date) ON CONFLICT (case_id, stage) DO NOTHING"},
      {kSetUrgent,
       "WITH t AS (UPDATE case_tracks SET urgent = $2 WHERE case_id = $1) "
       "UPDATE deadlines SET urgent = $2 WHERE case_id = $1"},
      {kSelectPolicy,
       "SELECT version, policy, coalesce(request_id, '') AS request_id, created_at "
       "FROM deadline_policies ORDER BY version DESC LIMIT 1"},
      {kSelectPolicies,
       "SELECT version, policy, coalesce(request_id, '') AS request_id, created_at "
       "FROM deadline_policies ORDER BY version"},
      {kLockPolicies, "LOCK TABLE deadline_policies IN EXCLUSIVE MODE"},
      {kInsertPolicy,
       "INSERT INTO deadline_policies (version, policy, request_id) "
       "SELECT coalesce(max(version), 0) + 1, $1, nullif($2, '') FROM deadline_policies "
       "RETURNING version, policy, coalesce(request_id, '') AS request_id, created_at"},
      {kSelectPolicyByRequest,
       "SELECT version, policy, coalesce(request_id, '') AS request_id, created_at "
       "FROM deadline_policies WHERE request_id = $1"},
      {kSelectDeadline,
       "SELECT " DEADLINE_COLUMNS " FROM deadlines WHERE case_id = $1 AND kind = $2"},
      {kSelectExtension,
       "SELECT case_id, days, reason, to_char(old_due_date, 'YYYY-MM-DD') AS old_due_date, "
       "to_char(new_due_date, 'YYYY-MM-DD') AS new_due_date, granted_by, "
       "coalesce(request_id, '') AS request_id, granted_at FROM extensions WHERE case_id = $1"},
      {kLockHandling,
       "SELECT to_char(due_date, 'YYYY-MM-DD') AS due_date, met_at IS NULL AS pending, state "
       "FROM deadlines WHERE case_id = $1 AND kind = 'HANDLING' FOR UPDATE"},
      // A caller's request id and what it made (request_ids, migration 0005).
      {kSelectRequestResource,
       "SELECT request_sha256, resource FROM request_ids "
       "WHERE subject = $1 AND method = $2 AND request_id = $3"},
      {kSelectComplexity,
       "SELECT coalesce(complexity, '') AS complexity FROM case_tracks WHERE case_id = $1"},
      {kInsertExtension,
       "INSERT INTO extensions (case_id, days, reason, old_due_date, new_due_date, granted_by, "
       "request_id, granted_at) VALUES ($1, $2, $3, $4, $5, $6, nullif($7, ''), $8) "
       "ON CONFLICT (case_id) DO NOTHING RETURNING case_id"},
      {kExtendHandling,
       "UPDATE deadlines SET due_date = $2, extended_by_days = $3, state = 'OPEN', "
       "state_changed_at = $4 WHERE case_id = $1 AND kind = 'HANDLING'"},
      {kInsertOutbox, "INSERT INTO outbox (case_id, payload) VALUES ($1, $2)"},
      // The lists, one statement per shape so that each plan can use its
      // index: OVERDUE is every pending row due before today (a pending row
      // past its due date reads OVERDUE before the scanner's next pass), read
      // in due-date order from deadlines_pending_due; a unit's rows come from
      // its cases (the GIN index on handling units) by primary key. The
      // keyset always applies (from the smallest key on the first page), so
      // that a later page starts inside the index rather than filtering up to
      // it.
      {kListAll, "SELECT " DEADLINE_COLUMNS " FROM deadlines d WHERE ($1 = '' OR d.kind = $1) "
                 "AND (d.due_date, d.case_id, d.kind) > ($2::date, $3, $4) "
                 "AND " NOT_REPORTING_UNIT("d.case_id", "$6") " " LIST_ORDER " LIMIT $5"},
      {kListAllForUnit,
       "SELECT " DEADLINE_COLUMNS " FROM deadlines d WHERE d.case_id IN " CASES_OF_UNIT_1
       " AND d.kind NOT IN " NOT_THE_UNITS " AND ($2 = '' OR d.kind = $2) "
       "AND (d.due_date, d.case_id, d.kind) > ($3::date, $4, $5) "
       "AND " NOT_REPORTING_UNIT("d.case_id", "$7") " " LIST_ORDER " LIMIT $6"},
      {kListOverdue, "SELECT " DEADLINE_COLUMNS " FROM deadlines d WHERE " PENDING_BEFORE_1
                     " AND ($2 = '' OR d.kind = $2) "
                     "AND (d.due_date, d.case_id, d.kind) > ($3::date, $4, $5) "
                     "AND " NOT_REPORTING_UNIT("d.case_id", "$7") " " LIST_ORDER " LIMIT $6"},
      // A unit's overdue rows: its page of pending rows past due, read in
      // due-date order from deadline_units (kept by triggers, migration
      // 0005), then the deadlines themselves by primary key. A unit's lists
      // leave APPROVAL and REVIEW_ANSWER out: those deadlines are the
      // approving leaders' and the reviewing body's.
      {kListOverdueForUnit,
       "SELECT " DEADLINE_COLUMNS " FROM deadlines d WHERE (d.case_id, d.kind) IN ("
       "SELECT u.case_id, u.kind FROM deadline_units u WHERE u.unit_id = $2 "
       "AND u.due_date < $1::date AND ($3 = '' OR u.kind = $3) "
       "AND (u.due_date, u.case_id, u.kind) > ($4::date, $5, $6) "
       "AND " NOT_REPORTING_UNIT(
           "u.case_id", "$8") " "
                              "ORDER BY u.due_date, u.case_id, u.kind LIMIT $7) " LIST_ORDER},
      // OPEN and DUE_SOON rows not yet past due; MET and MISSED rows.
      {kListState, "SELECT " DEADLINE_COLUMNS " FROM deadlines d WHERE " STATE_AS_SHOWN_1_2
                   " AND ($3 = '' OR d.kind = $3) "
                   "AND (d.due_date, d.case_id, d.kind) > ($4::date, $5, $6) "
                   "AND " NOT_REPORTING_UNIT("d.case_id", "$8") " " LIST_ORDER " LIMIT $7"},
      {kListStateForUnit, "SELECT " DEADLINE_COLUMNS " FROM deadlines d WHERE " STATE_AS_SHOWN_1_2
                          " AND d.case_id IN " CASES_OF_UNIT_8 " AND d.kind NOT IN " NOT_THE_UNITS
                          " AND ($3 = '' OR d.kind = $3) "
                          "AND (d.due_date, d.case_id, d.kind) > ($4::date, $5, $6) "
                          "AND " NOT_REPORTING_UNIT("d.case_id", "$9") " " LIST_ORDER " LIMIT $7"},
      // The scanner: each statement locks the rows it will change, skipping
      // those another scanner holds, re-checks their state under the lock,
      // changes them and records the transition.
      // A petitioner's window past due lapses: EXPIRED, no order, no alert.
      {kScanExpired,
       "WITH picked AS (SELECT case_id, kind FROM deadlines "
       "WHERE state IN ('OPEN', 'DUE_SOON') AND due_date < $1::date "
       "AND kind IN " PETITIONER_WINDOWS " ORDER BY due_date LIMIT $3 FOR UPDATE SKIP LOCKED), "
       "moved AS (UPDATE deadlines d SET state = 'EXPIRED', state_changed_at = $2 FROM picked p "
       "WHERE d.case_id = p.case_id AND d.kind = p.kind AND d.state IN ('OPEN', 'DUE_SOON') "
       "RETURNING d.case_id, d.kind, d.state, d.due_date) "
       "INSERT INTO deadline_transitions (case_id, kind, from_state, to_state, due_date, at) "
       "SELECT case_id, kind, 'PENDING', 'EXPIRED', due_date, $2 FROM moved "
       "RETURNING case_id, kind, to_char(due_date, 'YYYY-MM-DD') AS due_date"},
      {kScanOverdue,
       "WITH picked AS (SELECT case_id, kind FROM deadlines "
       "WHERE state IN ('OPEN', 'DUE_SOON') AND due_date < $1::date "
       "AND kind NOT IN " PETITIONER_WINDOWS " "
       "ORDER BY due_date LIMIT $3 FOR UPDATE SKIP LOCKED), "
       "moved AS (UPDATE deadlines d SET state = 'OVERDUE', state_changed_at = $2 FROM picked p "
       "WHERE d.case_id = p.case_id AND d.kind = p.kind AND d.state IN ('OPEN', 'DUE_SOON') "
       "RETURNING d.*), "
       "logged AS (INSERT INTO deadline_transitions (case_id, kind, from_state, to_state, "
       "due_date, at) SELECT case_id, kind, 'PENDING', 'OVERDUE', due_date, $2 FROM moved) "
       "SELECT case_id, kind, to_char(start_date, 'YYYY-MM-DD') AS start_date, "
       "to_char(due_date, 'YYYY-MM-DD') AS due_date, provisional, state, met_at, "
       "extended_by_days, coalesce(policy_version, 0) AS policy_version, limit_days, limit_unit, "
       "urgent FROM moved"},
      {kScanDueSoon,
       "WITH picked AS (SELECT case_id, kind FROM deadlines "
       "WHERE state = 'OPEN' AND due_date >= $1::date AND due_date <= $3::date "
       "AND coalesce(policy_version, 0) = $4 "
       "ORDER BY due_date LIMIT $5 FOR UPDATE SKIP LOCKED), "
       "moved AS (UPDATE deadlines d SET state = 'DUE_SOON', state_changed_at = $2 FROM picked p "
       "WHERE d.case_id = p.case_id AND d.kind = p.kind AND d.state = 'OPEN' "
       "RETURNING d.case_id, d.kind, d.due_date) "
       "INSERT INTO deadline_transitions (case_id, kind, from_state, to_state, due_date, at) "
       "SELECT case_id, kind, 'OPEN', 'DUE_SOON', due_date, $2 FROM moved RETURNING id"},
      {kTryRelayLock,
       "SELECT pg_try_advisory_lock(hashtext('petition.supervision_outbox.' || current_schema())) "
       "AS locked"},
      {kSelectOutbox,
       "SELECT id, case_id, payload FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL "
       "ORDER BY id LIMIT $1"},
      {kMarkDelivered,
       "UPDATE outbox SET delivered_at = now(), attempts = attempts + 1 "
       "WHERE id = ANY($1::bigint[])"},
      {kMarkFailed,
       "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])"},
      {kPark,
       "UPDATE outbox SET parked_at = now(), attempts = attempts + 1, last_error = $2 "
       "WHERE id = $1"},
      // The next event of a case: only when it is exactly last + 1.
      {kAdvanceTrack,
       "UPDATE case_tracks SET last_sequence = $2, updated_at = now() "
       "WHERE case_id = $1 AND last_sequence = $2 - 1 RETURNING case_id"},
      {kSelectLastSequence, "SELECT last_sequence FROM case_tracks WHERE case_id = $1"},
      {kMeetDeadline,
       "UPDATE deadlines SET met_at = $3, "
       "state = CASE WHEN due_date >= $4::date THEN 'MET' ELSE 'MISSED' END "
       "WHERE case_id = $1 AND kind = $2 AND met_at IS NULL "
       // A lapsed window stays EXPIRED, unless the event was in time (a
       // review asked on its last day, applied after the scanner's pass).
       "AND (state <> 'EXPIRED' OR due_date >= $4::date)"},
      // A window closed unused by another step (the township accepted or
      // declined a transfer it could have objected to): the right lapsed.
      {kExpireWindow,
       "WITH moved AS (UPDATE deadlines SET state = 'EXPIRED', state_changed_at = $3 "
       "WHERE case_id = $1 AND kind = $2 AND met_at IS NULL AND state IN ('OPEN', 'DUE_SOON') "
       "RETURNING case_id, kind, due_date) "
       "INSERT INTO deadline_transitions (case_id, kind, from_state, to_state, due_date, at) "
       "SELECT case_id, kind, 'PENDING', 'EXPIRED', due_date, $3 FROM moved"},
      {kSetHandlingUnits,
       "UPDATE case_tracks SET handling_unit_ids = $2::text[] WHERE case_id = $1"},
      {kSetReportedUnits,
       "UPDATE case_tracks SET reported_unit_ids = $2::text[] WHERE case_id = $1"},
      {kSelectDeadlines,
       "SELECT " DEADLINE_COLUMNS " FROM deadlines WHERE case_id = $1 "
       "ORDER BY "
       "array_position(ARRAY['ACCEPTANCE','HANDLING','APPROVAL','REVIEW_WINDOW','REVIEW_ANSWER',"
       "'RECHECK_WINDOW','RECHECK_ANSWER',"
       "'COUNTY','OBJECTION'], kind)"},
      {kSelectCaseUnits,
       "SELECT handling_unit_ids, reported_unit_ids FROM case_tracks WHERE case_id = $1"},
  };
  return *kStatements;
}

namespace {

// Inserts deadlines (set-based).
void InsertDeadlines(pqxx::transaction_base& tx,
                     const std::vector<std::pair<std::string, DeadlineRecord>>& ds) {
  if (ds.empty()) return;
  PgArrayBuilder d_case, d_kind, d_start, d_due, d_provisional, d_state, d_version, d_days, d_unit,
      d_urgent;
  for (const auto& [case_id, d] : ds) {
    d_case.Add(case_id);
    d_kind.Add(d.kind);
    d_start.Add(FormatDate(d.start_date));
    d_due.Add(FormatDate(d.due_date));
    d_provisional.Add(d.provisional ? "t" : "f");
    d_state.Add(d.state);
    d_version.Add(std::to_string(d.policy_version));
    if (d.limit.has_value()) {
      d_days.Add(std::to_string(d.limit->days));
      d_unit.Add(DayUnitName(d.limit->unit));
    } else {
      d_days.Add("0");
      d_unit.Add("");
    }
    d_urgent.Add(d.urgent ? "t" : "f");
  }
  tx.exec_prepared(kInsertDeadlines, d_case.Finish(), d_kind.Finish(), d_start.Finish(),
                   d_due.Finish(), d_provisional.Finish(), d_state.Finish(), d_version.Finish(),
                   d_days.Finish(), d_unit.Finish(), d_urgent.Finish());
}

absl::StatusOr<StoredPolicy> PolicyFromRow(const pqxx::row& row) {
  StoredPolicy p;
  p.version = row["version"].as<int64_t>();
  auto policy = PolicyFromJson(row["policy"].as<std::string>());
  if (!policy.ok()) return policy.status();
  p.policy = *std::move(policy);
  p.request_id = row["request_id"].as<std::string>();
  auto created = ParseSqlTimestamp(row["created_at"].c_str());
  if (!created.ok()) return absl::DataLossError("bad created_at in deadline_policies");
  p.created_at = *created;
  return p;
}

}  // namespace

absl::StatusOr<int> DeadlineStore::ApplyEvents(const std::vector<Application>& applications,
                                               const TxOptions& tx_options) {
  if (applications.empty()) return 0;
  return pool_->Transact([&](pqxx::transaction_base& tx) { return ApplyEvents(tx, applications); },
                         tx_options);
}

absl::StatusOr<int> DeadlineStore::ApplyEvents(pqxx::transaction_base& tx,
                                               const std::vector<Application>& applications) {
  if (applications.empty()) return 0;
  PgArrayBuilder event_ids, case_ids, sequences;
  for (const Application& app : applications) {
    event_ids.Add(app.event->event_id());
    case_ids.Add(app.event->case_id());
    sequences.Add(std::to_string(app.event->sequence()));
  }
  absl::flat_hash_set<std::string> fresh;  // event ids not seen before
  for (const auto& row : tx.exec_prepared(kInsertApplied, event_ids.Finish(), case_ids.Finish(),
                                          sequences.Finish())) {
    fresh.insert(row["event_id"].as<std::string>());
  }
  if (fresh.empty()) return 0;  // all redeliveries
  // Keep only the first occurrence of each fresh event in the batch.
  std::vector<const Application*> todo;
  for (const Application& app : applications) {
    if (fresh.erase(app.event->event_id()) > 0) todo.push_back(&app);
  }
  std::vector<std::string> duplicates;  // new ids, sequences applied already

  // 1. Registrations (sequence 1), set-based.
  PgArrayBuilder reg_cases;
  bool any_registration = false;
  for (const Application* app : todo) {
    if (!app->event->has_registered()) continue;
    reg_cases.Add(app->event->case_id());
    any_registration = true;
  }
  absl::flat_hash_set<std::string> known;  // cases with a track already
  if (any_registration) {
    for (const auto& row : tx.exec_prepared(kSelectTracks, reg_cases.Finish())) {
      known.insert(row["case_id"].as<std::string>());
    }
    PgArrayBuilder t_case, t_seq, t_received, t_channel, t_category, t_source, t_urgent;
    PgArrayBuilder t_handling, t_reported, t_repeat, t_collective, t_headcount;
    std::vector<std::pair<std::string, DeadlineRecord>> opened;
    bool any_new = false;
    for (const Application* app : todo) {
      const petition::v1::CaseEvent& event = *app->event;
      if (!event.has_registered()) continue;
      if (!known.insert(event.case_id()).second) {
        duplicates.push_back(event.event_id());  // sequence 1 applied already
        continue;
      }
      const petition::v1::CaseRegistered& r = event.registered();
      t_case.Add(event.case_id());
      t_seq.Add("1");
      t_received.Add(SqlTimestamp(r.received_at()));
      t_channel.Add(r.channel());
      t_category.Add(r.category());
      t_source.Add(r.source());
      t_urgent.Add(r.urgent() ? "t" : "f");
      t_handling.Add(PgArray(r.handling_unit_ids()));
      t_reported.Add(PgArray(r.reported_unit_ids()));
      t_repeat.Add(r.repeat() ? "t" : "f");
      t_collective.Add(r.collective() ? "t" : "f");
      t_headcount.Add(std::to_string(r.headcount()));
      for (const DeadlineRecord& d : app->open) opened.emplace_back(event.case_id(), d);
      any_new = true;
    }
    if (any_new) {
      tx.exec_prepared(kInsertTracks, t_case.Finish(), t_seq.Finish(), t_received.Finish(),
                       t_channel.Finish(), t_category.Finish(), t_source.Finish(),
                       t_urgent.Finish(), t_handling.Finish(), t_reported.Finish(),
                       t_repeat.Finish(), t_collective.Finish(), t_headcount.Finish());
      InsertDeadlines(tx, opened);
    }
  }

  // 2. Every later event, in batch order: exactly last + 1 per case.
  for (const Application* app : todo) {
    const petition::v1::CaseEvent& event = *app->event;
    if (event.has_registered()) continue;
    if (tx.exec_prepared(kAdvanceTrack, event.case_id(), event.sequence()).empty()) {
      pqxx::result last = tx.exec_prepared(kSelectLastSequence, event.case_id());
      if (last.empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat("case ", event.case_id(), ": not registered yet (event sequence ",
                         event.sequence(), " waits for sequence 1)"));
      }
      const int64_t applied = last[0][0].as<int64_t>();
      if (event.sequence() <= applied) {
        duplicates.push_back(event.event_id());
        continue;
      }
      return absl::FailedPreconditionError(absl::StrCat("case ", event.case_id(),
                                                        ": event sequence ", event.sequence(),
                                                        " arrived before sequence ", applied + 1));
    }
    if (!app->open.empty()) {
      std::vector<std::pair<std::string, DeadlineRecord>> opened;
      for (const DeadlineRecord& d : app->open) opened.emplace_back(event.case_id(), d);
      InsertDeadlines(tx, opened);
    }
    if (!app->meet.empty()) {
      const std::string met_at = SqlTimestamp(event.occurred_at());
      const std::string met_day = FormatDate(app->met_day);
      for (const std::string& kind : app->meet) {
        tx.exec_prepared(kMeetDeadline, event.case_id(), kind, met_at, met_day);
      }
    }
    for (const std::string& kind : app->drop) {
      tx.exec_prepared(kDropDeadline, event.case_id(), kind);
    }
    for (const DeadlineRecord& d : app->reopen) {
      tx.exec_prepared(kReopenDeadline, event.case_id(), d.kind, FormatDate(d.start_date),
                       FormatDate(d.due_date), d.provisional, d.policy_version,
                       d.limit.has_value() ? d.limit->days : 0,
                       d.limit.has_value() ? DayUnitName(d.limit->unit) : std::string(), d.urgent);
    }
    if (app->review_decision.has_value()) {
      const Application::ReviewDecision& r = *app->review_decision;
      tx.exec_prepared(kInsertReviewDecision, event.case_id(), r.stage, r.outcome,
                       FormatDate(r.decided_on));
    }
    for (const std::string& kind : app->expire) {
      tx.exec_prepared(kExpireWindow, event.case_id(), kind, SqlTimestamp(event.occurred_at()));
    }
    for (const DeadlineRecord& d : app->replace) {
      tx.exec_prepared(kReplaceDeadline, event.case_id(), d.kind, FormatDate(d.start_date),
                       FormatDate(d.due_date), d.policy_version, d.urgent);
    }
    if (app->urgent.has_value()) tx.exec_prepared(kSetUrgent, event.case_id(), *app->urgent);
    if (event.has_concluded()) {
      tx.exec_prepared(kSetConcluded, event.case_id(), SqlTimestamp(event.occurred_at()));
    }
    if (event.has_withdrawn()) {
      tx.exec_prepared(kSetWithdrawn, event.case_id(), SqlTimestamp(event.occurred_at()));
    }
    if (event.has_accepted()) {
      tx.exec_prepared(kSetComplexity, event.case_id(),
                       event.accepted().complexity().empty() ? std::string("ORDINARY")
                                                             : event.accepted().complexity());
    }
    if (event.has_answered()) {
      tx.exec_prepared(kSetAnswered, event.case_id(), SqlTimestamp(event.occurred_at()));
    }
    if (event.has_declined()) {
      tx.exec_prepared(kSetDeclined, event.case_id(), SqlTimestamp(event.occurred_at()));
    }
    if (event.has_rated()) {
      tx.exec_prepared(kSetRating, event.case_id(), event.rated().rating(),
                       SqlTimestamp(event.occurred_at()));
    }
    if (app->leader_id.has_value()) SetLeaderInTx(tx, event.case_id(), *app->leader_id);
    if (app->handling_unit_ids.has_value()) {
      tx.exec_prepared(kSetHandlingUnits, event.case_id(), PgArray(*app->handling_unit_ids));
    }
    if (app->reported_unit_ids.has_value()) {
      tx.exec_prepared(kSetReportedUnits, event.case_id(), PgArray(*app->reported_unit_ids));
    }
  }
  if (!duplicates.empty()) tx.exec_prepared(kForgetApplied, PgArray(duplicates));
  return static_cast<int>(todo.size() - duplicates.size());
}

absl::StatusOr<StoredPolicy> DeadlineStore::CurrentPolicy(const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return CurrentPolicy(tx); }, tx_options);
}

absl::StatusOr<StoredPolicy> DeadlineStore::CurrentPolicy(pqxx::transaction_base& tx) {
  pqxx::result rows = tx.exec_prepared(kSelectPolicy);
  if (rows.empty()) return absl::NotFoundError("no deadline policy stored");
  return PolicyFromRow(rows[0]);
}

absl::StatusOr<StoredPolicy> DeadlineStore::EnsurePolicy(const DeadlinePolicy& initial) {
  const std::string json = PolicyToJson(initial);
  return pool_->Transact([&](pqxx::transaction_base& tx) -> absl::StatusOr<StoredPolicy> {
    tx.exec_prepared(kLockPolicies);
    pqxx::result rows = tx.exec_prepared(kSelectPolicy);
    if (!rows.empty()) return PolicyFromRow(rows[0]);
    return PolicyFromRow(tx.exec_prepared1(kInsertPolicy, json, std::string()));
  });
}

absl::StatusOr<StoredPolicy> DeadlineStore::PutPolicy(const DeadlinePolicy& policy,
                                                      const std::string& request_id,
                                                      const TxOptions& tx_options) {
  const std::string json = PolicyToJson(policy);
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<StoredPolicy> {
        tx.exec_prepared(kLockPolicies);
        if (!request_id.empty()) {
          pqxx::result same = tx.exec_prepared(kSelectPolicyByRequest, request_id);
          if (!same.empty()) {
            if (same[0]["policy"].as<std::string>() != json) {
              return absl::AlreadyExistsError("requestId was used for another policy");
            }
            return PolicyFromRow(same[0]);
          }
        }
        return PolicyFromRow(tx.exec_prepared1(kInsertPolicy, json, request_id));
      },
      tx_options);
}

absl::StatusOr<std::vector<StoredPolicy>> DeadlineStore::AllPolicies(const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return AllPolicies(tx); }, tx_options);
}

absl::StatusOr<std::vector<StoredPolicy>> DeadlineStore::AllPolicies(pqxx::transaction_base& tx) {
  std::vector<StoredPolicy> out;
  for (const auto& row : tx.exec_prepared(kSelectPolicies)) {
    auto p = PolicyFromRow(row);
    if (!p.ok()) return p.status();
    out.push_back(*std::move(p));
  }
  return out;
}

absl::StatusOr<DeadlineRecord> DeadlineStore::GetDeadline(const std::string& case_id,
                                                          const std::string& kind,
                                                          const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return GetDeadline(tx, case_id, kind); },
                     tx_options);
}

absl::StatusOr<DeadlineRecord> DeadlineStore::GetDeadline(pqxx::transaction_base& tx,
                                                          const std::string& case_id,
                                                          const std::string& kind) {
  pqxx::result rows = tx.exec_prepared(kSelectDeadline, case_id, kind);
  if (rows.empty()) return absl::NotFoundError("no such deadline");
  return DeadlineFromRow(rows[0]);
}

namespace {

absl::StatusOr<DeadlineStore::ExtensionRecord> ExtensionFromRow(const pqxx::row& row) {
  DeadlineStore::ExtensionRecord e;
  e.case_id = row["case_id"].as<std::string>();
  e.days = row["days"].as<int>();
  e.reason = row["reason"].as<std::string>();
  auto old_due = ParseDate(row["old_due_date"].as<std::string>());
  auto new_due = ParseDate(row["new_due_date"].as<std::string>());
  auto at = ParseSqlTimestamp(row["granted_at"].c_str());
  if (!old_due.ok() || !new_due.ok() || !at.ok()) {
    return absl::DataLossError("bad extension row");
  }
  e.old_due_date = *old_due;
  e.new_due_date = *new_due;
  e.granted_by = row["granted_by"].as<std::string>();
  e.request_id = row["request_id"].as<std::string>();
  e.granted_at = *at;
  return e;
}

}  // namespace

absl::StatusOr<DeadlineStore::ExtensionRecord> DeadlineStore::GrantExtension(
    const ExtensionRecord& ext, absl::CivilDay expected_due, absl::CivilDay today,
    const RequestKey& key, const std::string& event_payload, const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        return GrantExtension(tx, ext, expected_due, today, key, event_payload);
      },
      tx_options);
}

absl::StatusOr<DeadlineStore::ExtensionRecord> DeadlineStore::GrantExtension(
    pqxx::transaction_base& tx, const ExtensionRecord& ext, absl::CivilDay expected_due,
    absl::CivilDay today, const RequestKey& key, const std::string& event_payload) {
  pqxx::result handling = tx.exec_prepared(kLockHandling, ext.case_id);
  auto prior = ClaimRequestInTx(tx, key, ext.case_id);
  if (!prior.ok()) return prior.status();
  if (prior->has_value()) {
    // The same caller's same request again: its first result.
    pqxx::result first = tx.exec_prepared(kSelectExtension, **prior);
    if (first.empty()) return absl::AbortedError("the request id is being used; try again");
    return ExtensionFromRow(first[0]);
  }
  pqxx::result existing = tx.exec_prepared(kSelectExtension, ext.case_id);
  if (!existing.empty()) {
    auto e = ExtensionFromRow(existing[0]);
    if (!e.ok()) return e.status();
    return absl::AlreadyExistsError(absl::StrCat("the case has had its one extension (", e->days,
                                                 " days, to ", FormatDate(e->new_due_date), ")"));
  }
  if (handling.empty()) {
    return absl::FailedPreconditionError("the case has no HANDLING deadline (not accepted)");
  }
  if (!handling[0]["pending"].as<bool>()) {
    return absl::FailedPreconditionError("the HANDLING deadline is met already");
  }
  auto due = ParseDate(handling[0]["due_date"].as<std::string>());
  if (!due.ok()) return absl::DataLossError("bad date in deadlines");
  // Decided again under the lock: a deadline that went OVERDUE stays
  // overdue, whatever clock the caller read.
  const bool overdue = handling[0]["state"].as<std::string>() == "OVERDUE";
  if (absl::Status s = CheckNotPastDue(*due, overdue ? *due + 1 : today); !s.ok()) return s;
  if (*due != expected_due) {
    return absl::AbortedError("the HANDLING deadline changed meanwhile; try again");
  }
  const std::string granted_at = SqlTimestamp(ext.granted_at);
  tx.exec_prepared(kInsertExtension, ext.case_id, ext.days, ext.reason,
                   FormatDate(ext.old_due_date), FormatDate(ext.new_due_date), ext.granted_by,
                   ext.request_id, granted_at);
  tx.exec_prepared(kExtendHandling, ext.case_id, FormatDate(ext.new_due_date), ext.days,
                   granted_at);
  tx.exec_prepared(kInsertOutbox, ext.case_id, pqxx::binarystring(event_payload));
  return ext;
}

absl::StatusOr<std::optional<DeadlineStore::ExtensionRecord>> DeadlineStore::ExtensionOfRequest(
    const RequestKey& key, const TxOptions& tx_options) {
  using Result = std::optional<ExtensionRecord>;
  if (key.request_id.empty()) return Result();
  return pool_->Read([&](pqxx::transaction_base& tx) { return ExtensionOfRequest(tx, key); },
                     tx_options);
}

absl::StatusOr<std::optional<DeadlineStore::ExtensionRecord>> DeadlineStore::ExtensionOfRequest(
    pqxx::transaction_base& tx, const RequestKey& key) {
  using Result = std::optional<ExtensionRecord>;
  if (key.request_id.empty()) return Result();
  pqxx::result prior =
      tx.exec_prepared(kSelectRequestResource, key.subject, key.method, key.request_id);
  if (prior.empty()) return Result();
  if (prior[0]["request_sha256"].as<std::string>() != key.sha256) {
    return absl::AlreadyExistsError("requestId was used for another request");
  }
  pqxx::result first = tx.exec_prepared(kSelectExtension, prior[0]["resource"].as<std::string>());
  if (first.empty()) return Result();
  auto e = ExtensionFromRow(first[0]);
  if (!e.ok()) return e.status();
  return Result(*std::move(e));
}

absl::StatusOr<std::string> DeadlineStore::CaseComplexity(const std::string& case_id,
                                                          const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return CaseComplexity(tx, case_id); },
                     tx_options);
}

absl::StatusOr<std::string> DeadlineStore::CaseComplexity(pqxx::transaction_base& tx,
                                                          const std::string& case_id) {
  pqxx::result rows = tx.exec_prepared(kSelectComplexity, case_id);
  if (rows.empty()) return absl::NotFoundError("supervision has not heard of the case");
  return rows[0]["complexity"].as<std::string>();
}

absl::StatusOr<std::vector<DeadlineRecord>> DeadlineStore::ListDeadlines(
    const DeadlineFilter& filter, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return ListDeadlines(tx, filter); },
                     tx_options);
}

absl::StatusOr<std::vector<DeadlineRecord>> DeadlineStore::ListDeadlines(
    pqxx::transaction_base& tx, const DeadlineFilter& filter) {
  // The first page starts before the smallest key.
  std::string after_due = "0001-01-01";
  std::string after_case, after_kind;
  if (filter.after.has_value()) {
    after_due = FormatDate(std::get<0>(*filter.after));
    after_case = std::get<1>(*filter.after);
    after_kind = std::get<2>(*filter.after);
  }
  const std::string today = FormatDate(filter.today);
  const std::string& unit = filter.unit_id;
  const std::string& kind = filter.kind;
  const std::string& hidden = filter.hidden_unit;
  const int limit = filter.page_size;
  pqxx::result rows;
  if (filter.state.empty()) {
    rows = unit.empty()
               ? tx.exec_prepared(kListAll, kind, after_due, after_case, after_kind, limit, hidden)
               : tx.exec_prepared(kListAllForUnit, unit, kind, after_due, after_case, after_kind,
                                  limit, hidden);
  } else if (filter.state == "OVERDUE") {
    rows = unit.empty() ? tx.exec_prepared(kListOverdue, today, kind, after_due, after_case,
                                           after_kind, limit, hidden)
                        : tx.exec_prepared(kListOverdueForUnit, today, unit, kind, after_due,
                                           after_case, after_kind, limit, hidden);
  } else {
    rows = unit.empty() ? tx.exec_prepared(kListState, filter.state, today, kind, after_due,
                                           after_case, after_kind, limit, hidden)
                        : tx.exec_prepared(kListStateForUnit, filter.state, today, kind, after_due,
                                           after_case, after_kind, limit, unit, hidden);
  }
  std::vector<DeadlineRecord> out;
  for (const auto& row : rows) {
    auto d = DeadlineFromRow(row);
    if (!d.ok()) return d.status();
    out.push_back(*std::move(d));
  }
  return out;
}

namespace {

// The event telling intake that a petitioner's window lapsed; false for a
// window whose lapse changes nothing there.
bool LapseEvent(const std::string& case_id, const std::string& kind, const std::string& due_date,
                absl::Time now, petition::v1::SupervisionEvent& event) {
  if (!EndsTheMatterWhenLapsed(kind)) return false;
  event.set_event_id(NewId("sev"));
  event.set_case_id(case_id);
  *event.mutable_occurred_at() = ToProtoTimestamp(now);
  event.mutable_window_lapsed()->set_window(kind);
  event.mutable_window_lapsed()->set_due_date(due_date);
  return true;
}

}  // namespace

absl::StatusOr<ScanResult> DeadlineStore::ScanBatch(
    absl::CivilDay today, const std::vector<std::pair<int64_t, absl::CivilDay>>& horizons,
    const OrderDueDates& order_due, absl::Time now, int limit) {
  const std::string today_text = FormatDate(today);
  const std::string now_text = SqlTimestamp(now);
  return pool_->Transact([&](pqxx::transaction_base& tx) -> absl::StatusOr<ScanResult> {
    ScanResult result;
    for (const auto& row : tx.exec_prepared(kScanOverdue, today_text, now_text, limit)) {
      auto d = DeadlineFromRow(row);
      if (!d.ok()) return d.status();
      result.became_overdue.push_back(*std::move(d));
    }
    result.overdue = static_cast<int>(result.became_overdue.size());
    pqxx::result expired =
        tx.exec_prepared(kScanExpired, today_text, now_text, std::max(limit - result.overdue, 0));
    result.expired = static_cast<int>(expired.size());
    // Intake hears of each lapsed window in the same transaction: a review
    // or recheck window that lapsed makes the case FINAL (A36).
    for (const auto& row : expired) {
      petition::v1::SupervisionEvent event;
      if (!LapseEvent(row["case_id"].as<std::string>(), row["kind"].as<std::string>(),
                      row["due_date"].as<std::string>(), now, event)) {
        continue;
      }
      tx.exec_prepared(kInsertOutbox, event.case_id(),
                       pqxx::binarystring(event.SerializeAsString()));
    }
    auto orders = OrdersInScanTx(tx, result.became_overdue, today, order_due, now, limit);
    if (!orders.ok()) return orders.status();
    result.orders_opened = orders->first;
    result.orders_escalated = orders->second;
    for (const auto& [version, horizon] : horizons) {
      if (result.overdue + result.expired + result.due_soon >= limit) break;
      if (horizon < today) continue;
      result.due_soon += static_cast<int>(
          tx.exec_prepared(kScanDueSoon, today_text, now_text, FormatDate(horizon), version,
                           limit - result.overdue - result.expired - result.due_soon)
              .size());
    }
    return result;
  });
}

absl::StatusOr<std::unique_ptr<SessionLock>> DeadlineStore::TryLockRelay() {
  return SessionLock::TryAcquire(*pool_, kTryRelayLock, "the supervision outbox relay");
}

absl::StatusOr<std::vector<OutboxRow>> DeadlineStore::PendingOutbox(int limit,
                                                                    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<OutboxRow>> {
        std::vector<OutboxRow> out;
        for (const auto& row : tx.exec_prepared(kSelectOutbox, limit)) {
          pqxx::binarystring payload(row["payload"]);
          out.push_back(
              OutboxRow{row["id"].as<int64_t>(), row["case_id"].as<std::string>(), payload.str()});
        }
        return out;
      },
      tx_options);
}

namespace {
std::string IdArray(const std::vector<int64_t>& ids) {
  PgArrayBuilder b;
  for (int64_t id : ids) b.Add(std::to_string(id));
  return b.Finish();
}
std::string ErrorText(const std::string& error) { return error.substr(0, 500); }
}  // namespace

absl::Status DeadlineStore::MarkDelivered(const std::vector<int64_t>& ids,
                                          const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::Status {
        tx.exec_prepared(kMarkDelivered, IdArray(ids));
        return absl::OkStatus();
      },
      tx_options);
}

absl::Status DeadlineStore::MarkFailed(const std::vector<int64_t>& ids, const std::string& error,
                                       const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::Status {
        tx.exec_prepared(kMarkFailed, IdArray(ids), ErrorText(error));
        return absl::OkStatus();
      },
      tx_options);
}

absl::Status DeadlineStore::Park(int64_t id, const std::string& error,
                                 const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::Status {
        tx.exec_prepared(kPark, id, ErrorText(error));
        return absl::OkStatus();
      },
      tx_options);
}

absl::StatusOr<std::vector<DeadlineRecord>> DeadlineStore::ListForCase(
    const std::string& case_id, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return ListForCase(tx, case_id); },
                     tx_options);
}

absl::StatusOr<std::vector<DeadlineRecord>> DeadlineStore::ListForCase(pqxx::transaction_base& tx,
                                                                       const std::string& case_id) {
  pqxx::result rows = tx.exec_prepared(kSelectDeadlines, case_id);
  if (rows.empty()) return absl::NotFoundError("no deadlines for this case");
  std::vector<DeadlineRecord> out;
  for (const auto& row : rows) {
    auto d = DeadlineFromRow(row);
    if (!d.ok()) return d.status();
    out.push_back(*std::move(d));
  }
  return out;
}

absl::StatusOr<CaseUnits> DeadlineStore::UnitsOfCase(const std::string& case_id,
                                                     const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return UnitsOfCase(tx, case_id); },
                     tx_options);
}

absl::StatusOr<CaseUnits> DeadlineStore::UnitsOfCase(pqxx::transaction_base& tx,
                                                     const std::string& case_id) {
  pqxx::result rows = tx.exec_prepared(kSelectCaseUnits, case_id);
  if (rows.empty()) return absl::NotFoundError("supervision has not heard of the case");
  return CaseUnits{TextArray(rows[0]["handling_unit_ids"]),
                   TextArray(rows[0]["reported_unit_ids"])};
}

}  // namespace petition::supervision
