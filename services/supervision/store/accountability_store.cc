// DeadlineStore's SQL for accountability: screening reports (排查),
// escalations (越级上访), the facts the unit statistics count, due dates
// recomputed after calendar changes, and AIP-155 request ids.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/clock.h"
#include "common/dates.h"
#include "common/pg_array.h"
#include "common/status.h"
#include "services/supervision/store/deadline_store.h"
#include "services/supervision/store/hidden_reports_sql.h"

namespace petition::supervision {
namespace {

constexpr char kClaimRequest[] = "supervision_claim_request";
constexpr char kSelectRequest[] = "supervision_select_request";
constexpr char kUpsertReport[] = "supervision_upsert_screening_report";
constexpr char kDeleteItems[] = "supervision_delete_screening_items";
constexpr char kInsertItems[] = "supervision_insert_screening_items";
constexpr char kSelectReports[] = "supervision_select_screening_reports";
constexpr char kSelectItems[] = "supervision_select_screening_items";
constexpr char kSelectReportedUnits[] = "supervision_select_reported_units";
constexpr char kForgetUnits[] = "supervision_forget_units";
constexpr char kUpsertUnits[] = "supervision_upsert_units";
constexpr char kCaseFirstUnit[] = "supervision_case_first_unit";
constexpr char kCaseDeclinedOn[] = "supervision_case_declined_on";
constexpr char kUpsertAssessmentTargets[] = "supervision_upsert_assessment_targets";
constexpr char kSelectAssessmentTargets[] = "supervision_select_assessment_targets";
constexpr char kInsertEscalation[] = "supervision_insert_escalation";
constexpr char kSelectEscalation[] = "supervision_select_escalation";
constexpr char kListEscalations[] = "supervision_list_escalations";
constexpr char kStatsCases[] = "supervision_stats_cases";
constexpr char kStatsEscalations[] = "supervision_stats_escalations";
constexpr char kSelectSeenVersions[] = "supervision_select_seen_versions";
constexpr char kInsertHearing[] = "supervision_insert_hearing";
constexpr char kSuspendRecheckAnswer[] = "supervision_suspend_recheck_answer";
constexpr char kSelectHearing[] = "supervision_select_hearing";
constexpr char kListHearings[] = "supervision_list_hearings";

#define HEARING_COLUMNS                                                    \
  "hearing_id, case_id, kind, to_char(held_on, 'YYYY-MM-DD') AS held_on, " \
  "to_char(coalesce(ends_on, held_on), 'YYYY-MM-DD') AS ends_on, note, recorded_by, recorded_at"
constexpr char kPendingTouching[] = "supervision_pending_touching";
constexpr char kMoveSeenVersion[] = "supervision_move_seen_version";
constexpr char kRecomputeDeadline[] = "supervision_recompute_deadline";
constexpr char kInsertDueDateChange[] = "supervision_insert_due_date_change";
constexpr char kSelectDueDateChanges[] = "supervision_select_due_date_changes";

#define REPORT_COLUMNS \
  "unit_id, month, zero_report, reported_by, reported_at, updated_by, updated_at"

// What the fault rule reads of the escalated case: its ACCEPTANCE, HANDLING
// and COUNTY deadlines and the day it was declined ($1: the township's zone).
#define ESCALATION_SELECT                                                                         \
  "SELECT e.escalation_id, e.case_id, e.unit_id, e.level, e.headcount, e.reported_in_advance, "   \
  "to_char(e.occurred_on, 'YYYY-MM-DD') AS occurred_on, e.note, e.recorded_by, e.recorded_at, "   \
  "e.decline_overturned, "                                                                        \
  "to_char(h.start_date, 'YYYY-MM-DD') AS h_start, to_char(h.due_date, 'YYYY-MM-DD') AS h_due, "  \
  "to_char((h.met_at AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS h_met, "                            \
  "coalesce(h.met_at = t.withdrawn_at, false) AS h_withdrawn, "                                   \
  "to_char(a.due_date, 'YYYY-MM-DD') AS a_due, "                                                  \
  "to_char((a.met_at AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS a_met, "                            \
  "to_char(c.due_date, 'YYYY-MM-DD') AS c_due, "                                                  \
  "to_char((c.met_at AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS c_met, "                            \
  "to_char((t.declined_at AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS declined_on, "                 \
  "EXISTS (SELECT 1 FROM review_decisions r WHERE r.case_id = e.case_id "                         \
  "AND r.outcome IN ('CHANGED', 'REVOKED') AND r.decided_on <= e.occurred_on) AS answer_changed " \
  "FROM escalations e JOIN case_tracks t ON t.case_id = e.case_id "                               \
  "LEFT JOIN deadlines h ON h.case_id = e.case_id AND h.kind = 'HANDLING' "                       \
  "LEFT JOIN deadlines a ON a.case_id = e.case_id AND a.kind = 'ACCEPTANCE' "                     \
  "LEFT JOIN deadlines c ON c.case_id = e.case_id AND c.kind = 'COUNTY' "

absl::StatusOr<absl::CivilDay> Day(const pqxx::field& f) {
  auto d = ParseDate(f.as<std::string>());
  if (!d.ok()) return absl::DataLossError("bad date in supervision's tables");
  return *d;
}

absl::StatusOr<absl::Time> Instant(const pqxx::field& f) {
  auto t = ParseSqlTimestamp(f.c_str());
  if (!t.ok()) return absl::DataLossError("bad timestamp in supervision's tables");
  return *t;
}

// The HANDLING facts of a row with h_start, h_due, h_met, h_withdrawn.
absl::StatusOr<std::optional<HandlingFacts>> HandlingFromRow(const pqxx::row& row) {
  if (row["h_start"].is_null()) return std::optional<HandlingFacts>();
  HandlingFacts h;
  auto start = Day(row["h_start"]);
  auto due = Day(row["h_due"]);
  if (!start.ok()) return start.status();
  if (!due.ok()) return due.status();
  h.start = *start;
  h.due = *due;
  if (!row["h_met"].is_null()) {
    auto met = Day(row["h_met"]);
    if (!met.ok()) return met.status();
    h.met_on = *met;
    h.withdrawn = row["h_withdrawn"].as<bool>();
  }
  return std::optional<HandlingFacts>(h);
}

// The deadline `prefix`_due / `prefix`_met of a row, if the case has it.
absl::StatusOr<std::optional<DeadlineFacts>> DeadlineFromColumns(const pqxx::row& row,
                                                                 const std::string& prefix) {
  const pqxx::field due = row[prefix + "_due"];
  if (due.is_null()) return std::optional<DeadlineFacts>();
  DeadlineFacts d;
  auto day = Day(due);
  if (!day.ok()) return day.status();
  d.due = *day;
  const pqxx::field met = row[prefix + "_met"];
  if (!met.is_null()) {
    auto met_day = Day(met);
    if (!met_day.ok()) return met_day.status();
    d.met_on = *met_day;
  }
  return std::optional<DeadlineFacts>(d);
}

absl::StatusOr<EscalationRecord> EscalationFromRow(const pqxx::row& row) {
  EscalationRecord e;
  e.escalation_id = row["escalation_id"].as<std::string>();
  e.case_id = row["case_id"].as<std::string>();
  e.unit_id = row["unit_id"].as<std::string>();
  e.level = row["level"].as<std::string>();
  e.headcount = row["headcount"].as<int>();
  e.reported_in_advance = row["reported_in_advance"].as<bool>();
  auto on = Day(row["occurred_on"]);
  if (!on.ok()) return on.status();
  e.occurred_on = *on;
  e.note = row["note"].as<std::string>();
  e.recorded_by = row["recorded_by"].as<std::string>();
  auto at = Instant(row["recorded_at"]);
  if (!at.ok()) return at.status();
  e.recorded_at = *at;
  e.decline_overturned = row["decline_overturned"].as<bool>();
  OverLevelFacts& f = e.case_facts;
  for (auto [prefix, slot] :
       {std::pair{"a", &f.acceptance}, std::pair{"h", &f.handling}, std::pair{"c", &f.county}}) {
    auto d = DeadlineFromColumns(row, prefix);
    if (!d.ok()) return d.status();
    *slot = *d;
  }
  if (!row["declined_on"].is_null()) {
    auto declined = Day(row["declined_on"]);
    if (!declined.ok()) return declined.status();
    f.declined_on = *declined;
  }
  f.decline_overturned = e.decline_overturned;
  f.answer_changed_on_review = row["answer_changed"].as<bool>();
  return e;
}

// The reports of `rows` (REPORT_COLUMNS) with their items.
absl::StatusOr<std::vector<ScreeningReportRecord>> ReportsFromRows(pqxx::transaction_base& tx,
                                                                   const pqxx::result& rows) {
  std::vector<ScreeningReportRecord> out;
  for (const auto& row : rows) {
    ScreeningReportRecord r;
    r.unit_id = row["unit_id"].as<std::string>();
    r.month = row["month"].as<std::string>();
    r.zero_report = row["zero_report"].as<bool>();
    r.reported_by = row["reported_by"].as<std::string>();
    r.updated_by = row["updated_by"].as<std::string>();
    auto reported = Instant(row["reported_at"]);
    auto updated = Instant(row["updated_at"]);
    if (!reported.ok()) return reported.status();
    if (!updated.ok()) return updated.status();
    r.reported_at = *reported;
    r.updated_at = *updated;
    for (const auto& item : tx.exec_prepared(kSelectItems, r.month, r.unit_id)) {
      auto due = Day(item["due_date"]);
      if (!due.ok()) return due.status();
      r.items.push_back(
          {item["summary"].as<std::string>(), item["responsible_person"].as<std::string>(), *due});
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

// deadline_store.cc
absl::StatusOr<DeadlineRecord> DeadlineFromRow(const pqxx::row& row);

// Claims `key` in `tx` for `resource` (the first call) or returns the
// resource of its first call: std::nullopt when the caller goes on with the
// change, the resource's key when it answers with that instead;
// ALREADY_EXISTS when the id came with another request. A concurrent first
// call with the same id makes this one wait for it (the primary key).
absl::StatusOr<std::optional<std::string>> ClaimRequestInTx(pqxx::transaction_base& tx,
                                                            const RequestKey& key,
                                                            const std::string& resource) {
  if (key.request_id.empty()) return std::optional<std::string>();
  if (!tx.exec_prepared(kClaimRequest, key.subject, key.method, key.request_id, key.sha256,
                        resource)
           .empty()) {
    return std::optional<std::string>();
  }
  pqxx::result prior = tx.exec_prepared(kSelectRequest, key.subject, key.method, key.request_id);
  if (prior.empty()) return absl::AbortedError("the request id is being used; try again");
  if (prior[0]["request_sha256"].as<std::string>() != key.sha256) {
    return absl::AlreadyExistsError("requestId was used for another request");
  }
  return std::optional<std::string>(prior[0]["resource"].as<std::string>());
}

const std::vector<PgStatement>& DeadlineStore::AccountabilityStatements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      {kClaimRequest,
       "INSERT INTO request_ids (subject, method, request_id, request_sha256, resource) "
       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1"},
      {kSelectRequest,
       "SELECT request_sha256, resource FROM request_ids "
       "WHERE subject = $1 AND method = $2 AND request_id = $3"},
      {kUpsertReport,
       "INSERT INTO screening_reports (unit_id, month, zero_report, reported_by, reported_at, "
       "updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $4, $5) "
       "ON CONFLICT (month, unit_id) DO UPDATE SET zero_report = EXCLUDED.zero_report, "
       "updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at"},
      {kDeleteItems, "DELETE FROM screening_items WHERE month = $1 AND unit_id = $2"},
      {kInsertItems,
       "INSERT INTO screening_items (unit_id, month, position, summary, responsible_person, "
       "due_date) SELECT $1, $2, p, s, r, d FROM unnest($3::text[], $4::text[], $5::date[]) "
       "WITH ORDINALITY AS t(s, r, d, p)"},
      {kSelectReports, "SELECT " REPORT_COLUMNS " FROM screening_reports WHERE month = $1 "
                       "AND ($2 = '' OR unit_id = $2) AND unit_id > $3 ORDER BY unit_id LIMIT $4"},
      {kSelectItems,
       "SELECT summary, responsible_person, to_char(due_date, 'YYYY-MM-DD') AS due_date "
       "FROM screening_items WHERE month = $1 AND unit_id = $2 ORDER BY position"},
      {kSelectReportedUnits, "SELECT unit_id FROM screening_reports WHERE month = $1"},
      {kForgetUnits, "DELETE FROM known_units WHERE NOT (unit_id = ANY($1::text[]))"},
      {kUpsertUnits,
       "INSERT INTO known_units (unit_id, kind, seen_at) "
       "SELECT u, k, $3 FROM unnest($1::text[], $2::text[]) AS t(u, k) "
       "ON CONFLICT (unit_id) DO UPDATE SET kind = EXCLUDED.kind, seen_at = EXCLUDED.seen_at"},
      {kCaseFirstUnit,
       "SELECT coalesce(handling_unit_ids[1], '') AS unit_id FROM case_tracks WHERE case_id = $1"},
      {kCaseDeclinedOn,
       "SELECT to_char((declined_at AT TIME ZONE $2)::date, 'YYYY-MM-DD') AS declined_on "
       "FROM case_tracks WHERE case_id = $1"},
      {kInsertEscalation,
       "INSERT INTO escalations (escalation_id, case_id, unit_id, level, headcount, "
       "reported_in_advance, occurred_on, note, recorded_by, recorded_at, decline_overturned) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"},
      {kSelectEscalation, ESCALATION_SELECT "WHERE e.escalation_id = $2"},
      {kListEscalations, ESCALATION_SELECT
       "WHERE ($2 = '' OR e.unit_id = $2) AND ($3 = '' OR e.case_id = $3) "
       "AND ($4 = '' OR e.occurred_on >= $4::date) AND ($5 = '' OR e.occurred_on <= $5::date) "
       "AND ($6 = '' OR (e.occurred_on, e.escalation_id) > ($6::date, $7)) "
       "AND " NOT_REPORTING_UNIT("e.case_id",
                                 "$9") " "
                                       "ORDER BY e.occurred_on, e.escalation_id LIMIT $8"},
      // Every case with something on [$2, $3) (instants) or a HANDLING due
      // date in [$4, $5] (days); $1 the township's zone.
      {kStatsCases,
       "SELECT t.case_id, t.handling_unit_ids, "
       "to_char((t.received_at AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS received_on, "
       "t.repeat, t.collective, "
       "to_char((t.concluded_at AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS concluded_on, "
       "coalesce(t.rating, '') AS rating, "
       "to_char((t.rated_at AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS rated_on, "
       "to_char(h.start_date, 'YYYY-MM-DD') AS h_start, "
       "to_char(h.due_date, 'YYYY-MM-DD') AS h_due, "
       "to_char((h.met_at AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS h_met, "
       "coalesce(h.met_at = t.withdrawn_at, false) AS h_withdrawn, "
       "coalesce(t.complexity = 'COMPLEX', false) AS complex, "
       "to_char((t.answered_at AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS answered_on, "
       "(SELECT to_char(min(g.held_on), 'YYYY-MM-DD') FROM hearings g "
       "WHERE g.case_id = t.case_id) AS first_hearing_on, "
       "(SELECT coalesce(array_agg(to_char(r.decided_on, 'YYYY-MM-DD') ORDER BY r.decided_on), "
       "'{}') FROM review_decisions r WHERE r.case_id = t.case_id "
       "AND r.outcome IN ('CHANGED', 'REVOKED')) AS changed_on "
       "FROM case_tracks t LEFT JOIN deadlines h ON h.case_id = t.case_id AND h.kind = 'HANDLING' "
       "WHERE t.case_id IN ("
       "SELECT case_id FROM case_tracks WHERE received_at >= $2 AND received_at < $3 "
       "UNION SELECT case_id FROM case_tracks WHERE concluded_at >= $2 AND concluded_at < $3 "
       "UNION SELECT case_id FROM case_tracks WHERE rated_at >= $2 AND rated_at < $3 "
       "UNION SELECT case_id FROM case_tracks WHERE answered_at >= $2 AND answered_at < $3 "
       "UNION SELECT case_id FROM deadlines WHERE kind = 'HANDLING' "
       "AND due_date BETWEEN $4::date - 1 AND $5::date "
       "UNION SELECT case_id FROM review_decisions WHERE outcome IN ('CHANGED', 'REVOKED') "
       "AND decided_on BETWEEN $4::date AND $5::date) "
       "AND " NOT_REPORTING_UNIT("t.case_id", "$6")},
      // The period's escalations and the earlier ones of their cases.
      {kStatsEscalations, ESCALATION_SELECT "WHERE e.occurred_on <= $3::date AND e.case_id IN ("
                                            "SELECT case_id FROM escalations "
                                            "WHERE occurred_on BETWEEN $2::date AND $3::date) "
                                            "AND " NOT_REPORTING_UNIT("e.case_id", "$4")},
      {kUpsertAssessmentTargets,
       "INSERT INTO assessment_targets (year, max_over_level, min_on_time_rate, "
       "min_satisfaction_rate, no_unreported_collective, updated_by, updated_at) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (year) DO UPDATE SET "
       "max_over_level = EXCLUDED.max_over_level, min_on_time_rate = EXCLUDED.min_on_time_rate, "
       "min_satisfaction_rate = EXCLUDED.min_satisfaction_rate, "
       "no_unreported_collective = EXCLUDED.no_unreported_collective, "
       "updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at"},
      {kSelectAssessmentTargets,
       "SELECT year, max_over_level, min_on_time_rate, min_satisfaction_rate, "
       "no_unreported_collective, updated_by, updated_at FROM assessment_targets "
       "WHERE year = $1"},
      {kSelectSeenVersions, "SELECT year, version FROM calendar_versions_seen"},
      {kInsertHearing,
       "INSERT INTO hearings (hearing_id, case_id, kind, held_on, note, recorded_by, recorded_at, "
       "ends_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date)"},
      // A36: the days of a hearing are not counted in the recheck's answer
      // time. The pending RECHECK_ANSWER moves by the hearing's days that
      // fall inside it (after its start day, up to its due date); a deadline
      // that fell OVERDUE and is no longer past due opens again.
      {kSuspendRecheckAnswer,
       "WITH n AS (SELECT d.case_id, d.kind, (SELECT count(*)::int FROM "
       "generate_series($2::date, $3::date, interval '1 day') AS g(day) "
       "WHERE g.day::date > d.start_date AND g.day::date <= d.due_date) AS days "
       "FROM deadlines d WHERE d.case_id = $1 AND d.kind = 'RECHECK_ANSWER' AND d.met_at IS NULL) "
       "UPDATE deadlines d SET due_date = d.due_date + n.days, "
       "state = CASE WHEN d.state = 'OVERDUE' AND d.due_date + n.days >= $4::date THEN 'OPEN' "
       "ELSE d.state END FROM n WHERE d.case_id = n.case_id AND d.kind = n.kind AND n.days > 0"},
      {kSelectHearing, "SELECT " HEARING_COLUMNS " FROM hearings WHERE hearing_id = $1"},
      {kListHearings,
       "SELECT " HEARING_COLUMNS " FROM hearings WHERE case_id = $1 "
       "AND (held_on, hearing_id) > ($2::date, $3) ORDER BY held_on, hearing_id LIMIT $4"},
      {kPendingTouching,
       "SELECT case_id, kind, to_char(start_date, 'YYYY-MM-DD') AS start_date, "
       "to_char(due_date, 'YYYY-MM-DD') AS due_date, provisional, state, met_at, "
       "extended_by_days, coalesce(policy_version, 0) AS policy_version, limit_days, limit_unit, "
       "urgent FROM deadlines WHERE state IN ('OPEN', 'DUE_SOON', 'OVERDUE') "
       "AND limit_days IS NOT NULL AND (provisional OR NOT $2) "
       "AND start_date <= make_date($1, 12, 31) AND due_date >= make_date($1, 1, 1)"},
      // Moves the year's seen version only from the expected one.
      {kMoveSeenVersion,
       "INSERT INTO calendar_versions_seen AS s (year, version, seen_at) VALUES ($1, $3, $4) "
       "ON CONFLICT (year) DO UPDATE SET version = EXCLUDED.version, seen_at = EXCLUDED.seen_at "
       "WHERE s.version = $2 RETURNING year"},
      {kRecomputeDeadline,
       "UPDATE deadlines SET due_date = $4, provisional = $5, "
       "state = CASE WHEN due_date = $4::date THEN state ELSE 'OPEN' END, state_changed_at = $6 "
       "WHERE case_id = $1 AND kind = $2 AND due_date = $3 AND met_at IS NULL RETURNING case_id"},
      {kInsertDueDateChange,
       "INSERT INTO due_date_changes (case_id, kind, old_due_date, new_due_date, old_provisional, "
       "new_provisional, calendar_year, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
      {kSelectDueDateChanges,
       "SELECT case_id, kind, to_char(old_due_date, 'YYYY-MM-DD') AS old_due_date, "
       "to_char(new_due_date, 'YYYY-MM-DD') AS new_due_date, old_provisional, new_provisional, "
       "calendar_year, at FROM due_date_changes WHERE case_id = $1 ORDER BY id"},
  };
  return *kStatements;
}

absl::StatusOr<ScreeningReportRecord> DeadlineStore::PutScreeningReport(
    const ScreeningReportRecord& report, const RequestKey& key, const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) { return PutScreeningReport(tx, report, key); }, tx_options);
}

absl::StatusOr<ScreeningReportRecord> DeadlineStore::PutScreeningReport(
    pqxx::transaction_base& tx, const ScreeningReportRecord& report, const RequestKey& key) {
  const std::string resource = report.month + "/" + report.unit_id;
  auto prior = ClaimRequestInTx(tx, key, resource);
  if (!prior.ok()) return prior.status();
  if (!prior->has_value()) {
    tx.exec_prepared(kUpsertReport, report.unit_id, report.month, report.zero_report,
                     report.updated_by, SqlTimestamp(report.updated_at));
    tx.exec_prepared(kDeleteItems, report.month, report.unit_id);
    if (!report.items.empty()) {
      PgArrayBuilder summaries, persons, dues;
      for (const ScreeningItemRecord& item : report.items) {
        summaries.Add(item.summary);
        persons.Add(item.responsible_person);
        dues.Add(FormatDate(item.due_date));
      }
      tx.exec_prepared(kInsertItems, report.unit_id, report.month, summaries.Finish(),
                       persons.Finish(), dues.Finish());
    }
  }
  auto reports =
      ReportsFromRows(tx, tx.exec_prepared(kSelectReports, report.month, report.unit_id, "", 1));
  if (!reports.ok()) return reports.status();
  if (reports->empty()) return absl::AbortedError("the report changed meanwhile; try again");
  return std::move(reports->front());
}

absl::StatusOr<std::vector<ScreeningReportRecord>> DeadlineStore::ListScreeningReports(
    const std::string& month, const std::string& unit_id, const std::string& after_unit_id,
    int limit, const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) {
        return ListScreeningReports(tx, month, unit_id, after_unit_id, limit);
      },
      tx_options);
}

absl::StatusOr<std::vector<ScreeningReportRecord>> DeadlineStore::ListScreeningReports(
    pqxx::transaction_base& tx, const std::string& month, const std::string& unit_id,
    const std::string& after_unit_id, int limit) {
  return ReportsFromRows(tx,
                         tx.exec_prepared(kSelectReports, month, unit_id, after_unit_id, limit));
}

absl::StatusOr<std::vector<std::string>> DeadlineStore::ReportedUnits(const std::string& month,
                                                                      const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return ReportedUnits(tx, month); },
                     tx_options);
}

absl::StatusOr<std::vector<std::string>> DeadlineStore::ReportedUnits(pqxx::transaction_base& tx,
                                                                      const std::string& month) {
  std::vector<std::string> out;
  for (const auto& row : tx.exec_prepared(kSelectReportedUnits, month)) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

absl::Status DeadlineStore::RememberUnits(
    const std::vector<std::pair<std::string, std::string>>& units, absl::Time now,
    const TxOptions& tx_options) {
  return pool_->Transact([&](pqxx::transaction_base& tx) { return RememberUnits(tx, units, now); },
                         tx_options);
}

absl::Status DeadlineStore::RememberUnits(
    pqxx::transaction_base& tx, const std::vector<std::pair<std::string, std::string>>& units,
    absl::Time now) {
  PgArrayBuilder ids, kinds;
  for (const auto& [id, kind] : units) {
    ids.Add(id);
    kinds.Add(kind);
  }
  const std::string id_array = ids.Finish();
  // Under a savepoint: a failure here is returned, and the caller's
  // transaction goes on (the table only feeds a gauge).
  try {
    pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(tx), "remember_units");
    sub.exec_prepared(kForgetUnits, id_array);
    sub.exec_prepared(kUpsertUnits, id_array, kinds.Finish(), SqlTimestamp(now));
    sub.commit();
  } catch (const pqxx::sql_error& e) {
    return StatusFromException(e);
  }
  return absl::OkStatus();
}

absl::StatusOr<EscalationRecord> DeadlineStore::CreateEscalation(const EscalationRecord& e,
                                                                 const RequestKey& key,
                                                                 const std::string& zone,
                                                                 const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) { return CreateEscalation(tx, e, key, zone); }, tx_options);
}

absl::StatusOr<EscalationRecord> DeadlineStore::CreateEscalation(pqxx::transaction_base& tx,
                                                                 const EscalationRecord& e,
                                                                 const RequestKey& key,
                                                                 const std::string& zone) {
  pqxx::result track = tx.exec_prepared(kCaseFirstUnit, e.case_id);
  if (track.empty()) return absl::NotFoundError("no such case");
  auto prior = ClaimRequestInTx(tx, key, e.escalation_id);
  if (!prior.ok()) return prior.status();
  std::string id = e.escalation_id;
  if (prior->has_value()) {
    id = **prior;
  } else {
    std::string unit = e.unit_id;
    if (unit.empty()) unit = track[0]["unit_id"].as<std::string>();
    if (unit.empty()) {
      return absl::FailedPreconditionError(
          "the case has no handling unit: name the unit held to account (unitId)");
    }
    if (e.decline_overturned) {
      const pqxx::row declined = tx.exec_prepared1(kCaseDeclinedOn, e.case_id, zone);
      if (declined[0].is_null() || declined[0].as<std::string>() > FormatDate(e.occurred_on)) {
        return FailedPreconditionField("declineOverturned",
                                       "the case was not declined on or before occurredOn");
      }
    }
    tx.exec_prepared(kInsertEscalation, e.escalation_id, e.case_id, unit, e.level, e.headcount,
                     e.reported_in_advance, FormatDate(e.occurred_on), e.note, e.recorded_by,
                     SqlTimestamp(e.recorded_at), e.decline_overturned);
  }
  pqxx::result rows = tx.exec_prepared(kSelectEscalation, zone, id);
  if (rows.empty()) return absl::DataLossError("the escalation is gone");
  return EscalationFromRow(rows[0]);
}

absl::StatusOr<std::vector<EscalationRecord>> DeadlineStore::ListEscalations(
    const EscalationFilter& f, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return ListEscalations(tx, f); },
                     tx_options);
}

absl::StatusOr<std::vector<EscalationRecord>> DeadlineStore::ListEscalations(
    pqxx::transaction_base& tx, const EscalationFilter& f) {
  std::vector<EscalationRecord> out;
  const std::string from = f.from.has_value() ? FormatDate(*f.from) : "";
  const std::string to = f.to.has_value() ? FormatDate(*f.to) : "";
  const std::string after_day = f.after.has_value() ? FormatDate(f.after->first) : "";
  const std::string after_id = f.after.has_value() ? f.after->second : "";
  for (const auto& row : tx.exec_prepared(kListEscalations, f.time_zone, f.unit_id, f.case_id, from,
                                          to, after_day, after_id, f.limit, f.hidden_unit)) {
    auto e = EscalationFromRow(row);
    if (!e.ok()) return e.status();
    out.push_back(*std::move(e));
  }
  return out;
}

absl::StatusOr<DeadlineStore::StatsFacts> DeadlineStore::StatsFactsFor(
    absl::CivilDay from, absl::CivilDay to, absl::TimeZone zone, const std::string& hidden_unit,
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) { return StatsFactsFor(tx, from, to, zone, hidden_unit); },
      tx_options);
}

absl::StatusOr<DeadlineStore::StatsFacts> DeadlineStore::StatsFactsFor(
    pqxx::transaction_base& tx, absl::CivilDay from, absl::CivilDay to, absl::TimeZone zone,
    const std::string& hidden_unit) {
  const std::string from_at = SqlTimestamp(absl::FromCivil(from, zone));
  const std::string to_at = SqlTimestamp(absl::FromCivil(to + 1, zone));
  const std::string from_day = FormatDate(from);
  const std::string to_day = FormatDate(to);
  const std::string tz = zone.name();
  StatsFacts facts;
  for (const auto& row :
       tx.exec_prepared(kStatsCases, tz, from_at, to_at, from_day, to_day, hidden_unit)) {
    CaseFacts c;
    c.case_id = row["case_id"].as<std::string>();
    pqxx::array_parser units = row["handling_unit_ids"].as_array();
    while (true) {
      auto [juncture, value] = units.get_next();
      if (juncture == pqxx::array_parser::juncture::done) break;
      if (juncture == pqxx::array_parser::juncture::string_value) {
        c.unit_ids.push_back(std::move(value));
      }
    }
    auto received = Day(row["received_on"]);
    if (!received.ok()) return received.status();
    c.received_on = *received;
    c.repeat = row["repeat"].as<bool>();
    c.collective = row["collective"].as<bool>();
    if (!row["concluded_on"].is_null()) {
      auto d = Day(row["concluded_on"]);
      if (!d.ok()) return d.status();
      c.concluded_on = *d;
    }
    c.rating = row["rating"].as<std::string>();
    if (!row["rated_on"].is_null()) {
      auto d = Day(row["rated_on"]);
      if (!d.ok()) return d.status();
      c.rated_on = *d;
    }
    auto h = HandlingFromRow(row);
    if (!h.ok()) return h.status();
    c.handling = *h;
    c.complex = row["complex"].as<bool>();
    for (const char* column : {"answered_on", "first_hearing_on"}) {
      if (row[column].is_null()) continue;
      auto d = Day(row[column]);
      if (!d.ok()) return d.status();
      (std::string(column) == "answered_on" ? c.answered_on : c.first_hearing_on) = *d;
    }
    pqxx::array_parser changed = row["changed_on"].as_array();
    while (true) {
      auto [juncture, value] = changed.get_next();
      if (juncture == pqxx::array_parser::juncture::done) break;
      if (juncture != pqxx::array_parser::juncture::string_value) continue;
      auto d = ParseDate(value);
      if (!d.ok()) return absl::DataLossError("bad date in review_decisions");
      c.answer_changed_on.push_back(*d);
    }
    facts.cases.push_back(std::move(c));
  }
  for (const auto& row : tx.exec_prepared(kStatsEscalations, tz, from_day, to_day, hidden_unit)) {
    auto e = EscalationFromRow(row);
    if (!e.ok()) return e.status();
    EscalationFacts f;
    f.escalation_id = e->escalation_id;
    f.case_id = e->case_id;
    f.unit_id = e->unit_id;
    f.level = e->level;
    f.occurred_on = e->occurred_on;
    f.recorded_at = e->recorded_at;
    f.headcount = e->headcount;
    f.reported_in_advance = e->reported_in_advance;
    f.case_facts = e->case_facts;
    facts.escalations.push_back(std::move(f));
  }
  return facts;
}

absl::StatusOr<std::map<int, int64_t>> DeadlineStore::SeenCalendarVersions(
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::map<int, int64_t>> {
        std::map<int, int64_t> out;
        for (const auto& row : tx.exec_prepared(kSelectSeenVersions)) {
          out[row["year"].as<int>()] = row["version"].as<int64_t>();
        }
        return out;
      },
      tx_options);
}

absl::StatusOr<std::vector<DeadlineRecord>> DeadlineStore::PendingDeadlinesTouching(
    int year, bool only_provisional, const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<DeadlineRecord>> {
        std::vector<DeadlineRecord> out;
        for (const auto& row : tx.exec_prepared(kPendingTouching, year, only_provisional)) {
          auto d = DeadlineFromRow(row);
          if (!d.ok()) return d.status();
          out.push_back(*std::move(d));
        }
        return out;
      },
      tx_options);
}

absl::StatusOr<bool> DeadlineStore::ApplyRecomputation(
    int year, int64_t expected, int64_t version, const std::vector<DueDateChangeRecord>& changes,
    const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<bool> {
        const std::string now = SqlTimestamp(petition::Now());
        if (tx.exec_prepared(kMoveSeenVersion, year, expected, version, now).empty()) {
          return false;  // another replica recomputed meanwhile
        }
        for (const DueDateChangeRecord& c : changes) {
          const std::string at = SqlTimestamp(c.at);
          if (tx.exec_prepared(kRecomputeDeadline, c.case_id, c.kind, FormatDate(c.old_due_date),
                               FormatDate(c.new_due_date), c.new_provisional, at)
                  .empty()) {
            continue;  // met or moved meanwhile
          }
          if (c.old_due_date != c.new_due_date) {
            tx.exec_prepared(kInsertDueDateChange, c.case_id, c.kind, FormatDate(c.old_due_date),
                             FormatDate(c.new_due_date), c.old_provisional, c.new_provisional,
                             c.calendar_year, at);
          }
        }
        return true;
      },
      tx_options);
}

absl::StatusOr<std::vector<DueDateChangeRecord>> DeadlineStore::DueDateChanges(
    const std::string& case_id, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return DueDateChanges(tx, case_id); },
                     tx_options);
}

absl::StatusOr<std::vector<DueDateChangeRecord>> DeadlineStore::DueDateChanges(
    pqxx::transaction_base& tx, const std::string& case_id) {
  std::vector<DueDateChangeRecord> out;
  for (const auto& row : tx.exec_prepared(kSelectDueDateChanges, case_id)) {
    DueDateChangeRecord c;
    c.case_id = row["case_id"].as<std::string>();
    c.kind = row["kind"].as<std::string>();
    auto old_due = Day(row["old_due_date"]);
    auto new_due = Day(row["new_due_date"]);
    auto at = Instant(row["at"]);
    if (!old_due.ok() || !new_due.ok() || !at.ok()) {
      return absl::DataLossError("bad due_date_changes row");
    }
    c.old_due_date = *old_due;
    c.new_due_date = *new_due;
    c.old_provisional = row["old_provisional"].as<bool>();
    c.new_provisional = row["new_provisional"].as<bool>();
    c.calendar_year = row["calendar_year"].as<int>();
    c.at = *at;
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

absl::StatusOr<HearingRecord> HearingFromRow(const pqxx::row& row) {
  HearingRecord h;
  h.hearing_id = row["hearing_id"].as<std::string>();
  h.case_id = row["case_id"].as<std::string>();
  h.kind = row["kind"].as<std::string>();
  auto held = Day(row["held_on"]);
  if (!held.ok()) return held.status();
  h.held_on = *held;
  auto ends = Day(row["ends_on"]);
  if (!ends.ok()) return ends.status();
  h.ends_on = *ends;
  h.note = row["note"].as<std::string>();
  h.recorded_by = row["recorded_by"].as<std::string>();
  auto at = Instant(row["recorded_at"]);
  if (!at.ok()) return at.status();
  h.recorded_at = *at;
  return h;
}

}  // namespace

absl::StatusOr<HearingRecord> DeadlineStore::CreateHearing(const HearingRecord& h,
                                                           const RequestKey& key,
                                                           absl::CivilDay today,
                                                           const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) { return CreateHearing(tx, h, key, today); }, tx_options);
}

absl::StatusOr<HearingRecord> DeadlineStore::CreateHearing(pqxx::transaction_base& tx,
                                                           const HearingRecord& h,
                                                           const RequestKey& key,
                                                           absl::CivilDay today) {
  if (tx.exec_prepared(kCaseFirstUnit, h.case_id).empty()) {
    return absl::NotFoundError("no such case");
  }
  auto prior = ClaimRequestInTx(tx, key, h.hearing_id);
  if (!prior.ok()) return prior.status();
  const std::string id = prior->has_value() ? **prior : h.hearing_id;
  if (!prior->has_value()) {
    tx.exec_prepared(kInsertHearing, h.hearing_id, h.case_id, h.kind, FormatDate(h.held_on), h.note,
                     h.recorded_by, SqlTimestamp(h.recorded_at), FormatDate(h.ends_on));
    if (h.kind == "HEARING") {
      tx.exec_prepared(kSuspendRecheckAnswer, h.case_id, FormatDate(h.held_on),
                       FormatDate(h.ends_on), FormatDate(today));
    }
  }
  pqxx::result rows = tx.exec_prepared(kSelectHearing, id);
  if (rows.empty()) return absl::DataLossError("the hearing is gone");
  return HearingFromRow(rows[0]);
}

absl::StatusOr<std::vector<HearingRecord>> DeadlineStore::ListHearings(
    const std::string& case_id, const std::optional<std::pair<absl::CivilDay, std::string>>& after,
    int limit, const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) { return ListHearings(tx, case_id, after, limit); },
      tx_options);
}

absl::StatusOr<std::vector<HearingRecord>> DeadlineStore::ListHearings(
    pqxx::transaction_base& tx, const std::string& case_id,
    const std::optional<std::pair<absl::CivilDay, std::string>>& after, int limit) {
  std::vector<HearingRecord> out;
  const std::string after_day = after.has_value() ? FormatDate(after->first) : "0001-01-01";
  const std::string after_id = after.has_value() ? after->second : "";
  for (const auto& row : tx.exec_prepared(kListHearings, case_id, after_day, after_id, limit)) {
    auto h = HearingFromRow(row);
    if (!h.ok()) return h.status();
    out.push_back(*std::move(h));
  }
  return out;
}

namespace {

absl::StatusOr<AssessmentTargetsRecord> TargetsFromRow(const pqxx::row& row) {
  AssessmentTargetsRecord r;
  r.year = row["year"].as<int>();
  if (!row["max_over_level"].is_null()) r.targets.max_over_level = row["max_over_level"].as<int>();
  if (!row["min_on_time_rate"].is_null()) {
    r.targets.min_on_time_rate = row["min_on_time_rate"].as<double>();
  }
  if (!row["min_satisfaction_rate"].is_null()) {
    r.targets.min_satisfaction_rate = row["min_satisfaction_rate"].as<double>();
  }
  r.targets.no_unreported_collective = row["no_unreported_collective"].as<bool>();
  r.updated_by = row["updated_by"].as<std::string>();
  auto at = Instant(row["updated_at"]);
  if (!at.ok()) return at.status();
  r.updated_at = *at;
  return r;
}

// A nullable parameter: the text of the value, or null.
std::optional<std::string> Param(const std::optional<int>& v) {
  if (!v.has_value()) return std::nullopt;
  return std::to_string(*v);
}
std::optional<std::string> Param(const std::optional<double>& v) {
  if (!v.has_value()) return std::nullopt;
  return absl::StrFormat("%.17g", *v);  // reads back as the same double
}
const char* OrNull(const std::optional<std::string>& v) {
  return v.has_value() ? v->c_str() : nullptr;
}

}  // namespace

absl::StatusOr<AssessmentTargetsRecord> DeadlineStore::PutAssessmentTargets(
    const AssessmentTargetsRecord& t, const RequestKey& key, const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<AssessmentTargetsRecord> {
        auto prior = ClaimRequestInTx(tx, key, std::to_string(t.year));
        if (!prior.ok()) return prior.status();
        if (!prior->has_value()) {
          const auto max_over_level = Param(t.targets.max_over_level);
          const auto min_on_time_rate = Param(t.targets.min_on_time_rate);
          const auto min_satisfaction_rate = Param(t.targets.min_satisfaction_rate);
          tx.exec_prepared(kUpsertAssessmentTargets, t.year, OrNull(max_over_level),
                           OrNull(min_on_time_rate), OrNull(min_satisfaction_rate),
                           t.targets.no_unreported_collective, t.updated_by,
                           SqlTimestamp(t.updated_at));
        }
        pqxx::result rows = tx.exec_prepared(kSelectAssessmentTargets, t.year);
        if (rows.empty()) return absl::DataLossError("the targets are gone");
        return TargetsFromRow(rows[0]);
      },
      tx_options);
}

absl::StatusOr<AssessmentTargetsRecord> DeadlineStore::GetAssessmentTargets(
    int year, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return GetAssessmentTargets(tx, year); },
                     tx_options);
}

absl::StatusOr<AssessmentTargetsRecord> DeadlineStore::GetAssessmentTargets(
    pqxx::transaction_base& tx, int year) {
  pqxx::result rows = tx.exec_prepared(kSelectAssessmentTargets, year);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("no assessment targets for ", year));
  }
  return TargetsFromRow(rows[0]);
}

}  // namespace petition::supervision
