#include "services/intake/store/case_store.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/dates.h"
#include "common/pg_array.h"

namespace petition::intake {
namespace {

constexpr char kInsertCase[] = "intake_insert_case";
constexpr char kInsertPetitioner[] = "intake_insert_petitioner";
constexpr char kInsertOutbox[] = "intake_insert_outbox";
constexpr char kSelectByRequestId[] = "intake_select_by_request_id";
constexpr char kSelectCase[] = "intake_select_case";
constexpr char kSelectPetitioners[] = "intake_select_petitioners";
constexpr char kInsertIdentityRead[] = "intake_insert_identity_read";
constexpr char kTryRelayLock[] = "intake_try_relay_lock";
constexpr char kSelectPending[] = "intake_select_pending";
constexpr char kMarkDelivered[] = "intake_mark_delivered";
constexpr char kMarkFailed[] = "intake_mark_failed";
constexpr char kCountPending[] = "intake_count_pending";
constexpr char kPark[] = "intake_park";

constexpr char kCaseColumns[] =
    "case_id, query_code, status, source, coalesce(county_case_id, ''), channel, "
    "(extract(epoch FROM received_at) * 1000000)::int8, received_by, reception_session_id, "
    "headcount, collective, category, reported_unit_ids, subject, content, urgent, complexity, "
    "handling_unit_ids, leader_id, repeat_of_case_ids, rating, "
    "(extract(epoch FROM created_at) * 1000000)::int8, "
    "(extract(epoch FROM updated_at) * 1000000)::int8";

google::protobuf::Timestamp FromMicros(const pqxx::field& f) {
  return ToProtoTimestamp(absl::FromUnixMicros(f.as<int64_t>()));
}

void ParseArray(const pqxx::field& f, google::protobuf::RepeatedPtrField<std::string>* out) {
  pqxx::array_parser parser = f.as_array();
  for (auto [kind, value] = parser.get_next(); kind != pqxx::array_parser::done;
       std::tie(kind, value) = parser.get_next()) {
    if (kind == pqxx::array_parser::string_value) out->Add(std::move(value));
  }
}

v1::Case CaseFromRow(const pqxx::row& r) {
  v1::Case c;
  c.set_case_id(r[0].as<std::string>());
  c.set_query_code(r[1].as<std::string>());
  v1::CaseStatus status;
  if (v1::CaseStatus_Parse(r[2].as<std::string>(), &status)) c.set_status(status);
  v1::CaseSource source;
  if (v1::CaseSource_Parse(r[3].as<std::string>(), &source)) c.set_source(source);
  c.set_county_case_id(r[4].as<std::string>());
  v1::Channel channel;
  if (v1::Channel_Parse(r[5].as<std::string>(), &channel)) c.set_channel(channel);
  *c.mutable_received_at() = FromMicros(r[6]);
  c.set_received_by(r[7].as<std::string>());
  c.set_reception_session_id(r[8].as<std::string>());
  c.set_headcount(r[9].as<int>());
  c.set_collective(r[10].as<bool>());
  v1::Category category;
  if (v1::Category_Parse(r[11].as<std::string>(), &category)) c.set_category(category);
  ParseArray(r[12], c.mutable_reported_unit_ids());
  c.set_subject(r[13].as<std::string>());
  c.set_content(r[14].as<std::string>());
  c.set_urgent(r[15].as<bool>());
  v1::Complexity complexity;
  if (v1::Complexity_Parse(r[16].as<std::string>(), &complexity)) c.set_complexity(complexity);
  ParseArray(r[17], c.mutable_handling_unit_ids());
  c.set_leader_id(r[18].as<std::string>());
  ParseArray(r[19], c.mutable_repeat_of_case_ids());
  v1::Rating rating;
  if (v1::Rating_Parse(r[20].as<std::string>(), &rating)) c.set_rating(rating);
  *c.mutable_created_at() = FromMicros(r[21]);
  *c.mutable_updated_at() = FromMicros(r[22]);
  return c;
}

// Loads a case and opens its petitioners inside `tx`.
absl::StatusOr<v1::Case> LoadCase(pqxx::work& tx, const PiiCipher& cipher,
                                  const std::string& case_id) {
  pqxx::result rows = tx.exec_prepared(kSelectCase, case_id);
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("no case ", case_id));
  v1::Case c = CaseFromRow(rows[0]);
  for (const auto& row : tx.exec_prepared(kSelectPetitioners, case_id)) {
    auto sealed = HexDecode(row[0].as<std::string>());
    if (!sealed.ok()) return absl::DataLossError("petitioner record is corrupt");
    auto opened = cipher.Decrypt(*sealed);
    if (!opened.ok()) return opened.status();
    if (!c.add_petitioners()->ParseFromString(*opened)) {
      return absl::DataLossError("petitioner record does not parse");
    }
  }
  return c;
}

}  // namespace

const std::vector<PgStatement>& CaseStore::Statements() {
  static const auto* kSelectCaseSql =
      new std::string(absl::StrCat("SELECT ", kCaseColumns, " FROM cases WHERE case_id = $1"));
  static const auto* kStatements = new std::vector<PgStatement>{
      {kInsertCase,
       "INSERT INTO cases (case_id, query_code, status, source, county_case_id, channel, "
       "received_at, received_by, reception_session_id, headcount, collective, category, "
       "reported_unit_ids, subject, content, urgent, repeat_of_case_ids, request_id, "
       "request_sha256) VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7::timestamptz, $8, $9, "
       "$10, $11, $12, $13::text[], $14, $15, $16, $17::text[], NULLIF($18, ''), "
       "NULLIF($19, '')) RETURNING (extract(epoch FROM created_at) * 1000000)::int8"},
      {kInsertPetitioner,
       "INSERT INTO petitioners (case_id, ordinal, sealed, id_number_hash) "
       "VALUES ($1, $2, decode($3, 'hex'), $4)"},
      {kInsertOutbox,
       "INSERT INTO outbox (event_id, case_id, sequence, payload) "
       "VALUES ($1, $2, $3, decode($4, 'hex'))"},
      {kSelectByRequestId, "SELECT case_id, request_sha256 FROM cases WHERE request_id = $1"},
      {kSelectCase, kSelectCaseSql->c_str()},
      {kSelectPetitioners,
       "SELECT encode(sealed, 'hex') FROM petitioners WHERE case_id = $1 ORDER BY ordinal"},
      {kInsertIdentityRead,
       "INSERT INTO identity_reads (case_id, subject, roles, request_id, purpose) "
       "VALUES ($1, $2, $3, $4, $5)"},
      {kTryRelayLock,
       "SELECT pg_try_advisory_xact_lock(hashtext('petition.outbox.' || current_schema()))"},
      {kSelectPending,
       "SELECT id, encode(payload, 'hex') FROM outbox WHERE delivered_at IS NULL AND parked_at IS "
       "NULL "
       "ORDER BY id LIMIT $1"},
      {kMarkDelivered,
       "UPDATE outbox SET delivered_at = now(), attempts = attempts + 1 "
       "WHERE id = ANY($1::bigint[])"},
      {kMarkFailed,
       "UPDATE outbox SET attempts = attempts + 1, last_error = $2 "
       "WHERE id = ANY($1::bigint[])"},
      // Each count matches a partial index's predicate: cheap however many
      // delivered rows the table keeps.
      {kCountPending,
       "SELECT (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL), "
       "(SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL AND delivered_at IS NULL)"},
      {kPark,
       "UPDATE outbox SET parked_at = now(), attempts = attempts + 1, last_error = $2 "
       "WHERE id = $1"},
  };
  return *kStatements;
}

absl::StatusOr<RegisterResult> CaseStore::Register(const v1::Case& c, const std::string& request_id,
                                                   const std::string& request_sha256,
                                                   const petition::v1::CaseEvent& event) {
  // Seal outside the transaction: no CPU work while holding a connection.
  std::vector<std::pair<std::string, std::string>> sealed;  // hex, hash
  for (const v1::Petitioner& p : c.petitioners()) {
    sealed.emplace_back(HexEncode(cipher_->Encrypt(p.SerializeAsString())),
                        cipher_->KeyedHash(p.id_number()));
  }
  const std::string payload = HexEncode(event.SerializeAsString());
  RegisterResult result;
  absl::Status s = pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    if (!request_id.empty()) {
      pqxx::result prior = tx.exec_prepared(kSelectByRequestId, request_id);
      if (!prior.empty()) {
        if (prior[0][1].as<std::string>() != request_sha256) {
          return absl::AlreadyExistsError(
              absl::StrCat("requestId ", request_id, " was already used with a different request"));
        }
        auto first = LoadCase(tx, *cipher_, prior[0][0].as<std::string>());
        if (!first.ok()) return first.status();
        result.stored = *std::move(first);
        result.created = false;
        return absl::OkStatus();
      }
    }
    pqxx::row created = tx.exec_prepared1(
        kInsertCase, c.case_id(), c.query_code(), v1::CaseStatus_Name(c.status()),
        v1::CaseSource_Name(c.source()), c.county_case_id(), v1::Channel_Name(c.channel()),
        SqlTimestamp(c.received_at()), c.received_by(), c.reception_session_id(), c.headcount(),
        c.collective(), v1::Category_Name(c.category()), PgArray(c.reported_unit_ids()),
        c.subject(), c.content(), c.urgent(), PgArray(c.repeat_of_case_ids()), request_id,
        request_sha256);
    for (size_t i = 0; i < sealed.size(); ++i) {
      tx.exec_prepared(kInsertPetitioner, c.case_id(), static_cast<int>(i), sealed[i].first,
                       sealed[i].second);
    }
    tx.exec_prepared(kInsertOutbox, event.event_id(), event.case_id(), event.sequence(), payload);
    result.stored = c;
    *result.stored.mutable_created_at() = FromMicros(created[0]);
    *result.stored.mutable_updated_at() = result.stored.created_at();
    result.created = true;
    return absl::OkStatus();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists && !request_id.empty() &&
      s.message().find("cases_request_id_key") != absl::string_view::npos) {
    // Two retries raced on the request id and the other one won: answer as a
    // retry (the request id row now exists, so this cannot recurse again).
    return Register(c, request_id, request_sha256, event);
  }
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<v1::Case> CaseStore::Get(const std::string& case_id, const Principal& reader,
                                        const std::string& request_id,
                                        const std::function<bool(const v1::Case&)>& reveal) {
  v1::Case out;
  absl::Status s = pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    auto c = LoadCase(tx, *cipher_, case_id);
    if (!c.ok()) return c.status();
    if (c->petitioners_size() > 0 && reveal(*c)) {
      std::string roles;
      for (const std::string& r : reader.roles) roles += (roles.empty() ? "" : ",") + r;
      tx.exec_prepared(kInsertIdentityRead, case_id, reader.subject, roles, request_id, "GetCase");
    }
    out = *std::move(c);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

bool IsPermanentDeliveryError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kDataLoss:
      return true;
    default:  // down, overloaded, not deployed yet, misconfigured: try again
      return false;
  }
}

absl::StatusOr<RelayBatchResult> CaseStore::RelayBatch(
    int limit,
    const std::function<absl::Status(const std::vector<petition::v1::CaseEvent>&)>& deliver) {
  RelayBatchResult result;
  absl::Status s = pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    result = RelayBatchResult{};
    if (!tx.exec_prepared1(kTryRelayLock)[0].as<bool>()) {
      result.lock_held_elsewhere = true;
      return absl::OkStatus();
    }
    std::vector<petition::v1::CaseEvent> events;
    std::vector<int64_t> ids;
    for (const auto& row : tx.exec_prepared(kSelectPending, limit)) {
      ids.push_back(row[0].as<int64_t>());
      auto bytes = HexDecode(row[1].as<std::string>());
      if (!bytes.ok() || !events.emplace_back().ParseFromString(*bytes)) {
        return absl::DataLossError(absl::StrCat("outbox row ", ids.back(), " does not parse"));
      }
    }
    if (events.empty()) return absl::OkStatus();
    auto id_array = [&](size_t from, size_t to) {
      std::string out = "{";
      for (size_t i = from; i < to; ++i) absl::StrAppend(&out, i > from ? "," : "", ids[i]);
      return out + "}";
    };
    absl::Status delivered = deliver(events);
    if (delivered.ok()) {
      tx.exec_prepared(kMarkDelivered, id_array(0, ids.size()));
      result.delivered = static_cast<int>(events.size());
      return absl::OkStatus();
    }
    if (!IsPermanentDeliveryError(delivered)) {
      tx.exec_prepared(kMarkFailed, id_array(0, ids.size()), delivered.ToString());
      result.failed = true;
      return absl::OkStatus();
    }
    // Refused for good: find the culprit one event at a time, park it, and
    // deliver the others, still in order.
    for (size_t i = 0; i < events.size(); ++i) {
      absl::Status one = events.size() == 1 ? delivered : deliver({events[i]});
      if (one.ok()) {
        tx.exec_prepared(kMarkDelivered, id_array(i, i + 1));
        ++result.delivered;
      } else if (IsPermanentDeliveryError(one)) {
        tx.exec_prepared(kPark, ids[i], one.ToString());
        ++result.parked;
      } else {
        tx.exec_prepared(kMarkFailed, id_array(i, ids.size()), one.ToString());
        result.failed = true;
        break;
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<OutboxCounts> CaseStore::CountOutbox() {
  OutboxCounts counts;
  absl::Status s = pool_->Read([&](pqxx::work& tx) {
    pqxx::row row = tx.exec_prepared1(kCountPending);
    counts.pending = row[0].as<int64_t>();
    counts.parked = row[1].as<int64_t>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return counts;
}

}  // namespace petition::intake
