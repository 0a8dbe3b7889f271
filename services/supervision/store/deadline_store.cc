#include "services/supervision/store/deadline_store.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/pg_array.h"

namespace petition::supervision {
namespace {

constexpr char kInsertApplied[] = "supervision_insert_applied";
constexpr char kSelectTracks[] = "supervision_select_tracks";
constexpr char kInsertTracks[] = "supervision_insert_tracks";
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
  return d;
}

}  // namespace

const std::vector<PgStatement>& DeadlineStore::Statements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      // Set-based: a batch of events is four statements, whatever its size.
      {kInsertApplied,
       "INSERT INTO applied_events (event_id, case_id, sequence) "
       "SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) "
       "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"},
      {kSelectTracks,
       "SELECT case_id FROM case_tracks WHERE case_id = ANY($1::text[]) LIMIT 1 FOR UPDATE"},
      // $8 and $9 hold one array literal per case (its unit ids).
      {kInsertTracks,
       "INSERT INTO case_tracks (case_id, last_sequence, received_at, channel, category, source, "
       "urgent, handling_unit_ids, reported_unit_ids) "
       "SELECT c, s, r, ch, ca, so, u, h::text[], rp::text[] FROM unnest($1::text[], "
       "$2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bool[], "
       "$8::text[], $9::text[]) AS t(c, s, r, ch, ca, so, u, h, rp)"},
      {kInsertDeadlines,
       "INSERT INTO deadlines (case_id, kind, start_date, due_date, provisional, state) "
       "SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::bool[], "
       "$6::text[])"},
      {kSelectDeadlines,
       "SELECT kind, to_char(start_date, 'YYYY-MM-DD') AS start_date, "
       "to_char(due_date, 'YYYY-MM-DD') AS due_date, provisional, state, met_at, "
       "extended_by_days FROM deadlines WHERE case_id = $1 "
       "ORDER BY array_position(ARRAY['ACCEPTANCE','HANDLING','REVIEW_WINDOW','COUNTY'], kind)"},
      {kSelectCaseUnits,
       "SELECT handling_unit_ids, reported_unit_ids FROM case_tracks WHERE case_id = $1"},
  };
  return *kStatements;
}

absl::StatusOr<int> DeadlineStore::ApplyRegistrations(
    const std::vector<Registration>& registrations, const TxOptions& tx_options) {
  if (registrations.empty()) return 0;
  PgArrayBuilder event_ids, case_ids, sequences;
  for (const Registration& reg : registrations) {
    event_ids.Add(reg.event->event_id());
    case_ids.Add(reg.event->case_id());
    sequences.Add(std::to_string(reg.event->sequence()));
  }
  return pool_->Transact(
      [&](pqxx::work& tx) -> absl::StatusOr<int> {
        int applied = 0;
        absl::flat_hash_set<std::string> fresh;  // event ids not seen before
        for (const auto& row : tx.exec_prepared(kInsertApplied, event_ids.Finish(),
                                                case_ids.Finish(), sequences.Finish())) {
          fresh.insert(row["event_id"].as<std::string>());
        }
        if (fresh.empty()) return 0;  // all redeliveries
        PgArrayBuilder t_case, t_seq, t_received, t_channel, t_category, t_source, t_urgent;
        PgArrayBuilder t_handling, t_reported;
        PgArrayBuilder d_case, d_kind, d_start, d_due, d_provisional, d_state;
        absl::flat_hash_set<std::string> cases;
        for (const Registration& reg : registrations) {
          const petition::v1::CaseEvent& event = *reg.event;
          if (fresh.erase(event.event_id()) == 0) continue;  // seen before, or twice in this batch
          if (event.sequence() != 1 || !cases.insert(event.case_id()).second) {
            return absl::FailedPreconditionError(absl::StrCat(
                "case ", event.case_id(), ": a registration must be the case's first event"));
          }
          const petition::v1::CaseRegistered& r = event.registered();
          t_case.Add(event.case_id());
          t_seq.Add(std::to_string(event.sequence()));
          t_received.Add(SqlTimestamp(r.received_at()));
          t_channel.Add(r.channel());
          t_category.Add(r.category());
          t_source.Add(r.source());
          t_urgent.Add(r.urgent() ? "t" : "f");
          t_handling.Add(PgArray(r.handling_unit_ids()));
          t_reported.Add(PgArray(r.reported_unit_ids()));
          const DeadlineRecord& d = reg.acceptance;
          d_case.Add(event.case_id());
          d_kind.Add(d.kind);
          d_start.Add(FormatDate(d.start_date));
          d_due.Add(FormatDate(d.due_date));
          d_provisional.Add(d.provisional ? "t" : "f");
          d_state.Add(d.state);
          ++applied;
        }
        const std::string new_cases = t_case.Finish();
        if (!tx.exec_prepared(kSelectTracks, new_cases).empty()) {
          return absl::FailedPreconditionError(
              "a registration must be its case's first event; a case in this batch has one "
              "already");
        }
        tx.exec_prepared(kInsertTracks, new_cases, t_seq.Finish(), t_received.Finish(),
                         t_channel.Finish(), t_category.Finish(), t_source.Finish(),
                         t_urgent.Finish(), t_handling.Finish(), t_reported.Finish());
        tx.exec_prepared(kInsertDeadlines, d_case.Finish(), d_kind.Finish(), d_start.Finish(),
                         d_due.Finish(), d_provisional.Finish(), d_state.Finish());
        return applied;
      },
      tx_options);
}

absl::StatusOr<std::vector<DeadlineRecord>> DeadlineStore::ListForCase(
    const std::string& case_id, const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<DeadlineRecord>> {
        pqxx::result rows = tx.exec_prepared(kSelectDeadlines, case_id);
        if (rows.empty()) return absl::NotFoundError("no deadlines for this case");
        std::vector<DeadlineRecord> out;
        for (const auto& row : rows) {
          auto d = DeadlineFromRow(row);
          if (!d.ok()) return d.status();
          out.push_back(*std::move(d));
        }
        return out;
      },
      tx_options);
}

absl::StatusOr<CaseUnits> DeadlineStore::UnitsOfCase(const std::string& case_id,
                                                     const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::read_transaction& tx) -> absl::StatusOr<CaseUnits> {
        pqxx::result rows = tx.exec_prepared(kSelectCaseUnits, case_id);
        if (rows.empty()) return absl::NotFoundError("supervision has not heard of the case");
        return CaseUnits{TextArray(rows[0]["handling_unit_ids"]),
                         TextArray(rows[0]["reported_unit_ids"])};
      },
      tx_options);
}

}  // namespace petition::supervision
