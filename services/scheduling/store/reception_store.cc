#include "services/scheduling/store/reception_store.h"

#include <utility>

#include "common/dates.h"
#include "common/ids.h"
#include "common/status.h"
#include "google/protobuf/util/json_util.h"

namespace petition::scheduling {
namespace {

constexpr char kInsertPlan[] = "reception_insert_plan";
constexpr char kSelectPlan[] = "reception_select_plan";
constexpr char kSelectPlanByRequest[] = "reception_select_plan_by_request";
constexpr char kListPlans[] = "reception_list_plans";
constexpr char kLockUnitPlans[] = "reception_lock_unit_plans";
constexpr char kListSubstitutions[] = "reception_list_substitutions";
constexpr char kInsertSubstitution[] = "reception_insert_substitution";
constexpr char kInsertRecusal[] = "reception_insert_recusal";
constexpr char kSelectRecusal[] = "reception_select_recusal";
constexpr char kListRecusals[] = "reception_list_recusals";

#define PLAN_COLUMNS "plan_id, unit_id, spec::text AS spec, created_at, request_sha256 "
#define SUBSTITUTION_COLUMNS                                                                 \
  "s.plan_id, to_char(s.session_date, 'YYYY-MM-DD') AS session_date, s.absent_official_id, " \
  "s.substitute_official_id, s.reason, s.created_at "
#define RECUSAL_COLUMNS "recusal_id, official_id, case_id, reason, created_at "

absl::StatusOr<v1::ReceptionPlan> PlanFromRow(const pqxx::row& row) {
  v1::ReceptionPlan plan;
  if (!google::protobuf::util::JsonStringToMessage(row["spec"].as<std::string>(), &plan).ok()) {
    return absl::DataLossError("a stored reception plan does not parse");
  }
  plan.set_plan_id(row["plan_id"].as<std::string>());
  plan.set_unit_id(row["unit_id"].as<std::string>());
  auto created = ParseSqlTimestamp(row["created_at"].c_str());
  if (!created.ok()) return created.status();
  *plan.mutable_created_at() = ToProtoTimestamp(*created);
  return plan;
}

absl::StatusOr<StoredSubstitution> SubstitutionFromRow(const pqxx::row& row) {
  StoredSubstitution s;
  s.plan_id = row["plan_id"].as<std::string>();
  auto day = ParseDate(row["session_date"].as<std::string>());
  if (!day.ok()) return absl::DataLossError("a substitution of an unreadable date");
  s.session_date = *day;
  s.substitution.set_absent_official_id(row["absent_official_id"].as<std::string>());
  s.substitution.set_substitute_official_id(row["substitute_official_id"].as<std::string>());
  s.substitution.set_reason(row["reason"].as<std::string>());
  auto created = ParseSqlTimestamp(row["created_at"].c_str());
  if (!created.ok()) return created.status();
  *s.substitution.mutable_created_at() = ToProtoTimestamp(*created);
  return s;
}

absl::StatusOr<v1::Recusal> RecusalFromRow(const pqxx::row& row) {
  v1::Recusal r;
  r.set_recusal_id(row["recusal_id"].as<std::string>());
  r.set_official_id(row["official_id"].as<std::string>());
  r.set_case_id(row["case_id"].as<std::string>());
  r.set_reason(row["reason"].as<std::string>());
  auto created = ParseSqlTimestamp(row["created_at"].c_str());
  if (!created.ok()) return created.status();
  *r.mutable_created_at() = ToProtoTimestamp(*created);
  return r;
}

template <typename T, typename FromRow>
absl::StatusOr<std::vector<T>> AllRows(const pqxx::result& rows, FromRow from_row) {
  std::vector<T> out;
  for (const auto& row : rows) {
    auto item = from_row(row);
    if (!item.ok()) return item.status();
    out.push_back(*std::move(item));
  }
  return out;
}

}  // namespace

const std::vector<PgStatement>& ReceptionStore::Statements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      {kInsertPlan,
       "INSERT INTO reception_plans (plan_id, unit_id, spec, request_subject, request_id, "
       "request_sha256) VALUES ($1, $2, $3::jsonb, NULLIF($4, ''), NULLIF($5, ''), "
       "NULLIF($6, '')) ON CONFLICT (request_subject, request_id) DO NOTHING "
       "RETURNING " PLAN_COLUMNS},
      {kSelectPlan, "SELECT " PLAN_COLUMNS "FROM reception_plans WHERE plan_id = $1"},
      {kSelectPlanByRequest, "SELECT " PLAN_COLUMNS
                             "FROM reception_plans WHERE request_subject = $1 AND request_id = $2"},
      {kListPlans, "SELECT " PLAN_COLUMNS
                   "FROM reception_plans WHERE unit_id = $1 ORDER BY created_at, plan_id"},
      {kLockUnitPlans, "SELECT plan_id FROM reception_plans WHERE unit_id = $1 FOR UPDATE"},
      {kListSubstitutions,
       "SELECT " SUBSTITUTION_COLUMNS
       "FROM substitutions s JOIN reception_plans p USING (plan_id) WHERE p.unit_id = $1 "
       "AND s.session_date BETWEEN $2::date AND $3::date ORDER BY s.substitution_id"},
      {kInsertSubstitution,
       "INSERT INTO substitutions (plan_id, session_date, absent_official_id, "
       "substitute_official_id, reason) VALUES ($1, $2::date, $3, $4, $5)"},
      {kInsertRecusal,
       "INSERT INTO recusals (recusal_id, official_id, case_id, reason) VALUES ($1, $2, $3, $4) "
       "ON CONFLICT (official_id, case_id) DO NOTHING RETURNING " RECUSAL_COLUMNS},
      {kSelectRecusal,
       "SELECT " RECUSAL_COLUMNS "FROM recusals WHERE official_id = $1 AND case_id = $2"},
      {kListRecusals, "SELECT " RECUSAL_COLUMNS "FROM recusals WHERE ($1 = '' OR case_id = $1) AND "
                      "($2 = '' OR official_id = $2) ORDER BY created_at, recusal_id LIMIT 1000"},
  };
  return *kStatements;
}

absl::StatusOr<v1::ReceptionPlan> ReceptionStore::CreatePlan(const v1::ReceptionPlan& plan,
                                                             const CreateCall& call,
                                                             const TxOptions& tx_options) {
  const std::string plan_id = NewId("plan");
  v1::ReceptionPlan spec = plan;
  spec.clear_plan_id();
  spec.clear_unit_id();
  spec.clear_created_at();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(spec, &json).ok()) {
    return absl::InternalError("the reception plan could not be stored");
  }
  auto retried = [&](const pqxx::row& prior) -> absl::StatusOr<v1::ReceptionPlan> {
    if (prior["request_sha256"].as<std::string>() != call.request_sha256) {
      return absl::AlreadyExistsError("requestId was already used with a different request");
    }
    return PlanFromRow(prior);
  };
  return pool_->Transact(
      [&](pqxx::work& tx) -> absl::StatusOr<v1::ReceptionPlan> {
        if (!call.request_id.empty()) {
          pqxx::result prior =
              tx.exec_prepared(kSelectPlanByRequest, call.subject, call.request_id);
          if (!prior.empty()) return retried(prior[0]);
        }
        pqxx::result created = tx.exec_prepared(kInsertPlan, plan_id, plan.unit_id(), json,
                                                call.request_id.empty() ? "" : call.subject,
                                                call.request_id, call.request_sha256);
        if (created.empty()) {
          return retried(tx.exec_prepared1(kSelectPlanByRequest, call.subject, call.request_id));
        }
        return PlanFromRow(created[0]);
      },
      tx_options);
}

absl::StatusOr<v1::ReceptionPlan> ReceptionStore::GetPlan(const std::string& plan_id,
                                                          const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::read_transaction& tx) -> absl::StatusOr<v1::ReceptionPlan> {
        pqxx::result r = tx.exec_prepared(kSelectPlan, plan_id);
        if (r.empty()) return absl::NotFoundError("no such reception plan");
        return PlanFromRow(r[0]);
      },
      tx_options);
}

absl::StatusOr<std::vector<v1::ReceptionPlan>> ReceptionStore::ListPlans(
    const std::string& unit_id, const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<v1::ReceptionPlan>> {
        return AllRows<v1::ReceptionPlan>(tx.exec_prepared(kListPlans, unit_id), PlanFromRow);
      },
      tx_options);
}

absl::StatusOr<std::vector<StoredSubstitution>> ReceptionStore::ListSubstitutions(
    const std::string& unit_id, absl::CivilDay from, absl::CivilDay to,
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<StoredSubstitution>> {
        return AllRows<StoredSubstitution>(
            tx.exec_prepared(kListSubstitutions, unit_id, FormatDate(from), FormatDate(to)),
            SubstitutionFromRow);
      },
      tx_options);
}

absl::Status ReceptionStore::AddSubstitution(const std::string& unit_id,
                                             const StoredSubstitution& substitution,
                                             const SubstitutionCheck& check,
                                             const TxOptions& tx_options) {
  const std::string day = FormatDate(substitution.session_date);
  return pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        tx.exec_prepared(kLockUnitPlans, unit_id);
        auto that_day = AllRows<StoredSubstitution>(
            tx.exec_prepared(kListSubstitutions, unit_id, day, day), SubstitutionFromRow);
        if (!that_day.ok()) return that_day.status();
        if (absl::Status s = check(*that_day); !s.ok()) return s;
        const v1::SessionSubstitution& sub = substitution.substitution;
        tx.exec_prepared(kInsertSubstitution, substitution.plan_id, day, sub.absent_official_id(),
                         sub.substitute_official_id(), sub.reason());
        return absl::OkStatus();
      },
      tx_options);
}

absl::StatusOr<v1::Recusal> ReceptionStore::CreateRecusal(const v1::Recusal& recusal,
                                                          const TxOptions& tx_options) {
  const std::string recusal_id = NewId("rec");
  return pool_->Transact(
      [&](pqxx::work& tx) -> absl::StatusOr<v1::Recusal> {
        pqxx::result created = tx.exec_prepared(kInsertRecusal, recusal_id, recusal.official_id(),
                                                recusal.case_id(), recusal.reason());
        if (!created.empty()) return RecusalFromRow(created[0]);
        return RecusalFromRow(
            tx.exec_prepared1(kSelectRecusal, recusal.official_id(), recusal.case_id()));
      },
      tx_options);
}

absl::StatusOr<std::vector<v1::Recusal>> ReceptionStore::ListRecusals(
    const std::string& case_id, const std::string& official_id, const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<v1::Recusal>> {
        return AllRows<v1::Recusal>(tx.exec_prepared(kListRecusals, case_id, official_id),
                                    RecusalFromRow);
      },
      tx_options);
}

}  // namespace petition::scheduling
