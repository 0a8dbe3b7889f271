#include "services/scheduling/store/reception_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_split.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/status.h"
#include "google/protobuf/util/json_util.h"
#include "services/scheduling/store/request_log.h"

namespace petition::scheduling {
namespace {

constexpr char kInsertPlan[] = "reception_insert_plan";
constexpr char kSelectPlan[] = "reception_select_plan";
constexpr char kSelectPlanByRequest[] = "reception_select_plan_by_request";
constexpr char kListPlans[] = "reception_list_plans";
constexpr char kListAllPlans[] = "reception_list_all_plans";
constexpr char kLockUnitPlans[] = "reception_lock_unit_plans";
constexpr char kListSubstitutions[] = "reception_list_substitutions";
constexpr char kInsertSubstitution[] = "reception_insert_substitution";
constexpr char kInsertRecusal[] = "reception_insert_recusal";
constexpr char kSelectRecusal[] = "reception_select_recusal";
constexpr char kSelectRecusalById[] = "reception_select_recusal_by_id";
constexpr char kListRecusals[] = "reception_list_recusals";
constexpr char kSelectPublication[] = "reception_select_publication";
constexpr char kInsertPublication[] = "reception_insert_publication";
constexpr char kLockOfficial[] = "reception_lock_official";
constexpr char kOverlappingAppointment[] = "reception_overlapping_appointment";
constexpr char kListOverlappingAppointments[] = "reception_list_overlapping_appointments";
constexpr char kInsertAppointment[] = "reception_insert_appointment";
constexpr char kInsertAppointmentOfficial[] = "reception_insert_appointment_official";
constexpr char kSelectAppointment[] = "reception_select_appointment";
constexpr char kListAppointments[] = "reception_list_appointments";

// The methods whose retries RequestLog keeps.
constexpr char kSubstituteMethod[] = "Substitute";
constexpr char kRecusalMethod[] = "CreateRecusal";
constexpr char kPublishMethod[] = "PublishRoster";
constexpr char kAppointmentMethod[] = "CreateAppointment";

#define APPOINTMENT_SELECT                                                                \
  "SELECT a.appointment_id, a.kind, a.case_id, a.starts_at, a.ends_at, a.place, "         \
  "a.created_at, (SELECT string_agg(o.official_id, ',' ORDER BY o.position) FROM "        \
  "appointment_officials o WHERE o.appointment_id = a.appointment_id) AS officials FROM " \
  "appointments a "

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

absl::StatusOr<RosterPublication> PublicationFromRow(const pqxx::row& row) {
  RosterPublication p;
  auto at = ParseSqlTimestamp(row["published_at"].c_str());
  if (!at.ok()) return at.status();
  p.published_at = *at;
  p.late = row["late"].as<bool>();
  if (!google::protobuf::util::JsonStringToMessage(row["snapshot"].as<std::string>(), &p.snapshot)
           .ok()) {
    return absl::DataLossError("a stored roster does not parse");
  }
  return p;
}

absl::StatusOr<v1::Appointment> AppointmentFromRow(const pqxx::row& row) {
  v1::Appointment a;
  a.set_appointment_id(row["appointment_id"].as<std::string>());
  v1::AppointmentKind kind = v1::APPOINTMENT_KIND_UNSPECIFIED;
  if (!v1::AppointmentKind_Parse(row["kind"].as<std::string>(), &kind)) {
    return absl::DataLossError("an appointment of unknown kind");
  }
  a.set_kind(kind);
  a.set_case_id(row["case_id"].as<std::string>());
  auto starts = ParseSqlTimestamp(row["starts_at"].c_str());
  auto ends = ParseSqlTimestamp(row["ends_at"].c_str());
  auto created = ParseSqlTimestamp(row["created_at"].c_str());
  if (!starts.ok() || !ends.ok() || !created.ok()) {
    return absl::DataLossError("an appointment of unreadable times");
  }
  *a.mutable_at() = ToProtoTimestamp(*starts);
  a.set_duration_minutes(static_cast<int32_t>(absl::ToInt64Minutes(*ends - *starts)));
  a.set_place(row["place"].as<std::string>());
  *a.mutable_created_at() = ToProtoTimestamp(*created);
  if (!row["officials"].is_null()) {
    for (absl::string_view id : absl::StrSplit(row["officials"].as<std::string>(), ',')) {
      a.add_official_ids(std::string(id));
    }
  }
  return a;
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
      // Pages continue after the row whose id the token holds (rows are never deleted).
      {kListPlans,
       "SELECT " PLAN_COLUMNS
       "FROM reception_plans WHERE unit_id = $1 AND ($2 = '' OR (created_at, plan_id) > "
       "(SELECT created_at, plan_id FROM reception_plans WHERE plan_id = $2)) "
       "ORDER BY created_at, plan_id LIMIT $3"},
      {kListAllPlans, "SELECT " PLAN_COLUMNS "FROM reception_plans ORDER BY created_at, plan_id"},
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
      {kSelectRecusalById, "SELECT " RECUSAL_COLUMNS "FROM recusals WHERE recusal_id = $1"},
      {kListRecusals,
       "SELECT " RECUSAL_COLUMNS
       "FROM recusals WHERE ($1 = '' OR case_id = $1) AND ($2 = '' OR official_id = $2) "
       "AND ($3 = '' OR (created_at, recusal_id) > "
       "(SELECT created_at, recusal_id FROM recusals WHERE recusal_id = $3)) "
       "ORDER BY created_at, recusal_id LIMIT $4"},
      {kSelectPublication,
       "SELECT published_at, late, snapshot::text AS snapshot FROM roster_publications "
       "WHERE unit_id = $1 AND month = $2"},
      {kInsertPublication,
       "INSERT INTO roster_publications (unit_id, month, late, snapshot) "
       "VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (unit_id, month) DO NOTHING"},
      {kLockOfficial, "SELECT official_id FROM officials WHERE official_id = $1 FOR UPDATE"},
      {kOverlappingAppointment,
       "SELECT a.appointment_id FROM appointments a JOIN appointment_officials o "
       "USING (appointment_id) WHERE o.official_id = $1 AND a.starts_at < $3::timestamptz "
       "AND a.ends_at > $2::timestamptz LIMIT 1"},
      {kListOverlappingAppointments, APPOINTMENT_SELECT
       "WHERE a.appointment_id IN (SELECT appointment_id FROM appointment_officials "
       "WHERE official_id = $1) AND a.starts_at < $3::timestamptz "
       "AND a.ends_at > $2::timestamptz ORDER BY a.starts_at, a.appointment_id"},
      {kInsertAppointment,
       "INSERT INTO appointments (appointment_id, kind, case_id, starts_at, ends_at, place) "
       "VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz, $6)"},
      {kInsertAppointmentOfficial,
       "INSERT INTO appointment_officials (appointment_id, official_id, position) "
       "VALUES ($1, $2, $3)"},
      {kSelectAppointment, APPOINTMENT_SELECT "WHERE a.appointment_id = $1"},
      {kListAppointments, APPOINTMENT_SELECT
       "WHERE ($1 = '' OR a.appointment_id IN (SELECT appointment_id FROM "
       "appointment_officials WHERE official_id = $1)) AND ($2 = '' OR a.case_id = $2) "
       "AND ($3 = '' OR (a.starts_at, a.appointment_id) > "
       "(SELECT starts_at, appointment_id FROM appointments WHERE appointment_id = $3)) "
       "ORDER BY a.starts_at, a.appointment_id LIMIT $4"},
  };
  return *kStatements;
}

absl::StatusOr<v1::ReceptionPlan> ReceptionStore::CreatePlan(const v1::ReceptionPlan& plan,
                                                             const CreateCall& call,
                                                             const TxOptions& tx_options) {
  return pool_->Transact([&](pqxx::transaction_base& tx) { return CreatePlan(tx, plan, call); },
                         tx_options);
}

absl::StatusOr<v1::ReceptionPlan> ReceptionStore::CreatePlan(pqxx::transaction_base& tx,
                                                             const v1::ReceptionPlan& plan,
                                                             const CreateCall& call) {
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
  if (!call.request_id.empty()) {
    pqxx::result prior = tx.exec_prepared(kSelectPlanByRequest, call.subject, call.request_id);
    if (!prior.empty()) return retried(prior[0]);
  }
  pqxx::result created = tx.exec_prepared(kInsertPlan, plan_id, plan.unit_id(), json,
                                          call.request_id.empty() ? "" : call.subject,
                                          call.request_id, call.request_sha256);
  if (created.empty()) {
    return retried(tx.exec_prepared1(kSelectPlanByRequest, call.subject, call.request_id));
  }
  return PlanFromRow(created[0]);
}

absl::StatusOr<v1::ReceptionPlan> ReceptionStore::GetPlan(const std::string& plan_id,
                                                          const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return GetPlan(tx, plan_id); }, tx_options);
}

absl::StatusOr<v1::ReceptionPlan> ReceptionStore::GetPlan(pqxx::transaction_base& tx,
                                                          const std::string& plan_id) {
  pqxx::result r = tx.exec_prepared(kSelectPlan, plan_id);
  if (r.empty()) return absl::NotFoundError("no such reception plan");
  return PlanFromRow(r[0]);
}

absl::StatusOr<std::vector<v1::ReceptionPlan>> ReceptionStore::ListPlans(
    const std::string& unit_id, const Page& page, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return ListPlans(tx, unit_id, page); },
                     tx_options);
}

absl::StatusOr<std::vector<v1::ReceptionPlan>> ReceptionStore::ListPlans(pqxx::transaction_base& tx,
                                                                         const std::string& unit_id,
                                                                         const Page& page) {
  return AllRows<v1::ReceptionPlan>(
      tx.exec_prepared(kListPlans, unit_id, page.after, page.size + 1), PlanFromRow);
}

absl::StatusOr<std::vector<v1::ReceptionPlan>> ReceptionStore::ListAllPlans(
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<v1::ReceptionPlan>> {
        return AllRows<v1::ReceptionPlan>(tx.exec_prepared(kListAllPlans), PlanFromRow);
      },
      tx_options);
}

absl::StatusOr<std::vector<StoredSubstitution>> ReceptionStore::ListSubstitutions(
    const std::string& unit_id, absl::CivilDay from, absl::CivilDay to,
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) { return ListSubstitutions(tx, unit_id, from, to); },
      tx_options);
}

absl::StatusOr<std::vector<StoredSubstitution>> ReceptionStore::ListSubstitutions(
    pqxx::transaction_base& tx, const std::string& unit_id, absl::CivilDay from,
    absl::CivilDay to) {
  return AllRows<StoredSubstitution>(
      tx.exec_prepared(kListSubstitutions, unit_id, FormatDate(from), FormatDate(to)),
      SubstitutionFromRow);
}

absl::Status ReceptionStore::AddSubstitution(const std::string& unit_id,
                                             const StoredSubstitution& substitution,
                                             absl::Time busy_from, absl::Time busy_to,
                                             const SubstitutionCheck& check, const CreateCall& call,
                                             const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        return AddSubstitution(tx, unit_id, substitution, busy_from, busy_to, check, call);
      },
      tx_options);
}

absl::Status ReceptionStore::AddSubstitution(pqxx::transaction_base& tx, const std::string& unit_id,
                                             const StoredSubstitution& substitution,
                                             absl::Time busy_from, absl::Time busy_to,
                                             const SubstitutionCheck& check,
                                             const CreateCall& call) {
  const std::string day = FormatDate(substitution.session_date);
  const v1::SessionSubstitution& sub = substitution.substitution;
  auto retried = RequestLog::Claim(tx, call, kSubstituteMethod);
  if (!retried.ok()) return retried.status();
  if (retried->has_value()) return absl::OkStatus();  // made by the first request
  // The unit's plans, then the substitute: an appointment locks only
  // officials, so the order never crosses.
  tx.exec_prepared(kLockUnitPlans, unit_id);
  tx.exec_prepared(kLockOfficial, sub.substitute_official_id());
  // Read after the locks: what committed while this waited is seen.
  SubstitutionView view;
  auto that_day = AllRows<StoredSubstitution>(
      tx.exec_prepared(kListSubstitutions, unit_id, day, day), SubstitutionFromRow);
  if (!that_day.ok()) return that_day.status();
  view.that_day = *std::move(that_day);
  auto appointments = AllRows<v1::Appointment>(
      tx.exec_prepared(kListOverlappingAppointments, sub.substitute_official_id(),
                       SqlTimestamp(busy_from), SqlTimestamp(busy_to)),
      AppointmentFromRow);
  if (!appointments.ok()) return appointments.status();
  view.substitute_appointments = *std::move(appointments);
  if (absl::Status s = check(view); !s.ok()) return s;
  tx.exec_prepared(kInsertSubstitution, substitution.plan_id, day, sub.absent_official_id(),
                   sub.substitute_official_id(), sub.reason());
  RequestLog::Record(tx, call, kSubstituteMethod, substitution.plan_id + "-" + day);
  return absl::OkStatus();
}

absl::StatusOr<v1::Recusal> ReceptionStore::CreateRecusal(const v1::Recusal& recusal,
                                                          const CreateCall& call,
                                                          const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) { return CreateRecusal(tx, recusal, call); }, tx_options);
}

absl::StatusOr<v1::Recusal> ReceptionStore::CreateRecusal(pqxx::transaction_base& tx,
                                                          const v1::Recusal& recusal,
                                                          const CreateCall& call) {
  const std::string recusal_id = NewId("rec");
  auto retried = RequestLog::Claim(tx, call, kRecusalMethod);
  if (!retried.ok()) return retried.status();
  if (retried->has_value()) {
    return RecusalFromRow(tx.exec_prepared1(kSelectRecusalById, **retried));
  }
  pqxx::result created = tx.exec_prepared(kInsertRecusal, recusal_id, recusal.official_id(),
                                          recusal.case_id(), recusal.reason());
  auto result = created.empty() ? RecusalFromRow(tx.exec_prepared1(
                                      kSelectRecusal, recusal.official_id(), recusal.case_id()))
                                : RecusalFromRow(created[0]);
  if (result.ok()) RequestLog::Record(tx, call, kRecusalMethod, result->recusal_id());
  return result;
}

absl::StatusOr<std::vector<v1::Recusal>> ReceptionStore::ListRecusals(
    const std::string& case_id, const std::string& official_id, const Page& page,
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) { return ListRecusals(tx, case_id, official_id, page); },
      tx_options);
}

absl::StatusOr<std::vector<v1::Recusal>> ReceptionStore::ListRecusals(
    pqxx::transaction_base& tx, const std::string& case_id, const std::string& official_id,
    const Page& page) {
  return AllRows<v1::Recusal>(
      tx.exec_prepared(kListRecusals, case_id, official_id, page.after, page.size + 1),
      RecusalFromRow);
}

absl::StatusOr<std::optional<RosterPublication>> ReceptionStore::GetPublication(
    const std::string& unit_id, const std::string& month, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return GetPublication(tx, unit_id, month); },
                     tx_options);
}

absl::StatusOr<std::optional<RosterPublication>> ReceptionStore::GetPublication(
    pqxx::transaction_base& tx, const std::string& unit_id, const std::string& month) {
  pqxx::result r = tx.exec_prepared(kSelectPublication, unit_id, month);
  if (r.empty()) return std::optional<RosterPublication>();
  auto p = PublicationFromRow(r[0]);
  if (!p.ok()) return p.status();
  return std::optional<RosterPublication>(*std::move(p));
}

absl::StatusOr<RosterPublication> ReceptionStore::Publish(const std::string& unit_id,
                                                          const std::string& month, bool late,
                                                          const v1::Roster& snapshot,
                                                          const CreateCall& call,
                                                          const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) { return Publish(tx, unit_id, month, late, snapshot, call); },
      tx_options);
}

absl::StatusOr<RosterPublication> ReceptionStore::Publish(pqxx::transaction_base& tx,
                                                          const std::string& unit_id,
                                                          const std::string& month, bool late,
                                                          const v1::Roster& snapshot,
                                                          const CreateCall& call) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(snapshot, &json).ok()) {
    return absl::InternalError("the roster could not be stored");
  }
  // A retry finds the publication as the first request left it: once per month.
  auto retried = RequestLog::Claim(tx, call, kPublishMethod);
  if (!retried.ok()) return retried.status();
  tx.exec_prepared(kInsertPublication, unit_id, month, late, json);
  RequestLog::Record(tx, call, kPublishMethod, unit_id + "/" + month);
  return PublicationFromRow(tx.exec_prepared1(kSelectPublication, unit_id, month));
}

absl::StatusOr<v1::Appointment> ReceptionStore::CreateAppointment(
    const v1::Appointment& appointment, const std::vector<std::string>& unit_ids,
    absl::CivilDay first, absl::CivilDay last, const AppointmentCheck& check,
    const CreateCall& call, const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        return CreateAppointment(tx, appointment, unit_ids, first, last, check, call);
      },
      tx_options);
}

absl::StatusOr<v1::Appointment> ReceptionStore::CreateAppointment(
    pqxx::transaction_base& tx, const v1::Appointment& appointment,
    const std::vector<std::string>& unit_ids, absl::CivilDay first, absl::CivilDay last,
    const AppointmentCheck& check, const CreateCall& call) {
  const std::string appointment_id = NewId("appt");
  const absl::Time starts = ToAbslTime(appointment.at());
  const absl::Time ends = starts + absl::Minutes(appointment.duration_minutes());
  std::vector<std::string> officials(appointment.official_ids().begin(),
                                     appointment.official_ids().end());
  std::vector<std::string> lock_order = officials;
  std::sort(lock_order.begin(), lock_order.end());  // one order: no deadlock
  auto retried = RequestLog::Claim(tx, call, kAppointmentMethod);
  if (!retried.ok()) return retried.status();
  if (retried->has_value()) {
    return AppointmentFromRow(tx.exec_prepared1(kSelectAppointment, **retried));
  }
  for (const std::string& id : lock_order) {
    if (tx.exec_prepared(kLockOfficial, id).empty()) {
      return InvalidField("officialIds", "names someone who is not an official");
    }
  }
  // Read after the locks: a substitution or appointment of these
  // officials that committed while this waited is seen.
  SubstitutionsByUnit substitutions;
  for (const std::string& unit_id : unit_ids) {
    auto rows = AllRows<StoredSubstitution>(
        tx.exec_prepared(kListSubstitutions, unit_id, FormatDate(first), FormatDate(last)),
        SubstitutionFromRow);
    if (!rows.ok()) return rows.status();
    substitutions[unit_id] = *std::move(rows);
  }
  if (absl::Status s = check(substitutions); !s.ok()) return s;
  for (const std::string& id : lock_order) {
    if (!tx.exec_prepared(kOverlappingAppointment, id, SqlTimestamp(starts), SqlTimestamp(ends))
             .empty()) {
      return absl::AlreadyExistsError("an official already has another appointment at that time");
    }
  }
  tx.exec_prepared(kInsertAppointment, appointment_id, v1::AppointmentKind_Name(appointment.kind()),
                   appointment.case_id(), SqlTimestamp(starts), SqlTimestamp(ends),
                   appointment.place());
  for (size_t i = 0; i < officials.size(); ++i) {
    tx.exec_prepared(kInsertAppointmentOfficial, appointment_id, officials[i], static_cast<int>(i));
  }
  RequestLog::Record(tx, call, kAppointmentMethod, appointment_id);
  return AppointmentFromRow(tx.exec_prepared1(kSelectAppointment, appointment_id));
}

absl::StatusOr<std::vector<v1::Appointment>> ReceptionStore::ListAppointments(
    const std::string& official_id, const std::string& case_id, const Page& page,
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) { return ListAppointments(tx, official_id, case_id, page); },
      tx_options);
}

absl::StatusOr<std::vector<v1::Appointment>> ReceptionStore::ListAppointments(
    pqxx::transaction_base& tx, const std::string& official_id, const std::string& case_id,
    const Page& page) {
  return AllRows<v1::Appointment>(
      tx.exec_prepared(kListAppointments, official_id, case_id, page.after, page.size + 1),
      AppointmentFromRow);
}

}  // namespace petition::scheduling
