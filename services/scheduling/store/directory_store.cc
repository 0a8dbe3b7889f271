#include "services/scheduling/store/directory_store.h"

#include <utility>

#include "common/dates.h"
#include "common/ids.h"
#include "common/status.h"
#include "services/scheduling/domain/directory.h"

namespace petition::scheduling {
namespace {

constexpr char kInsertUnit[] = "directory_insert_unit";
constexpr char kSelectUnit[] = "directory_select_unit";
constexpr char kSelectUnitByRequest[] = "directory_select_unit_by_request";
constexpr char kListUnits[] = "directory_list_units";
constexpr char kSetLeaderInCharge[] = "directory_set_leader_in_charge";
constexpr char kSetPrincipalLeader[] = "directory_set_principal_leader";
constexpr char kTownshipsLedBy[] = "directory_townships_led_by";
constexpr char kInsertOfficial[] = "directory_insert_official";
constexpr char kSelectOfficial[] = "directory_select_official";
constexpr char kSelectOfficialByRequest[] = "directory_select_official_by_request";
constexpr char kListOfficials[] = "directory_list_officials";

#define UNIT_COLUMNS                                                                  \
  "unit_id, name, kind, coalesce(parent_id, '') AS parent_id, location, created_at, " \
  "duty_morning_start, duty_morning_end, duty_afternoon_start, duty_afternoon_end, "  \
  "coalesce(leader_in_charge_id, '') AS leader_in_charge_id, "                        \
  "coalesce(principal_leader_id, '') AS principal_leader_id, request_sha256 "
#define OFFICIAL_COLUMNS "official_id, name, unit_id, position, rank, created_at, request_sha256 "

absl::StatusOr<v1::Unit> UnitFromRow(const pqxx::row& row) {
  v1::Unit u;
  u.set_unit_id(row["unit_id"].as<std::string>());
  u.set_name(row["name"].as<std::string>());
  v1::UnitKind kind = v1::UNIT_KIND_UNSPECIFIED;
  if (!v1::UnitKind_Parse(row["kind"].as<std::string>(), &kind)) {
    return absl::DataLossError("a unit of unknown kind");
  }
  u.set_kind(kind);
  u.set_parent_id(row["parent_id"].as<std::string>());
  u.set_location(row["location"].as<std::string>());
  auto created = ParseSqlTimestamp(row["created_at"].c_str());
  if (!created.ok()) return created.status();
  *u.mutable_created_at() = ToProtoTimestamp(*created);
  if (!row["duty_morning_start"].is_null()) {
    v1::DutyHours* hours = u.mutable_duty_hours();
    hours->set_morning_start(row["duty_morning_start"].as<std::string>());
    hours->set_morning_end(row["duty_morning_end"].as<std::string>());
    hours->set_afternoon_start(row["duty_afternoon_start"].as<std::string>());
    hours->set_afternoon_end(row["duty_afternoon_end"].as<std::string>());
  }
  u.set_leader_in_charge_id(row["leader_in_charge_id"].as<std::string>());
  u.set_principal_leader_id(row["principal_leader_id"].as<std::string>());
  return u;
}

absl::StatusOr<v1::Official> OfficialFromRow(const pqxx::row& row) {
  v1::Official o;
  o.set_official_id(row["official_id"].as<std::string>());
  o.set_name(row["name"].as<std::string>());
  o.set_unit_id(row["unit_id"].as<std::string>());
  o.set_position(row["position"].as<std::string>());
  v1::Rank rank = v1::RANK_UNSPECIFIED;
  if (!v1::Rank_Parse(row["rank"].as<std::string>(), &rank)) {
    return absl::DataLossError("an official of unknown rank");
  }
  o.set_rank(rank);
  auto created = ParseSqlTimestamp(row["created_at"].c_str());
  if (!created.ok()) return created.status();
  *o.mutable_created_at() = ToProtoTimestamp(*created);
  return o;
}

// The first result of a retry, or ALREADY_EXISTS for another request.
template <typename FromRow>
auto Retried(const pqxx::row& prior, const CreateCall& call, FromRow from_row)
    -> decltype(from_row(prior)) {
  if (prior["request_sha256"].as<std::string>() != call.request_sha256) {
    return absl::AlreadyExistsError("requestId was already used with a different request");
  }
  return from_row(prior);
}

}  // namespace

const std::vector<PgStatement>& DirectoryStore::Statements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      // A retry inserts nothing (ON CONFLICT waits for a racing first
      // request to commit) and then reads the first row.
      {kInsertUnit,
       "INSERT INTO units (unit_id, name, kind, parent_id, location, request_subject, request_id, "
       "request_sha256, duty_morning_start, duty_morning_end, duty_afternoon_start, "
       "duty_afternoon_end, leader_in_charge_id, principal_leader_id) VALUES ($1, $2, $3, "
       "NULLIF($4, ''), $5, NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''), NULLIF($9, ''), "
       "NULLIF($10, ''), NULLIF($11, ''), NULLIF($12, ''), NULLIF($13, ''), NULLIF($14, '')) "
       "ON CONFLICT (request_subject, request_id) DO NOTHING RETURNING " UNIT_COLUMNS},
      {kSetLeaderInCharge,
       "UPDATE units SET leader_in_charge_id = NULLIF($2, '') WHERE unit_id = $1 "
       "RETURNING " UNIT_COLUMNS},
      {kSetPrincipalLeader,
       "UPDATE units SET principal_leader_id = NULLIF($2, '') WHERE unit_id = $1 "
       "RETURNING " UNIT_COLUMNS},
      {kTownshipsLedBy,
       "SELECT unit_id FROM units WHERE principal_leader_id = $1 AND kind = 'TOWNSHIP' "
       "ORDER BY unit_id"},
      {kSelectUnit, "SELECT " UNIT_COLUMNS "FROM units WHERE unit_id = $1"},
      {kSelectUnitByRequest,
       "SELECT " UNIT_COLUMNS "FROM units WHERE request_subject = $1 AND request_id = $2"},
      {kListUnits,
       "SELECT " UNIT_COLUMNS "FROM units WHERE unit_id > $1 AND ($2 = '' OR kind = $2) "
       "AND ($3 = '' OR parent_id = $3) ORDER BY unit_id LIMIT $4"},
      {kInsertOfficial,
       "INSERT INTO officials (official_id, name, unit_id, position, rank, request_subject, "
       "request_id, request_sha256) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''), "
       "NULLIF($8, '')) ON CONFLICT (request_subject, request_id) DO NOTHING "
       "RETURNING " OFFICIAL_COLUMNS},
      {kSelectOfficial, "SELECT " OFFICIAL_COLUMNS "FROM officials WHERE official_id = $1"},
      {kSelectOfficialByRequest,
       "SELECT " OFFICIAL_COLUMNS "FROM officials WHERE request_subject = $1 AND request_id = $2"},
      {kListOfficials, "SELECT " OFFICIAL_COLUMNS
                       "FROM officials WHERE official_id > $1 AND ($2 = '' OR unit_id = $2) "
                       "ORDER BY official_id LIMIT $3"},
  };
  return *kStatements;
}

absl::StatusOr<v1::Unit> DirectoryStore::CreateUnit(const v1::Unit& unit, const CreateCall& call,
                                                    const TxOptions& tx_options) {
  const std::string unit_id = NewId("unit");
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Unit> {
        if (!call.request_id.empty()) {
          pqxx::result prior =
              tx.exec_prepared(kSelectUnitByRequest, call.subject, call.request_id);
          if (!prior.empty()) return Retried(prior[0], call, UnitFromRow);
        }
        if (!unit.parent_id().empty()) {
          pqxx::result parent = tx.exec_prepared(kSelectUnit, unit.parent_id());
          if (parent.empty()) return InvalidField("parentId", "is not a unit");
          auto p = UnitFromRow(parent[0]);
          if (!p.ok()) return p.status();
          if (absl::Status s = CheckParent(FromProto(p->kind())); !s.ok()) return s;
        }
        if (!unit.leader_in_charge_id().empty() &&
            tx.exec_prepared(kSelectOfficial, unit.leader_in_charge_id()).empty()) {
          return InvalidField("leaderInChargeId", "is not an official of the directory");
        }
        if (!unit.principal_leader_id().empty() &&
            tx.exec_prepared(kSelectOfficial, unit.principal_leader_id()).empty()) {
          return InvalidField("principalLeaderId", "is not an official of the directory");
        }
        pqxx::result created = tx.exec_prepared(
            kInsertUnit, unit_id, unit.name(), v1::UnitKind_Name(unit.kind()), unit.parent_id(),
            unit.location(), call.request_id.empty() ? "" : call.subject, call.request_id,
            call.request_sha256, unit.duty_hours().morning_start(), unit.duty_hours().morning_end(),
            unit.duty_hours().afternoon_start(), unit.duty_hours().afternoon_end(),
            unit.leader_in_charge_id(), unit.principal_leader_id());
        if (created.empty()) {  // a racing first request with this id committed
          return Retried(tx.exec_prepared1(kSelectUnitByRequest, call.subject, call.request_id),
                         call, UnitFromRow);
        }
        return UnitFromRow(created[0]);
      },
      tx_options);
}

absl::StatusOr<v1::Unit> DirectoryStore::SetLeader(const std::string& unit_id, UnitLeader leader,
                                                   const std::string& official_id,
                                                   const TxOptions& tx_options) {
  const bool principal = leader == UnitLeader::kPrincipal;
  const char* field = principal ? "principalLeaderId" : "leaderInChargeId";
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Unit> {
        if (!official_id.empty() && tx.exec_prepared(kSelectOfficial, official_id).empty()) {
          return InvalidField(field, "is not an official of the directory");
        }
        if (principal) {
          pqxx::result current = tx.exec_prepared(kSelectUnit, unit_id);
          if (current.empty()) return absl::NotFoundError("no such unit");
          auto u = UnitFromRow(current[0]);
          if (!u.ok()) return u.status();
          if (absl::Status s = CheckPrincipalLeaderUnit(FromProto(u->kind())); !s.ok()) return s;
        }
        pqxx::result r = tx.exec_prepared(principal ? kSetPrincipalLeader : kSetLeaderInCharge,
                                          unit_id, official_id);
        if (r.empty()) return absl::NotFoundError("no such unit");
        return UnitFromRow(r[0]);
      },
      tx_options);
}

absl::StatusOr<std::vector<std::string>> DirectoryStore::TownshipsLedBy(
    const std::string& official_id, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return TownshipsLedBy(tx, official_id); },
                     tx_options);
}

absl::StatusOr<std::vector<std::string>> DirectoryStore::TownshipsLedBy(
    pqxx::transaction_base& tx, const std::string& official_id) {
  std::vector<std::string> out;
  for (const auto& row : tx.exec_prepared(kTownshipsLedBy, official_id)) {
    out.push_back(row["unit_id"].as<std::string>());
  }
  return out;
}

absl::StatusOr<v1::Unit> DirectoryStore::GetUnit(const std::string& unit_id,
                                                 const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return GetUnit(tx, unit_id); }, tx_options);
}

absl::StatusOr<v1::Unit> DirectoryStore::GetUnit(pqxx::transaction_base& tx,
                                                 const std::string& unit_id) {
  pqxx::result r = tx.exec_prepared(kSelectUnit, unit_id);
  if (r.empty()) return absl::NotFoundError("no such unit");
  return UnitFromRow(r[0]);
}

absl::StatusOr<std::vector<v1::Unit>> DirectoryStore::ListUnits(v1::UnitKind kind,
                                                                const std::string& parent_id,
                                                                const Page& page,
                                                                const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) { return ListUnits(tx, kind, parent_id, page); }, tx_options);
}

absl::StatusOr<std::vector<v1::Unit>> DirectoryStore::ListUnits(pqxx::transaction_base& tx,
                                                                v1::UnitKind kind,
                                                                const std::string& parent_id,
                                                                const Page& page) {
  const std::string kind_name = kind == v1::UNIT_KIND_UNSPECIFIED ? "" : v1::UnitKind_Name(kind);
  std::vector<v1::Unit> out;
  for (const auto& row :
       tx.exec_prepared(kListUnits, page.after, kind_name, parent_id, page.size + 1)) {
    auto u = UnitFromRow(row);
    if (!u.ok()) return u.status();
    out.push_back(*std::move(u));
  }
  return out;
}

absl::StatusOr<v1::Official> DirectoryStore::CreateOfficial(const v1::Official& official,
                                                            const CreateCall& call,
                                                            const TxOptions& tx_options) {
  const std::string official_id = NewId("off");
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Official> {
        if (!call.request_id.empty()) {
          pqxx::result prior =
              tx.exec_prepared(kSelectOfficialByRequest, call.subject, call.request_id);
          if (!prior.empty()) return Retried(prior[0], call, OfficialFromRow);
        }
        pqxx::result unit = tx.exec_prepared(kSelectUnit, official.unit_id());
        if (unit.empty()) return InvalidField("unitId", "is not a unit");
        auto u = UnitFromRow(unit[0]);
        if (!u.ok()) return u.status();
        if (absl::Status s = CheckRankInUnit(FromProto(official.rank()), FromProto(u->kind()));
            !s.ok()) {
          return s;
        }
        pqxx::result created = tx.exec_prepared(
            kInsertOfficial, official_id, official.name(), official.unit_id(), official.position(),
            v1::Rank_Name(official.rank()), call.request_id.empty() ? "" : call.subject,
            call.request_id, call.request_sha256);
        if (created.empty()) {
          return Retried(tx.exec_prepared1(kSelectOfficialByRequest, call.subject, call.request_id),
                         call, OfficialFromRow);
        }
        return OfficialFromRow(created[0]);
      },
      tx_options);
}

absl::StatusOr<v1::Official> DirectoryStore::GetOfficial(const std::string& official_id,
                                                         const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return GetOfficial(tx, official_id); },
                     tx_options);
}

absl::StatusOr<v1::Official> DirectoryStore::GetOfficial(pqxx::transaction_base& tx,
                                                         const std::string& official_id) {
  pqxx::result r = tx.exec_prepared(kSelectOfficial, official_id);
  if (r.empty()) return absl::NotFoundError("no such official");
  return OfficialFromRow(r[0]);
}

absl::StatusOr<std::vector<v1::Official>> DirectoryStore::ListOfficials(
    const std::string& unit_id, const Page& page, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return ListOfficials(tx, unit_id, page); },
                     tx_options);
}

absl::StatusOr<std::vector<v1::Official>> DirectoryStore::ListOfficials(pqxx::transaction_base& tx,
                                                                        const std::string& unit_id,
                                                                        const Page& page) {
  std::vector<v1::Official> out;
  for (const auto& row : tx.exec_prepared(kListOfficials, page.after, unit_id, page.size + 1)) {
    auto o = OfficialFromRow(row);
    if (!o.ok()) return o.status();
    out.push_back(*std::move(o));
  }
  return out;
}

}  // namespace petition::scheduling
