#include "services/supervision/store/deadline_store.h"

#include "absl/strings/str_cat.h"
#include "common/dates.h"

namespace petition::supervision {
namespace {

constexpr char kInsertApplied[] = "supervision_insert_applied";
constexpr char kSelectTrack[] = "supervision_select_track";
constexpr char kInsertTrack[] = "supervision_insert_track";
constexpr char kInsertDeadline[] = "supervision_insert_deadline";
constexpr char kSelectDeadlines[] = "supervision_select_deadlines";

}  // namespace

const std::vector<PgStatement>& DeadlineStore::Statements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      {kInsertApplied,
       "INSERT INTO applied_events (event_id, case_id, sequence) VALUES ($1, $2, $3) "
       "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"},
      {kSelectTrack, "SELECT last_sequence FROM case_tracks WHERE case_id = $1 FOR UPDATE"},
      {kInsertTrack,
       "INSERT INTO case_tracks (case_id, last_sequence, received_at, channel, category, source, "
       "urgent) VALUES ($1, $2, $3::timestamptz, $4, $5, $6, $7)"},
      {kInsertDeadline,
       "INSERT INTO deadlines (case_id, kind, start_date, due_date, provisional, state) "
       "VALUES ($1, $2, $3::date, $4::date, $5, $6)"},
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
  int applied = 0;
  absl::Status s = pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    applied = 0;
    for (const Registration& reg : registrations) {
      const petition::v1::CaseEvent& event = *reg.event;
      if (tx.exec_prepared(kInsertApplied, event.event_id(), event.case_id(), event.sequence())
              .empty()) {
        continue;  // seen before: nothing to do
      }
      if (!tx.exec_prepared(kSelectTrack, event.case_id()).empty() || event.sequence() != 1) {
        return absl::FailedPreconditionError(absl::StrCat(
            "case ", event.case_id(), ": a registration must be the case's first event"));
      }
      const petition::v1::CaseRegistered& r = event.registered();
      tx.exec_prepared(kInsertTrack, event.case_id(), event.sequence(),
                       SqlTimestamp(r.received_at()), r.channel(), r.category(), r.source(),
                       r.urgent());
      const DeadlineRecord& d = reg.acceptance;
      tx.exec_prepared(kInsertDeadline, event.case_id(), d.kind, FormatDate(d.start_date),
                       FormatDate(d.due_date), d.provisional, d.state);
      ++applied;
    }
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
