#include "services/supervision/store/deadline_store.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/pg_array.h"

namespace petition::supervision {
namespace {

constexpr char kInsertApplied[] = "supervision_insert_applied";
constexpr char kForgetApplied[] = "supervision_forget_applied";
constexpr char kAdvanceTrack[] = "supervision_advance_track";
constexpr char kSelectLastSequence[] = "supervision_select_last_sequence";
constexpr char kMeetDeadline[] = "supervision_meet_deadline";
constexpr char kSetHandlingUnits[] = "supervision_set_handling_units";
constexpr char kSetReportedUnits[] = "supervision_set_reported_units";
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
       "urgent, handling_unit_ids, reported_unit_ids) "
       "SELECT c, s, r, ch, ca, so, u, h::text[], rp::text[] FROM unnest($1::text[], "
       "$2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bool[], "
       "$8::text[], $9::text[]) AS t(c, s, r, ch, ca, so, u, h, rp)"},
      {kInsertDeadlines,
       "INSERT INTO deadlines (case_id, kind, start_date, due_date, provisional, state) "
       "SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::bool[], "
       "$6::text[]) ON CONFLICT (case_id, kind) DO NOTHING"},
      // The next event of a case: only when it is exactly last + 1.
      {kAdvanceTrack,
       "UPDATE case_tracks SET last_sequence = $2, updated_at = now() "
       "WHERE case_id = $1 AND last_sequence = $2 - 1 RETURNING case_id"},
      {kSelectLastSequence, "SELECT last_sequence FROM case_tracks WHERE case_id = $1"},
      {kMeetDeadline,
       "UPDATE deadlines SET met_at = $3, "
       "state = CASE WHEN due_date >= $4::date THEN 'MET' ELSE 'MISSED' END "
       "WHERE case_id = $1 AND kind = $2 AND met_at IS NULL"},
      {kSetHandlingUnits,
       "UPDATE case_tracks SET handling_unit_ids = $2::text[] WHERE case_id = $1"},
      {kSetReportedUnits,
       "UPDATE case_tracks SET reported_unit_ids = $2::text[] WHERE case_id = $1"},
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

namespace {

// Inserts deadlines (set-based).
void InsertDeadlines(pqxx::work& tx,
                     const std::vector<std::pair<std::string, DeadlineRecord>>& ds) {
  if (ds.empty()) return;
  PgArrayBuilder d_case, d_kind, d_start, d_due, d_provisional, d_state;
  for (const auto& [case_id, d] : ds) {
    d_case.Add(case_id);
    d_kind.Add(d.kind);
    d_start.Add(FormatDate(d.start_date));
    d_due.Add(FormatDate(d.due_date));
    d_provisional.Add(d.provisional ? "t" : "f");
    d_state.Add(d.state);
  }
  tx.exec_prepared(kInsertDeadlines, d_case.Finish(), d_kind.Finish(), d_start.Finish(),
                   d_due.Finish(), d_provisional.Finish(), d_state.Finish());
}

}  // namespace

absl::StatusOr<int> DeadlineStore::ApplyEvents(const std::vector<Application>& applications,
                                               const TxOptions& tx_options) {
  if (applications.empty()) return 0;
  PgArrayBuilder event_ids, case_ids, sequences;
  for (const Application& app : applications) {
    event_ids.Add(app.event->event_id());
    case_ids.Add(app.event->case_id());
    sequences.Add(std::to_string(app.event->sequence()));
  }
  return pool_->Transact(
      [&](pqxx::work& tx) -> absl::StatusOr<int> {
        absl::flat_hash_set<std::string> fresh;  // event ids not seen before
        for (const auto& row : tx.exec_prepared(kInsertApplied, event_ids.Finish(),
                                                case_ids.Finish(), sequences.Finish())) {
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
          PgArrayBuilder t_handling, t_reported;
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
            for (const DeadlineRecord& d : app->open) opened.emplace_back(event.case_id(), d);
            any_new = true;
          }
          if (any_new) {
            tx.exec_prepared(kInsertTracks, t_case.Finish(), t_seq.Finish(), t_received.Finish(),
                             t_channel.Finish(), t_category.Finish(), t_source.Finish(),
                             t_urgent.Finish(), t_handling.Finish(), t_reported.Finish());
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
            return absl::FailedPreconditionError(
                absl::StrCat("case ", event.case_id(), ": event sequence ", event.sequence(),
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
          if (app->handling_unit_ids.has_value()) {
            tx.exec_prepared(kSetHandlingUnits, event.case_id(), PgArray(*app->handling_unit_ids));
          }
          if (app->reported_unit_ids.has_value()) {
            tx.exec_prepared(kSetReportedUnits, event.case_id(), PgArray(*app->reported_unit_ids));
          }
        }
        if (!duplicates.empty()) tx.exec_prepared(kForgetApplied, PgArray(duplicates));
        return static_cast<int>(todo.size() - duplicates.size());
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
