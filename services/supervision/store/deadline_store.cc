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
      {kInsertTracks,
       "INSERT INTO case_tracks (case_id, last_sequence, received_at, channel, category, source, "
       "urgent) SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], "
       "$5::text[], $6::text[], $7::bool[])"},
      {kInsertDeadlines,
       "INSERT INTO deadlines (case_id, kind, start_date, due_date, provisional, state) "
       "SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::bool[], "
       "$6::text[])"},
      {kSelectDeadlines,
       "SELECT kind, to_char(start_date, 'YYYY-MM-DD'), to_char(due_date, 'YYYY-MM-DD'), "
       "provisional, state, (extract(epoch FROM met_at) * 1000000)::int8, extended_by_days "
       "FROM deadlines WHERE case_id = $1 "
       "ORDER BY array_position(ARRAY['ACCEPTANCE','HANDLING','REVIEW_WINDOW','COUNTY'], kind)"},
  };
  return *kStatements;
}

absl::StatusOr<int> DeadlineStore::ApplyRegistrations(
    const std::vector<Registration>& registrations) {
  if (registrations.empty()) return 0;
  PgArrayBuilder event_ids, case_ids, sequences;
  for (const Registration& reg : registrations) {
    event_ids.Add(reg.event->event_id());
    case_ids.Add(reg.event->case_id());
    sequences.Add(std::to_string(reg.event->sequence()));
  }
  int applied = 0;
  absl::Status s = pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    applied = 0;
    absl::flat_hash_set<std::string> fresh;  // event ids not seen before
    for (const auto& row : tx.exec_prepared(kInsertApplied, event_ids.Finish(), case_ids.Finish(),
                                            sequences.Finish())) {
      fresh.insert(row[0].as<std::string>());
    }
    if (fresh.empty()) return absl::OkStatus();  // all redeliveries
    PgArrayBuilder t_case, t_seq, t_received, t_channel, t_category, t_source, t_urgent;
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
          "a registration must be its case's first event; a case in this batch has one already");
    }
    tx.exec_prepared(kInsertTracks, new_cases, t_seq.Finish(), t_received.Finish(),
                     t_channel.Finish(), t_category.Finish(), t_source.Finish(), t_urgent.Finish());
    tx.exec_prepared(kInsertDeadlines, d_case.Finish(), d_kind.Finish(), d_start.Finish(),
                     d_due.Finish(), d_provisional.Finish(), d_state.Finish());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return applied;
}

absl::StatusOr<std::vector<DeadlineRecord>> DeadlineStore::ListForCase(const std::string& case_id) {
  std::vector<DeadlineRecord> out;
  absl::Status s = pool_->Read([&](pqxx::work& tx) -> absl::Status {
    pqxx::result rows = tx.exec_prepared(kSelectDeadlines, case_id);
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat("no deadlines for case ", case_id));
    }
    for (const auto& row : rows) {
      DeadlineRecord d;
      d.kind = row[0].as<std::string>();
      auto start = ParseDate(row[1].as<std::string>());
      auto due = ParseDate(row[2].as<std::string>());
      if (!start.ok() || !due.ok()) return absl::DataLossError("bad date in deadlines");
      d.start_date = *start;
      d.due_date = *due;
      d.provisional = row[3].as<bool>();
      d.state = row[4].as<std::string>();
      if (!row[5].is_null()) d.met_at = absl::FromUnixMicros(row[5].as<int64_t>());
      d.extended_by_days = row[6].as<int>();
      out.push_back(std::move(d));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace petition::supervision
