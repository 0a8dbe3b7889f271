#include "services/intake/store/case_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/pg_array.h"

namespace petition::intake {
namespace {

constexpr char kInsertCase[] = "intake_insert_case";
constexpr char kInsertPetitioner[] = "intake_insert_petitioner";
constexpr char kDeletePetitioners[] = "intake_delete_petitioners";
constexpr char kUpdateRegistration[] = "intake_update_registration";
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
constexpr char kListCases[] = "intake_list_cases";
constexpr char kSelectPetitionersOf[] = "intake_select_petitioners_of";
constexpr char kSelectTemplate[] = "intake_select_template";
constexpr char kNextSerial[] = "intake_next_serial";
constexpr char kInsertDocument[] = "intake_insert_document";
constexpr char kSelectDocuments[] = "intake_select_documents";
constexpr char kInsertAppliedEvent[] = "intake_insert_applied_event";
constexpr char kFindRepeats[] = "intake_find_repeats";
constexpr char kSelectReviewDecisions[] = "intake_select_review_decisions";
constexpr char kInsertReviewDecision[] = "intake_insert_review_decision";
constexpr char kFindRepeatsByText[] = "intake_find_repeats_by_text";
constexpr char kSetSimilarityThreshold[] = "intake_set_similarity_threshold";
constexpr char kLockCaseMaterials[] = "intake_lock_case_materials";
constexpr char kSelectMaterialBySha[] = "intake_select_material_by_sha";
constexpr char kInsertMaterial[] = "intake_insert_material";
constexpr char kSelectMaterials[] = "intake_select_materials";
constexpr char kSelectMaterialSealed[] = "intake_select_material_sealed";
constexpr char kSelectIdentityReads[] = "intake_select_identity_reads";
constexpr char kLockCase[] = "intake_lock_case";
constexpr char kUpdateCaseStep[] = "intake_update_case_step";
constexpr char kInsertStep[] = "intake_insert_step";
constexpr char kSelectSteps[] = "intake_select_steps";
constexpr char kSelectOpinions[] = "intake_select_opinions";
constexpr char kInsertOpinion[] = "intake_insert_opinion";
constexpr char kSubmitOpinion[] = "intake_submit_opinion";
constexpr char kSelectApprovals[] = "intake_select_approvals";
constexpr char kInsertApproval[] = "intake_insert_approval";
constexpr char kSetApproved[] = "intake_set_approved";
constexpr char kSelectOpinionUnit[] = "intake_select_opinion_unit";
constexpr char kNextSequence[] = "intake_next_sequence";
constexpr char kSelectStepRequest[] = "intake_select_step_request";
constexpr char kInsertStepRequest[] = "intake_insert_step_request";
constexpr char kSelectToReseal[] = "intake_select_to_reseal";
constexpr char kReseal[] = "intake_reseal";
constexpr char kCountSeals[] = "intake_count_seals";
constexpr char kSelectCasesReporting[] = "intake_select_cases_reporting";
constexpr char kSetObjection[] = "intake_set_objection";

// Petitioners sealed with their place as associated data (migration 0003);
// version 1 rows were sealed without.
constexpr int kSealVersion = 2;

// --- cases: kSelectCase and its row mapping -------------------------------

constexpr char kCaseColumns[] =
    "case_id, query_code, status, source, county_case_id, channel, received_at, received_by, "
    "reception_session_id, headcount, collective, category, reported_unit_ids, subject, "
    "content, urgent, complexity, handling_unit_ids, leader_id, repeat_of_case_ids, rating, "
    "created_at, updated_at, answer_opinion_id, answered_at, decline_route, decline_authority, "
    "rating_comment, coalesce(to_char(delivered_on, 'YYYY-MM-DD'), '') AS delivered_on, "
    "delivery_method, delivery_receipt_number, anonymous, instruction, final_case_ids, "
    "objection_reason, objection_authority, objected_at, objected_by";

absl::StatusOr<google::protobuf::Timestamp> TimestampField(const pqxx::field& f) {
  auto t = ParseSqlTimestamp(f.c_str());
  if (!t.ok()) return absl::DataLossError(absl::StrCat("bad timestamp in ", f.name()));
  return ToProtoTimestamp(*t);
}

void ParseArray(const pqxx::field& f, google::protobuf::RepeatedPtrField<std::string>* out) {
  pqxx::array_parser parser = f.as_array();
  for (auto [kind, value] = parser.get_next(); kind != pqxx::array_parser::done;
       std::tie(kind, value) = parser.get_next()) {
    if (kind == pqxx::array_parser::string_value) out->Add(std::move(value));
  }
}

template <typename Enum>
void ParseEnum(const pqxx::field& f, bool (*parse)(const std::string&, Enum*),
               const std::function<void(Enum)>& set) {
  Enum value;
  if (parse(f.as<std::string>(), &value)) set(value);
}

absl::StatusOr<v1::Case> CaseFromRow(const pqxx::row& r) {
  v1::Case c;
  c.set_case_id(r["case_id"].as<std::string>());
  c.set_query_code(r["query_code"].as<std::string>());
  ParseEnum<v1::CaseStatus>(r["status"], v1::CaseStatus_Parse,
                            [&](v1::CaseStatus v) { c.set_status(v); });
  ParseEnum<v1::CaseSource>(r["source"], v1::CaseSource_Parse,
                            [&](v1::CaseSource v) { c.set_source(v); });
  if (!r["county_case_id"].is_null()) c.set_county_case_id(r["county_case_id"].as<std::string>());
  ParseEnum<v1::Channel>(r["channel"], v1::Channel_Parse, [&](v1::Channel v) { c.set_channel(v); });
  c.set_received_by(r["received_by"].as<std::string>());
  c.set_reception_session_id(r["reception_session_id"].as<std::string>());
  c.set_headcount(r["headcount"].as<int>());
  c.set_collective(r["collective"].as<bool>());
  ParseEnum<v1::Category>(r["category"], v1::Category_Parse,
                          [&](v1::Category v) { c.set_category(v); });
  ParseArray(r["reported_unit_ids"], c.mutable_reported_unit_ids());
  c.set_subject(r["subject"].as<std::string>());
  c.set_content(r["content"].as<std::string>());
  c.set_urgent(r["urgent"].as<bool>());
  ParseEnum<v1::Complexity>(r["complexity"], v1::Complexity_Parse,
                            [&](v1::Complexity v) { c.set_complexity(v); });
  ParseArray(r["handling_unit_ids"], c.mutable_handling_unit_ids());
  c.set_leader_id(r["leader_id"].as<std::string>());
  ParseArray(r["repeat_of_case_ids"], c.mutable_repeat_of_case_ids());
  ParseEnum<v1::Rating>(r["rating"], v1::Rating_Parse, [&](v1::Rating v) { c.set_rating(v); });
  for (auto [column, out] : {std::pair{"received_at", c.mutable_received_at()},
                             std::pair{"created_at", c.mutable_created_at()},
                             std::pair{"updated_at", c.mutable_updated_at()}}) {
    auto t = TimestampField(r[column]);
    if (!t.ok()) return t.status();
    *out = *t;
  }
  c.set_answer_opinion_id(r["answer_opinion_id"].as<std::string>());
  if (!r["answered_at"].is_null()) {
    auto t = TimestampField(r["answered_at"]);
    if (!t.ok()) return t.status();
    *c.mutable_answered_at() = *t;
  }
  ParseEnum<v1::DeclineRoute>(r["decline_route"], v1::DeclineRoute_Parse,
                              [&](v1::DeclineRoute v) { c.set_decline_route(v); });
  c.set_decline_authority(r["decline_authority"].as<std::string>());
  c.set_rating_comment(r["rating_comment"].as<std::string>());
  c.set_delivered_on(r["delivered_on"].as<std::string>());
  ParseEnum<v1::DeliveryMethod>(r["delivery_method"], v1::DeliveryMethod_Parse,
                                [&](v1::DeliveryMethod v) { c.set_delivery_method(v); });
  c.set_delivery_receipt_number(r["delivery_receipt_number"].as<std::string>());
  c.set_anonymous(r["anonymous"].as<bool>());
  c.set_instruction(r["instruction"].as<std::string>());
  ParseArray(r["final_case_ids"], c.mutable_final_case_ids());
  c.set_final_matter(c.final_case_ids_size() > 0);
  if (!r["objected_at"].is_null()) {
    v1::Objection* o = c.mutable_objection();
    o->set_reason(r["objection_reason"].as<std::string>());
    o->set_competent_authority(r["objection_authority"].as<std::string>());
    o->set_objected_by(r["objected_by"].as<std::string>());
    auto t = TimestampField(r["objected_at"]);
    if (!t.ok()) return t.status();
    *o->mutable_objected_at() = *t;
  }
  return c;
}

absl::StatusOr<v1::CaseStep> StepFromRow(const pqxx::row& r) {
  v1::CaseStep s;
  ParseEnum<v1::Step>(r["step"], v1::Step_Parse, [&](v1::Step v) { s.set_step(v); });
  ParseEnum<v1::CaseStatus>(r["status"], v1::CaseStatus_Parse,
                            [&](v1::CaseStatus v) { s.set_status(v); });
  s.set_actor(r["actor"].as<std::string>());
  s.set_actor_roles(r["actor_roles"].as<std::string>());
  s.set_note(r["note"].as<std::string>());
  auto t = TimestampField(r["at"]);
  if (!t.ok()) return t.status();
  *s.mutable_at() = *t;
  return s;
}

absl::StatusOr<v1::Opinion> OpinionFromRow(const pqxx::row& r) {
  v1::Opinion o;
  o.set_opinion_id(r["opinion_id"].as<std::string>());
  o.set_unit_id(r["unit_id"].as<std::string>());
  ParseEnum<v1::Outcome>(r["outcome"], v1::Outcome_Parse, [&](v1::Outcome v) { o.set_outcome(v); });
  o.set_facts(r["facts"].as<std::string>());
  o.set_basis(r["basis"].as<std::string>());
  o.set_decision(r["decision"].as<std::string>());
  o.set_submitted_by(r["submitted_by"].as<std::string>());
  o.set_approved_by(r["approved_by"].as<std::string>());
  auto t = TimestampField(r["submitted_at"]);
  if (!t.ok()) return t.status();
  *o.mutable_submitted_at() = *t;
  if (!r["approved_at"].is_null()) {
    auto a = TimestampField(r["approved_at"]);
    if (!a.ok()) return a.status();
    *o.mutable_approved_at() = *a;
  }
  o.set_submitted_for_approval_by(r["submitted_for_approval_by"].as<std::string>());
  if (!r["submitted_for_approval_at"].is_null()) {
    auto s = TimestampField(r["submitted_for_approval_at"]);
    if (!s.ok()) return s.status();
    *o.mutable_submitted_for_approval_at() = *s;
  }
  google::protobuf::RepeatedPtrField<std::string> required;
  ParseArray(r["required_approvals"], &required);
  for (const std::string& name : required) {
    petition::v1::ApprovalRole role;
    if (petition::v1::ApprovalRole_Parse(name, &role)) o.add_required_approvals(role);
  }
  return o;
}

absl::Status AddApprovalFromRow(const pqxx::row& r, v1::Case& c) {
  const std::string opinion_id = r["opinion_id"].as<std::string>();
  for (v1::Opinion& o : *c.mutable_opinions()) {
    if (o.opinion_id() != opinion_id) continue;
    v1::OpinionApproval* a = o.add_approvals();
    ParseEnum<petition::v1::ApprovalRole>(r["role"], petition::v1::ApprovalRole_Parse,
                                          [&](petition::v1::ApprovalRole v) { a->set_role(v); });
    a->set_leader_id(r["leader_id"].as<std::string>());
    auto t = TimestampField(r["approved_at"]);
    if (!t.ok()) return t.status();
    *a->mutable_approved_at() = *t;
  }
  return absl::OkStatus();
}

// --- petitioners: sealed, bound to their case and ordinal -----------------

std::string PetitionerAad(const std::string& case_id, int ordinal) {
  // Length-prefixed, so that no two (case, ordinal) pairs give the same bytes.
  return absl::StrCat("petition.intake.petitioner/", case_id.size(), ":", case_id, "/", ordinal);
}

absl::StatusOr<v1::Petitioner> PetitionerFromRow(const pqxx::row& r, const PiiCipher& cipher,
                                                 const std::string& case_id) {
  const pqxx::binarystring sealed(r["sealed"]);
  const int version = r["seal_version"].as<int>();
  const std::string aad =
      version >= kSealVersion ? PetitionerAad(case_id, r["ordinal"].as<int>()) : std::string();
  auto opened = cipher.Decrypt(std::string_view(sealed.get(), sealed.size()), aad);
  if (absl::IsFailedPrecondition(opened.status())) {
    // A key the keyring lacks: the deployment's fault, said as it is.
    log::Error("a petitioner record is sealed under a key this process does not have",
               {{"caseId", std::string(case_id)}, {"error", opened.status().ToString()}});
    return absl::InternalError(opened.status().message());
  }
  if (!opened.ok()) {
    log::Error("a petitioner record does not open",
               {{"caseId", std::string(case_id)}, {"error", opened.status().ToString()}});
    return absl::DataLossError("a petitioner record is corrupt or not this case's");
  }
  v1::Petitioner p;
  if (!p.ParseFromString(*opened)) return absl::DataLossError("petitioner record does not parse");
  return p;
}

absl::StatusOr<v1::ReviewDecision> ReviewDecisionFromRow(const pqxx::row& r) {
  v1::ReviewDecision d;
  ParseEnum<v1::ReviewDecision::Stage>(r["stage"], v1::ReviewDecision::Stage_Parse,
                                       [&](v1::ReviewDecision::Stage v) { d.set_stage(v); });
  ParseEnum<v1::ReviewDecision::Outcome>(r["outcome"], v1::ReviewDecision::Outcome_Parse,
                                         [&](v1::ReviewDecision::Outcome v) { d.set_outcome(v); });
  d.set_decided_on(r["decided_on"].as<std::string>());
  d.set_summary(r["summary"].as<std::string>());
  d.set_recorded_by(r["recorded_by"].as<std::string>());
  auto t = TimestampField(r["recorded_at"]);
  if (!t.ok()) return t.status();
  *d.mutable_recorded_at() = *t;
  return d;
}

// The moment a step happened: its event's ("" when the event has none:
// the transaction's time).
std::string StepTime(const petition::v1::CaseEvent& event) {
  return event.has_occurred_at() ? SqlTimestamp(event.occurred_at()) : std::string();
}

// Loads a case and opens its petitioners inside `tx`.
absl::StatusOr<v1::Case> LoadCase(pqxx::transaction_base& tx, const PiiCipher& cipher,
                                  const std::string& case_id) {
  pqxx::result rows = tx.exec_prepared(kSelectCase, case_id);
  if (rows.empty()) return absl::NotFoundError("no such case");
  auto c = CaseFromRow(rows[0]);
  if (!c.ok()) return c.status();
  for (const auto& row : tx.exec_prepared(kSelectPetitioners, case_id)) {
    auto p = PetitionerFromRow(row, cipher, case_id);
    if (!p.ok()) return p.status();
    *c->add_petitioners() = *std::move(p);
  }
  for (const auto& row : tx.exec_prepared(kSelectSteps, case_id)) {
    auto s = StepFromRow(row);
    if (!s.ok()) return s.status();
    *c->add_history() = *std::move(s);
  }
  for (const auto& row : tx.exec_prepared(kSelectOpinions, case_id)) {
    auto o = OpinionFromRow(row);
    if (!o.ok()) return o.status();
    *c->add_opinions() = *std::move(o);
  }
  for (const auto& row : tx.exec_prepared(kSelectApprovals, case_id)) {
    if (absl::Status s = AddApprovalFromRow(row, *c); !s.ok()) return s;
  }
  for (const auto& row : tx.exec_prepared(kSelectReviewDecisions, case_id)) {
    auto d = ReviewDecisionFromRow(row);
    if (!d.ok()) return d.status();
    *c->add_review_decisions() = *std::move(d);
  }
  return c;
}

std::string RolesText(const Principal& p) {
  std::string roles;
  for (const std::string& r : p.roles) roles += (roles.empty() ? "" : ",") + r;
  return roles;
}

std::string IdArray(const std::vector<int64_t>& ids) {
  PgArrayBuilder b;
  for (int64_t id : ids) b.Add(std::to_string(id));
  return b.Finish();
}

// Keeps last_error short and free of anything but the status.
std::string ErrorText(const std::string& error) { return error.substr(0, 1000); }

// Numbers, renders and stores `drafts` for case `case_id` inside `tx`.
absl::Status IssueDocuments(pqxx::transaction_base& tx, const DocumentOffice& office,
                            const std::string& case_id, const std::vector<DocumentDraft>& drafts) {
  const absl::CivilDay today = absl::ToCivilDay(petition::Now(), office.zone);
  const int year = static_cast<int>(today.year());
  for (const DocumentDraft& draft : drafts) {
    pqxx::result t = tx.exec_prepared(kSelectTemplate, draft.template_id);
    if (t.empty()) {
      return absl::InternalError(absl::StrCat("no document template ", draft.template_id));
    }
    const int serial = tx.exec_prepared1(kNextSerial, year)["last"].as<int>();
    const std::string number = DocumentNumber(office.abbreviation, year, serial);
    std::map<std::string, std::string> fields = draft.fields;
    fields["number"] = number;
    fields["date"] = ChineseDate(today);
    fields["office"] = office.office;
    fields["recipient"] = draft.recipient;
    auto text = RenderTemplate(t[0]["body"].as<std::string>(), fields);
    if (!text.ok()) return text.status();
    tx.exec_prepared(kInsertDocument, NewId("doc"), case_id, t[0]["kind"].as<std::string>(), year,
                     serial, number, draft.recipient, t[0]["title"].as<std::string>(), *text);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Document> DocumentFromRow(const pqxx::row& r) {
  v1::Document d;
  d.set_document_id(r["document_id"].as<std::string>());
  d.set_case_id(r["case_id"].as<std::string>());
  ParseEnum<v1::DocumentKind>(r["kind"], v1::DocumentKind_Parse,
                              [&](v1::DocumentKind v) { d.set_kind(v); });
  d.set_number(r["number"].as<std::string>());
  d.set_recipient(r["recipient"].as<std::string>());
  d.set_title(r["title"].as<std::string>());
  d.set_text(r["text"].as<std::string>());
  auto t = TimestampField(r["issued_at"]);
  if (!t.ok()) return t.status();
  *d.mutable_issued_at() = *t;
  return d;
}

// The first answer of a step's request id when this subject already used
// it: replayed (the case with its petitioners as they are now) when method,
// case and body are the same, ALREADY_EXISTS when not; nullopt when the id
// is new.
absl::StatusOr<std::optional<StepResult>> PriorStep(pqxx::transaction_base& tx,
                                                    const PiiCipher& cipher,
                                                    const std::string& case_id,
                                                    const StepRetry& retry) {
  pqxx::result prior = tx.exec_prepared(kSelectStepRequest, retry.subject, retry.request_id);
  if (prior.empty()) return std::optional<StepResult>();
  if (prior[0]["method"].as<std::string>() != retry.method ||
      prior[0]["case_id"].as<std::string>() != case_id ||
      prior[0]["request_sha256"].as<std::string>() != retry.request_sha256) {
    return absl::AlreadyExistsError("requestId was already used with a different request");
  }
  const pqxx::binarystring bytes(prior[0]["response"]);
  StepResult replay;
  replay.replayed = true;
  const std::string_view view(bytes.get(), bytes.size());
  const bool parsed =
      retry.answers_opinion
          ? replay.opinion.ParseFromArray(view.data(), static_cast<int>(view.size()))
          : replay.stored.ParseFromArray(view.data(), static_cast<int>(view.size()));
  if (!parsed) return absl::DataLossError("a stored step answer does not parse");
  if (!retry.answers_opinion) {
    auto current = LoadCase(tx, cipher, case_id);
    if (!current.ok()) return current.status();
    *replay.stored.mutable_petitioners() = current->petitioners();
  }
  return std::optional<StepResult>(std::move(replay));
}

}  // namespace

const std::vector<PgStatement>& CaseStore::Statements() {
  static const auto* kSelectCaseSql =
      new std::string(absl::StrCat("SELECT ", kCaseColumns, " FROM cases WHERE case_id = $1"));
  // Every filter is a parameter that is '' when absent; the keyset position
  // ($8, $9) continues strictly after the previous page's last row.
  static const auto* kListCasesSql = new std::string(
      absl::StrCat("SELECT ", kCaseColumns,
                   " FROM cases WHERE ($1 = '' OR status = $1) "
                   "AND ($2 = '' OR $2 = ANY(handling_unit_ids)) "
                   "AND ($3 = '' OR category = $3) "
                   "AND (NULLIF($4, '') IS NULL OR received_at >= NULLIF($4, '')::timestamptz) "
                   "AND (NULLIF($5, '') IS NULL OR received_at < NULLIF($5, '')::timestamptz) "
                   "AND (cardinality($6::text[]) = 0 OR case_id IN "
                   "(SELECT case_id FROM petitioners WHERE id_number_hash = ANY($6::text[]))) "
                   "AND ($7 = '' OR $7 = ANY(handling_unit_ids)) "
                   "AND (NULLIF($8, '') IS NULL OR (received_at, case_id) < "
                   "(NULLIF($8, '')::timestamptz, $9)) "
                   "AND ($11 = '' OR NOT $11 = ANY(reported_unit_ids)) "
                   "ORDER BY received_at DESC, case_id DESC LIMIT $10"));
  static const auto* kStatements = new std::vector<PgStatement>{
      {kListCases, kListCasesSql->c_str()},
      {kSelectPetitionersOf,
       "SELECT case_id, ordinal, sealed, seal_version FROM petitioners "
       "WHERE case_id = ANY($1::text[]) ORDER BY case_id, ordinal"},
      // A request id already used by this caller: no row comes back, and
      // kSelectByRequestId finds the first case (committed, since ON
      // CONFLICT waited for it).
      // The case, its sealed petitioners ($24 hex, $25 hashes, in order), its
      // first outbox event and its REGISTER step: one statement, one round
      // trip. Nothing but the case is written when it conflicts.
      {kInsertCase,
       "WITH c AS (INSERT INTO cases (case_id, query_code, status, source, county_case_id, "
       "channel, received_at, received_by, reception_session_id, headcount, collective, "
       "category, reported_unit_ids, subject, content, urgent, repeat_of_case_ids, "
       "request_subject, request_id, request_sha256, anonymous, final_case_ids) VALUES ($1, $2, "
       "$3, $4, NULLIF($5, ''), $6, $7::timestamptz, $8, $9, $10, $11, $12, $13::text[], $14, "
       "$15, $16, $17::text[], NULLIF($18, ''), NULLIF($19, ''), NULLIF($20, ''), $21, "
       "$22::text[]) ON CONFLICT (request_subject, request_id) DO NOTHING "
       "RETURNING case_id, received_at, created_at, updated_at), "
       "p AS (INSERT INTO petitioners (case_id, ordinal, sealed, seal_version, id_number_hash, "
       "received_at) SELECT c.case_id, t.n - 1, decode(t.sealed, 'hex'), $23, t.hash, "
       "c.received_at FROM c, unnest($24::text[], $25::text[]) WITH ORDINALITY "
       "AS t (sealed, hash, n)), "
       "o AS (INSERT INTO outbox (event_id, case_id, sequence, payload) "
       "SELECT $26, c.case_id, $27, $28 FROM c), "
       "s AS (INSERT INTO case_steps (case_id, step, status, actor, actor_roles, note, at) "
       "SELECT c.case_id, $29, $3, $30, $31, '', coalesce(nullif($32, '')::timestamptz, now()) "
       "FROM c) "
       "SELECT created_at, updated_at FROM c"},
      {kInsertPetitioner,
       "INSERT INTO petitioners (case_id, ordinal, sealed, seal_version, id_number_hash, "
       "received_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)"},
      {kDeletePetitioners, "DELETE FROM petitioners WHERE case_id = $1"},
      // A changed county push, while the case is REGISTERED (county_store.h).
      {kUpdateRegistration,
       "UPDATE cases SET source = $2, channel = $3, received_at = $4::timestamptz, "
       "headcount = $5, collective = $6, category = $7, reported_unit_ids = $8::text[], "
       "subject = $9, content = $10, urgent = $11, updated_at = now() WHERE case_id = $1"},
      {kInsertOutbox,
       "INSERT INTO outbox (event_id, case_id, sequence, payload) VALUES ($1, $2, $3, $4)"},
      {kSelectByRequestId,
       "SELECT case_id, request_sha256 FROM cases WHERE request_subject = $1 AND request_id = $2"},
      {kSelectCase, kSelectCaseSql->c_str()},
      {kSelectPetitioners,
       "SELECT ordinal, sealed, seal_version FROM petitioners WHERE case_id = $1 ORDER BY ordinal"},
      {kInsertIdentityRead,
       "INSERT INTO identity_reads (case_id, subject, roles, request_id, purpose) "
       "VALUES ($1, $2, $3, $4, $5)"},
      {kTryRelayLock,
       "SELECT pg_try_advisory_lock(hashtext('petition.outbox.' || current_schema())) AS locked"},
      {kSelectPending,
       "SELECT id, case_id, sequence, payload FROM outbox "
       "WHERE delivered_at IS NULL AND parked_at IS NULL ORDER BY id LIMIT $1"},
      {kMarkDelivered,
       "UPDATE outbox SET delivered_at = now(), attempts = attempts + 1 "
       "WHERE id = ANY($1::bigint[])"},
      {kMarkFailed,
       "UPDATE outbox SET attempts = attempts + 1, last_error = $2 "
       "WHERE id = ANY($1::bigint[])"},
      // Each count matches a partial index's predicate: cheap however many
      // delivered rows the table keeps.
      {kCountPending,
       "SELECT (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL) "
       "AS pending, "
       "(SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL AND delivered_at IS NULL) "
       "AS parked"},
      {kPark,
       "UPDATE outbox SET parked_at = now(), attempts = attempts + 1, last_error = $2 "
       "WHERE id = $1"},
      {kSelectTemplate, "SELECT kind, title, body FROM document_templates WHERE template_id = $1"},
      {kNextSerial,
       "INSERT INTO document_counters (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE "
       "SET last = document_counters.last + 1 RETURNING last"},
      {kInsertDocument,
       "INSERT INTO documents (document_id, case_id, kind, year, serial, number, recipient, "
       "title, text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"},
      {kSelectDocuments,
       "SELECT document_id, case_id, kind, number, issued_at, recipient, title, text "
       "FROM documents WHERE case_id = $1 AND ($2 = '' OR document_id = $2) "
       "ORDER BY issued_at, serial"},
      {kInsertAppliedEvent,
       "INSERT INTO applied_supervision_events (event_id, case_id) VALUES ($1, $2) "
       "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"},
      // The person's most recent cases only (kRepeatWindow per hash, from
      // petitioners_person_recent without reading a case), then each looked up by
      // its key (the LATERAL subquery with OFFSET 0 is never flattened): the
      // similarity is computed for those cases only, however often the person
      // has filed. Written as one join, the generic plan of the prepared
      // statement scanned every case and computed the similarity of each.
      {kFindRepeats,
       "SELECT c.case_id, c.status, c.final_case_ids FROM (SELECT DISTINCT r.case_id "
       "FROM unnest($1::text[]) h (hash) CROSS JOIN LATERAL (SELECT case_id FROM petitioners "
       "WHERE id_number_hash = h.hash ORDER BY received_at DESC LIMIT $4) r) p "
       "CROSS JOIN LATERAL (SELECT case_id, status, received_at, subject, content, "
       "final_case_ids FROM cases WHERE cases.case_id = p.case_id OFFSET 0) c "
       "WHERE public.similarity(c.subject || ' ' || c.content, $2) >= $3::float4 "
       "ORDER BY c.received_at, c.case_id LIMIT 20"},
      // The % operator (pg_trgm's threshold, set for the transaction just
      // before) lets cases_text_trgm find the candidates; similarity() then
      // orders nothing but keeps the rule the same as kFindRepeats'.
      {kSelectReviewDecisions,
       "SELECT stage, outcome, to_char(decided_on, 'YYYY-MM-DD') AS decided_on, summary, "
       "recorded_by, recorded_at FROM review_decisions WHERE case_id = $1 "
       "ORDER BY recorded_at, stage"},
      {kInsertReviewDecision,
       "INSERT INTO review_decisions (case_id, stage, outcome, decided_on, summary, recorded_by, "
       "recorded_at) VALUES ($1, $2, $3, $4::date, $5, $6, $7::timestamptz)"},
      {kSetSimilarityThreshold, "SELECT set_config('pg_trgm.similarity_threshold', $1, true)"},
      {kFindRepeatsByText,
       "SELECT case_id FROM cases WHERE (subject || ' ' || content) OPERATOR(public.%) $1 "
       "AND public.similarity(subject || ' ' || content, $1) >= $2::float4 "
       "ORDER BY received_at, case_id LIMIT 20"},
      // Materials: one upload at a time per case (the case's total is read
      // under the case's row lock).
      {kLockCaseMaterials,
       "SELECT coalesce((SELECT sum(size) FROM materials WHERE case_id = $1), 0) AS stored "
       "FROM cases WHERE case_id = $1 FOR UPDATE"},
      {kSelectMaterialBySha,
       "SELECT material_id, case_id, file_name, media_type, size, sha256, uploaded_by, "
       "uploaded_at FROM materials WHERE case_id = $1 AND sha256 = $2"},
      {kInsertMaterial,
       "INSERT INTO materials (material_id, case_id, file_name, media_type, size, sha256, "
       "sealed, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
       "RETURNING material_id, case_id, file_name, media_type, size, sha256, uploaded_by, "
       "uploaded_at"},
      {kSelectMaterials,
       "SELECT material_id, case_id, file_name, media_type, size, sha256, uploaded_by, "
       "uploaded_at FROM materials WHERE case_id = $1 AND ($2 = '' OR material_id = $2) "
       "ORDER BY uploaded_at, material_id"},
      {kSelectMaterialSealed,
       "SELECT sealed FROM materials WHERE case_id = $1 AND material_id = $2"},
      {kSelectIdentityReads,
       "SELECT id, read_at, case_id, subject, roles, request_id, purpose FROM identity_reads "
       "WHERE case_id = $1 AND id > $2 ORDER BY id LIMIT $3"},
      {kLockCase, "SELECT case_id FROM cases WHERE case_id = $1 FOR UPDATE"},
      {kUpdateCaseStep,
       "UPDATE cases SET status = $2, complexity = $3, handling_unit_ids = $4::text[], "
       "leader_id = $5, rating = $6, rating_comment = $7, answer_opinion_id = $8, "
       "answered_at = CASE WHEN $9 THEN $15::timestamptz ELSE answered_at END, "
       "decline_route = $10, "
       "decline_authority = $11, delivered_on = nullif($12, '')::date, delivery_method = $13, "
       "delivery_receipt_number = $14, instruction = $16, updated_at = now() WHERE case_id = $1"},
      // The objection (A23), once: kept on the case from then on.
      {kSetObjection,
       "UPDATE cases SET objection_reason = $2, objection_authority = $3, objected_by = $4, "
       "objected_at = $5::timestamptz WHERE case_id = $1 AND objected_at IS NULL"},
      {kInsertStep,
       // At the moment of the step's event (the rules' clock), so that the
       // history, the lookup's dates and the deadlines agree.
       "INSERT INTO case_steps (case_id, step, status, actor, actor_roles, note, at) "
       "VALUES ($1, $2, $3, $4, $5, $6, coalesce(nullif($7, '')::timestamptz, now()))"},
      {kSelectSteps,
       "SELECT step, status, actor, actor_roles, at, note FROM case_steps WHERE case_id = $1 "
       "ORDER BY id"},
      {kSelectOpinions,
       "SELECT opinion_id, unit_id, outcome, facts, basis, decision, submitted_by, submitted_at, "
       "approved_by, approved_at, submitted_for_approval_by, submitted_for_approval_at, "
       "required_approvals FROM opinions WHERE case_id = $1 ORDER BY submitted_at, opinion_id"},
      {kInsertOpinion,
       "INSERT INTO opinions (opinion_id, case_id, unit_id, outcome, facts, basis, decision, "
       "submitted_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
      {kSubmitOpinion,
       "UPDATE opinions SET submitted_for_approval_by = $3, submitted_for_approval_at = now(), "
       "required_approvals = $4::text[] WHERE opinion_id = $1 AND case_id = $2 "
       "AND submitted_for_approval_at IS NULL"},
      {kSelectApprovals,
       "SELECT a.opinion_id, a.role, a.leader_id, a.approved_at FROM opinion_approvals a "
       "JOIN opinions o USING (opinion_id) WHERE o.case_id = $1 ORDER BY a.approved_at, a.role"},
      {kInsertApproval,
       "INSERT INTO opinion_approvals (opinion_id, role, leader_id) "
       "SELECT opinion_id, $3, $4 FROM opinions WHERE opinion_id = $1 AND case_id = $2"},
      {kSetApproved,
       "UPDATE opinions SET approved_by = $3, approved_at = now() "
       "WHERE opinion_id = $1 AND case_id = $2 AND approved_by = ''"},
      {kSelectOpinionUnit, "SELECT unit_id FROM opinions WHERE opinion_id = $1 AND case_id = $2"},
      {kNextSequence,
       "SELECT coalesce(max(sequence), 0) + 1 AS next FROM outbox WHERE case_id = $1"},
      {kSelectStepRequest,
       "SELECT method, case_id, request_sha256, response FROM step_requests "
       "WHERE request_subject = $1 AND request_id = $2"},
      // Another case's step took this id at the same moment: no row comes
      // back, and the retry is told it sent another request.
      {kInsertStepRequest,
       "INSERT INTO step_requests (request_subject, request_id, method, case_id, "
       "request_sha256, response) VALUES ($1, $2, $3, $4, $5, $6) "
       "ON CONFLICT (request_subject, request_id) DO NOTHING RETURNING 1"},
      // Key rotation: rows whose sealed value does not start with the current
      // key's header ($3, $3 bytes long), in primary key order after ($1, $2).
      {kSelectToReseal,
       "SELECT case_id, ordinal, sealed, seal_version FROM petitioners "
       "WHERE (case_id, ordinal) > ($1, $2::int) "
       "AND substring(sealed FROM 1 FOR length($3::bytea)) <> $3::bytea "
       "ORDER BY case_id, ordinal LIMIT $4 FOR UPDATE"},
      {kReseal,
       "UPDATE petitioners SET sealed = $3, seal_version = $4, id_number_hash = $5 "
       "WHERE case_id = $1 AND ordinal = $2"},
      {kSelectCasesReporting,
       "SELECT case_id FROM cases WHERE case_id = ANY($1::text[]) "
       "AND $2 = ANY(reported_unit_ids)"},
      {kCountSeals,
       "SELECT count(*) AS total, count(*) FILTER (WHERE "
       "substring(sealed FROM 1 FOR length($1::bytea)) <> $1::bytea) AS other_keys "
       "FROM petitioners"},
  };
  return *kStatements;
}

CaseStore::SealedPetitioners CaseStore::Seal(const v1::Case& c) const {
  SealedPetitioners sealed;
  sealed.reserve(c.petitioners_size());
  for (int i = 0; i < c.petitioners_size(); ++i) {
    const v1::Petitioner& p = c.petitioners(i);
    sealed.emplace_back(
        pqxx::binarystring(cipher_->Encrypt(p.SerializeAsString(), PetitionerAad(c.case_id(), i))),
        cipher_->KeyedHash(p.id_number()));
  }
  return sealed;
}

absl::StatusOr<std::optional<v1::Case>> CaseStore::InsertCase(
    pqxx::transaction_base& tx, const v1::Case& original, const SealedPetitioners& sealed,
    const Principal& caller, const petition::v1::CaseEvent& original_event,
    double repeat_similarity, const std::string& request_subject, const std::string& request_id,
    const std::string& request_sha256) const {
  // Repeat petitions: earlier cases of the same person on the same matter, whichever key
  // their rows were sealed under.
  std::vector<std::string> hashes;
  for (const v1::Petitioner& p : original.petitioners()) {
    for (std::string& hash : cipher_->KeyedHashes(p.id_number())) hashes.push_back(std::move(hash));
  }
  v1::Case c = original;
  petition::v1::CaseEvent event = original_event;
  // An anonymous petition has no person to match: its text alone, against
  // every earlier case (through the trigram index).
  const bool by_text = c.anonymous();
  if (repeat_similarity > 0 && (by_text || !hashes.empty())) {
    std::set<std::string> repeats(c.repeat_of_case_ids().begin(), c.repeat_of_case_ids().end());
    std::set<std::string> finals;
    const std::string text = absl::StrCat(c.subject(), " ", c.content());
    const std::string threshold = std::to_string(repeat_similarity);
    if (by_text) tx.exec_prepared(kSetSimilarityThreshold, threshold);
    for (const auto& row : by_text ? tx.exec_prepared(kFindRepeatsByText, text, threshold)
                                   : tx.exec_prepared(kFindRepeats, PgArray(hashes), text,
                                                      threshold, kRepeatWindow)) {
      const std::string id = row["case_id"].as<std::string>();
      if (repeats.insert(id).second) c.add_repeat_of_case_ids(id);
      // A36: the same person's matter already settled for good. (A text
      // match of an anonymous letter is not the same person.) A recent
      // repeat that was itself flagged final carries the flag on, so that
      // a FINAL case older than the window still answers for its matter.
      if (by_text) continue;
      if (row["status"].as<std::string>() == v1::CaseStatus_Name(v1::FINAL)) finals.insert(id);
      google::protobuf::RepeatedPtrField<std::string> inherited;
      ParseArray(row["final_case_ids"], &inherited);
      finals.insert(inherited.begin(), inherited.end());
    }
    for (const std::string& id : finals) c.add_final_case_ids(id);
    c.set_final_matter(!finals.empty());
  }
  if (event.has_registered()) {
    event.mutable_registered()->set_repeat(c.repeat_of_case_ids_size() > 0);
  }
  const pqxx::binarystring payload(event.SerializeAsString());
  PgArrayBuilder sealed_hex;
  PgArrayBuilder hashes_in_order;
  for (const auto& [seal, hash] : sealed) {
    sealed_hex.Add(absl::BytesToHexString(absl::string_view(seal.get(), seal.size())));
    hashes_in_order.Add(hash);
  }
  pqxx::result created = tx.exec_prepared(
      kInsertCase, c.case_id(), c.query_code(), v1::CaseStatus_Name(c.status()),
      v1::CaseSource_Name(c.source()), c.county_case_id(), v1::Channel_Name(c.channel()),
      SqlTimestamp(c.received_at()), c.received_by(), c.reception_session_id(), c.headcount(),
      c.collective(), v1::Category_Name(c.category()), PgArray(c.reported_unit_ids()), c.subject(),
      c.content(), c.urgent(), PgArray(c.repeat_of_case_ids()), request_subject, request_id,
      request_sha256, c.anonymous(), PgArray(c.final_case_ids()), kSealVersion, sealed_hex.Finish(),
      hashes_in_order.Finish(), event.event_id(), event.sequence(), payload,
      v1::Step_Name(v1::REGISTER), caller.subject, RolesText(caller), StepTime(event));
  if (created.empty()) return std::optional<v1::Case>();  // the request id was used before
  for (auto [column, out] : {std::pair{"created_at", c.mutable_created_at()},
                             std::pair{"updated_at", c.mutable_updated_at()}}) {
    auto t = TimestampField(created[0][column]);
    if (!t.ok()) return t.status();
    *out = *t;
  }
  return std::optional<v1::Case>(std::move(c));
}

absl::StatusOr<v1::Case> CaseStore::InsertInTransaction(pqxx::transaction_base& tx,
                                                        const v1::Case& c, const Principal& caller,
                                                        const petition::v1::CaseEvent& event,
                                                        double repeat_similarity) const {
  auto inserted = InsertCase(tx, c, Seal(c), caller, event, repeat_similarity, "", "", "");
  if (!inserted.ok()) return inserted.status();
  if (!inserted->has_value()) return absl::InternalError("a case without a request id conflicted");
  return **std::move(inserted);
}

absl::StatusOr<v1::Case> CaseStore::LoadInTransaction(pqxx::transaction_base& tx,
                                                      const std::string& case_id) const {
  return LoadCase(tx, *cipher_, case_id);
}

absl::Status CaseStore::UpdateRegistrationInTransaction(pqxx::transaction_base& tx,
                                                        const v1::Case& c, const v1::CaseStep& step,
                                                        petition::v1::CaseEvent event) const {
  const SealedPetitioners sealed = Seal(c);
  tx.exec_prepared(kUpdateRegistration, c.case_id(), v1::CaseSource_Name(c.source()),
                   v1::Channel_Name(c.channel()), SqlTimestamp(c.received_at()), c.headcount(),
                   c.collective(), v1::Category_Name(c.category()), PgArray(c.reported_unit_ids()),
                   c.subject(), c.content(), c.urgent());
  tx.exec_prepared(kDeletePetitioners, c.case_id());
  for (size_t i = 0; i < sealed.size(); ++i) {
    tx.exec_prepared(kInsertPetitioner, c.case_id(), static_cast<int>(i), sealed[i].first,
                     kSealVersion, sealed[i].second, SqlTimestamp(c.received_at()));
  }
  tx.exec_prepared(kInsertStep, c.case_id(), v1::Step_Name(step.step()),
                   v1::CaseStatus_Name(step.status()), step.actor(), step.actor_roles(),
                   step.note(), StepTime(event));
  event.set_case_id(c.case_id());
  event.set_sequence(tx.exec_prepared1(kNextSequence, c.case_id())["next"].as<int64_t>());
  tx.exec_prepared(kInsertOutbox, event.event_id(), c.case_id(), event.sequence(),
                   pqxx::binarystring(event.SerializeAsString()));
  return absl::OkStatus();
}

absl::StatusOr<RegisterResult> CaseStore::Register(const v1::Case& original,
                                                   const RegisterCall& call,
                                                   const petition::v1::CaseEvent& original_event,
                                                   const TxOptions& tx_options) {
  if (call.caller == nullptr) return absl::InternalError("Register without a caller");
  const std::string subject = call.request_id.empty() ? "" : call.caller->subject;
  // Seal outside the transaction: no CPU work while holding a connection.
  const SealedPetitioners sealed = Seal(original);
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<RegisterResult> {
        RegisterResult result;
        auto inserted =
            InsertCase(tx, original, sealed, *call.caller, original_event, call.repeat_similarity,
                       subject, call.request_id, call.request_sha256);
        if (!inserted.ok()) return inserted.status();
        if (!inserted->has_value()) {
          // This caller sent this request id before: a retry.
          pqxx::row prior = tx.exec_prepared1(kSelectByRequestId, subject, call.request_id);
          if (prior["request_sha256"].as<std::string>() != call.request_sha256) {
            return absl::AlreadyExistsError("requestId was already used with a different request");
          }
          auto first = LoadCase(tx, *cipher_, prior["case_id"].as<std::string>());
          if (!first.ok()) return first.status();
          result.stored = *std::move(first);
          if (result.stored.petitioners_size() > 0 && call.reveal && call.reveal(result.stored)) {
            tx.exec_prepared(kInsertIdentityRead, result.stored.case_id(), call.caller->subject,
                             RolesText(*call.caller), call.call_request_id, "RegisterCase retry");
            result.identity_revealed = true;
          }
          return result;
        }
        result.stored = **std::move(inserted);
        result.created = true;
        return result;
      },
      tx_options);
}

absl::StatusOr<v1::Case> CaseStore::Get(const std::string& case_id, const Principal& reader,
                                        const std::string& request_id,
                                        const std::function<bool(const v1::Case&)>& reveal,
                                        const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Case> {
        auto c = LoadCase(tx, *cipher_, case_id);
        if (!c.ok()) return c.status();
        if (c->petitioners_size() > 0 && reveal(*c)) {
          tx.exec_prepared(kInsertIdentityRead, case_id, reader.subject, RolesText(reader),
                           request_id, "GetCase");
        }
        return c;
      },
      tx_options);
}

absl::StatusOr<std::vector<v1::Case>> CaseStore::List(
    const CaseListQuery& query, const std::string& scope_unit, const std::string& hidden_unit,
    const Principal& reader, const std::string& request_id,
    const std::function<bool(const v1::Case&)>& reveal, const TxOptions& tx_options) {
  // The person's rows carry the hash under the key that sealed them: match any key's.
  const std::vector<std::string> id_hashes =
      query.id_number.empty() ? std::vector<std::string>() : cipher_->KeyedHashes(query.id_number);
  auto sql_time = [](const std::optional<absl::Time>& t) {
    return t.has_value() ? SqlTimestamp(*t) : std::string();
  };
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<v1::Case>> {
        std::vector<v1::Case> cases;
        pqxx::result rows = tx.exec_prepared(
            kListCases, query.status, query.unit_id, query.category, sql_time(query.received_from),
            sql_time(query.received_before), PgArray(id_hashes), scope_unit,
            query.after ? SqlTimestamp(query.after->received_at) : std::string(),
            query.after ? query.after->case_id : std::string(), query.page_size + 1, hidden_unit);
        cases.reserve(rows.size());
        std::vector<std::string> ids;
        for (const auto& row : rows) {
          auto c = CaseFromRow(row);
          if (!c.ok()) return c.status();
          ids.push_back(c->case_id());
          cases.push_back(*std::move(c));
        }
        if (cases.empty()) return cases;
        std::map<std::string, size_t> index;
        for (size_t i = 0; i < cases.size(); ++i) index[cases[i].case_id()] = i;
        for (const auto& row : tx.exec_prepared(kSelectPetitionersOf, PgArray(ids))) {
          auto it = index.find(row["case_id"].as<std::string>());
          if (it == index.end()) continue;
          v1::Case& c = cases[it->second];
          auto p = PetitionerFromRow(row, *cipher_, c.case_id());
          if (!p.ok()) return p.status();
          *c.add_petitioners() = *std::move(p);
        }
        // Only the page's own rows are shown (the extra one is not).
        const size_t shown = std::min(cases.size(), static_cast<size_t>(query.page_size));
        for (size_t i = 0; i < shown; ++i) {
          if (cases[i].petitioners_size() > 0 && reveal(cases[i])) {
            tx.exec_prepared(kInsertIdentityRead, cases[i].case_id(), reader.subject,
                             RolesText(reader), request_id, "ListCases");
          }
        }
        return cases;
      },
      tx_options);
}

namespace {

// What a step does to its opinion (StepChange::opinion_write).
void WriteOpinion(pqxx::transaction_base& tx, const std::string& case_id,
                  const StepChange& change) {
  const v1::Opinion& o = *change.opinion;
  switch (change.opinion_write) {
    case OpinionWrite::kDraft:
      tx.exec_prepared(kInsertOpinion, o.opinion_id(), case_id, o.unit_id(),
                       v1::Outcome_Name(o.outcome()), o.facts(), o.basis(), o.decision(),
                       o.submitted_by());
      break;
    case OpinionWrite::kSubmit: {
      std::vector<std::string> roles;
      for (int r : o.required_approvals()) {
        roles.push_back(
            petition::v1::ApprovalRole_Name(static_cast<petition::v1::ApprovalRole>(r)));
      }
      tx.exec_prepared(kSubmitOpinion, o.opinion_id(), case_id, o.submitted_for_approval_by(),
                       PgArray(roles));
      break;
    }
    case OpinionWrite::kApprove:
      // The approvals without a time are the step's own.
      for (const v1::OpinionApproval& a : o.approvals()) {
        if (a.has_approved_at()) continue;
        tx.exec_prepared(kInsertApproval, o.opinion_id(), case_id,
                         petition::v1::ApprovalRole_Name(a.role()), a.leader_id());
      }
      if (!o.approved_by().empty()) {
        tx.exec_prepared(kSetApproved, o.opinion_id(), case_id, o.approved_by());
      }
      break;
  }
}

}  // namespace

absl::StatusOr<std::string> CaseStore::OpinionUnit(const std::string& case_id,
                                                   const std::string& opinion_id,
                                                   const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::string> {
        pqxx::result rows = tx.exec_prepared(kSelectOpinionUnit, opinion_id, case_id);
        if (rows.empty()) return absl::NotFoundError("no such opinion");
        return rows[0]["unit_id"].as<std::string>();
      },
      tx_options);
}

absl::StatusOr<std::vector<std::string>> CaseStore::CasesReporting(
    const std::vector<std::string>& case_ids, const std::string& unit,
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<std::string>> {
        std::vector<std::string> ids;
        for (const auto& row : tx.exec_prepared(kSelectCasesReporting, PgArray(case_ids), unit)) {
          ids.push_back(row["case_id"].as<std::string>());
        }
        return ids;
      },
      tx_options);
}

absl::StatusOr<StepResult> CaseStore::ApplyStep(const std::string& case_id, const StepFn& decide,
                                                const TxOptions& tx_options,
                                                const StepRetry* retry) {
  if (retry != nullptr && retry->request_id.empty()) retry = nullptr;
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<StepResult> {
        if (tx.exec_prepared(kLockCase, case_id).empty()) {
          return absl::NotFoundError("no such case");
        }
        // Read after the lock: a step that committed while this one waited is seen.
        auto current = LoadCase(tx, *cipher_, case_id);
        if (!current.ok()) return current.status();
        if (retry != nullptr) {
          auto prior = PriorStep(tx, *cipher_, case_id, *retry);
          if (!prior.ok()) return prior.status();
          if (prior->has_value()) return **std::move(prior);
        }
        auto change = decide(*current);
        if (!change.ok()) return change.status();
        const v1::Case& u = change->updated;
        tx.exec_prepared(
            kUpdateCaseStep, case_id, v1::CaseStatus_Name(u.status()),
            v1::Complexity_Name(u.complexity()), PgArray(u.handling_unit_ids()), u.leader_id(),
            v1::Rating_Name(u.rating()), u.rating_comment(), u.answer_opinion_id(),
            change->set_answered_at, v1::DeclineRoute_Name(u.decline_route()),
            u.decline_authority(), u.delivered_on(),
            u.delivered_on().empty() ? "" : v1::DeliveryMethod_Name(u.delivery_method()),
            u.delivery_receipt_number(),
            // The answer's moment on the rules' clock (its event's): the
            // delivery and the review window count from its day.
            SqlTimestamp(change->event.occurred_at()), u.instruction());
        if (u.has_objection() && !current->has_objection()) {
          const v1::Objection& o = u.objection();
          tx.exec_prepared(kSetObjection, case_id, o.reason(), o.competent_authority(),
                           o.objected_by(), SqlTimestamp(o.objected_at()));
        }
        const v1::CaseStep& step = change->step;
        tx.exec_prepared(kInsertStep, case_id, v1::Step_Name(step.step()),
                         v1::CaseStatus_Name(step.status()), step.actor(), step.actor_roles(),
                         step.note(), StepTime(change->event));
        if (change->opinion.has_value()) WriteOpinion(tx, case_id, *change);
        if (change->review_decision.has_value()) {
          const v1::ReviewDecision& d = *change->review_decision;
          tx.exec_prepared(kInsertReviewDecision, case_id,
                           v1::ReviewDecision::Stage_Name(d.stage()),
                           v1::ReviewDecision::Outcome_Name(d.outcome()), d.decided_on(),
                           d.summary(), d.recorded_by(), SqlTimestamp(d.recorded_at()));
        }
        petition::v1::CaseEvent event = change->event;
        event.set_case_id(case_id);
        event.set_sequence(tx.exec_prepared1(kNextSequence, case_id)["next"].as<int64_t>());
        tx.exec_prepared(kInsertOutbox, event.event_id(), case_id, event.sequence(),
                         pqxx::binarystring(event.SerializeAsString()));
        if (absl::Status s = IssueDocuments(tx, office_, case_id, change->documents); !s.ok()) {
          return s;
        }
        StepResult result;
        auto stored = LoadCase(tx, *cipher_, case_id);
        if (!stored.ok()) return stored.status();
        result.stored = *std::move(stored);
        if (change->also) {
          if (absl::Status s = change->also(tx, result.stored); !s.ok()) return s;
        }
        if (change->opinion.has_value()) {
          for (const v1::Opinion& o : result.stored.opinions()) {
            if (o.opinion_id() == change->opinion->opinion_id()) result.opinion = o;
          }
        }
        if (retry != nullptr) {
          std::string first;
          if (retry->answers_opinion) {
            first = result.opinion.SerializeAsString();
          } else {
            v1::Case without_identity = result.stored;
            without_identity.clear_petitioners();
            first = without_identity.SerializeAsString();
          }
          if (tx.exec_prepared(kInsertStepRequest, retry->subject, retry->request_id, retry->method,
                               case_id, retry->request_sha256, pqxx::binarystring(first))
                  .empty()) {
            return absl::AlreadyExistsError("requestId was already used with a different request");
          }
        }
        return result;
      },
      tx_options);
}

absl::StatusOr<std::optional<StepResult>> CaseStore::FindStepReplay(const std::string& case_id,
                                                                    const StepRetry* retry,
                                                                    const TxOptions& tx_options) {
  if (retry == nullptr || retry->request_id.empty()) return std::optional<StepResult>();
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::optional<StepResult>> {
        return PriorStep(tx, *cipher_, case_id, *retry);
      },
      tx_options);
}

absl::StatusOr<CaseDocuments> CaseStore::Documents(
    const std::string& case_id, const std::string& document_id, const Principal& reader,
    const std::string& request_id, const std::function<bool(const v1::Case&)>& reveal,
    const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<CaseDocuments> {
        CaseDocuments result;
        auto c = LoadCase(tx, *cipher_, case_id);
        if (!c.ok()) return c.status();
        result.c = *std::move(c);
        bool names = false;
        for (const auto& row : tx.exec_prepared(kSelectDocuments, case_id, document_id)) {
          auto d = DocumentFromRow(row);
          if (!d.ok()) return d.status();
          names |= d->text().find("{{petitioner}}") != std::string::npos ||
                   d->recipient().find("{{petitioner}}") != std::string::npos;
          result.documents.push_back(*std::move(d));
        }
        if (!document_id.empty() && result.documents.empty()) {
          return absl::NotFoundError("no such document");
        }
        if (names && result.c.petitioners_size() > 0 && reveal(result.c)) {
          tx.exec_prepared(kInsertIdentityRead, case_id, reader.subject, RolesText(reader),
                           request_id, document_id.empty() ? "ListDocuments" : "GetDocument");
        }
        return result;
      },
      tx_options);
}

namespace {

std::string MaterialAad(const std::string& case_id, const std::string& material_id) {
  return absl::StrCat("petition.intake.material/", case_id.size(), ":", case_id, "/", material_id);
}

absl::StatusOr<v1::Material> MaterialFromRow(const pqxx::row& r) {
  v1::Material m;
  m.set_material_id(r["material_id"].as<std::string>());
  m.set_case_id(r["case_id"].as<std::string>());
  m.set_file_name(r["file_name"].as<std::string>());
  m.set_media_type(r["media_type"].as<std::string>());
  m.set_size(r["size"].as<int64_t>());
  m.set_sha256(r["sha256"].as<std::string>());
  m.set_uploaded_by(r["uploaded_by"].as<std::string>());
  auto t = TimestampField(r["uploaded_at"]);
  if (!t.ok()) return t.status();
  *m.mutable_uploaded_at() = *t;
  return m;
}

}  // namespace

absl::StatusOr<v1::Material> CaseStore::AddMaterial(const std::string& case_id,
                                                    const NewMaterial& m,
                                                    const MaterialCheck& check,
                                                    const TxOptions& tx_options) {
  // Sealed before the transaction: no CPU work while holding a connection.
  const pqxx::binarystring sealed(
      cipher_->Encrypt(std::string(m.bytes), MaterialAad(case_id, m.material_id)));
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Material> {
        pqxx::result locked = tx.exec_prepared(kLockCaseMaterials, case_id);
        if (locked.empty()) return absl::NotFoundError("no such case");
        auto c = LoadCase(tx, *cipher_, case_id);
        if (!c.ok()) return c.status();
        pqxx::result same = tx.exec_prepared(kSelectMaterialBySha, case_id, m.sha256);
        if (absl::Status s = check(*c, same.empty() ? locked[0]["stored"].as<int64_t>() : 0);
            !s.ok()) {
          return s;
        }
        if (!same.empty()) return MaterialFromRow(same[0]);
        return MaterialFromRow(tx.exec_prepared1(
            kInsertMaterial, m.material_id, case_id, m.file_name, m.media_type,
            static_cast<int64_t>(m.bytes.size()), m.sha256, sealed, m.uploaded_by));
      },
      tx_options);
}

absl::StatusOr<std::vector<v1::Material>> CaseStore::Materials(const std::string& case_id,
                                                               const Principal& reader,
                                                               const std::string& request_id,
                                                               const MaterialCheck& check,
                                                               const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<v1::Material>> {
        auto c = LoadCase(tx, *cipher_, case_id);
        if (!c.ok()) return c.status();
        if (absl::Status s = check(*c, 0); !s.ok()) return s;
        std::vector<v1::Material> materials;
        for (const auto& row : tx.exec_prepared(kSelectMaterials, case_id, "")) {
          auto m = MaterialFromRow(row);
          if (!m.ok()) return m.status();
          materials.push_back(*std::move(m));
        }
        if (!materials.empty()) {
          tx.exec_prepared(kInsertIdentityRead, case_id, reader.subject, RolesText(reader),
                           request_id, "ListMaterials");
        }
        return materials;
      },
      tx_options);
}

absl::StatusOr<CaseMaterial> CaseStore::Material(
    const std::string& case_id, const std::string& material_id, const Principal& reader,
    const std::string& request_id, const MaterialCheck& check, const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<CaseMaterial> {
        auto c = LoadCase(tx, *cipher_, case_id);
        if (!c.ok()) return c.status();
        if (absl::Status s = check(*c, 0); !s.ok()) return s;
        pqxx::result rows = tx.exec_prepared(kSelectMaterials, case_id, material_id);
        if (rows.empty()) return absl::NotFoundError("no such material");
        CaseMaterial result;
        auto m = MaterialFromRow(rows[0]);
        if (!m.ok()) return m.status();
        result.material = *std::move(m);
        const pqxx::binarystring sealed(
            tx.exec_prepared1(kSelectMaterialSealed, case_id, material_id)["sealed"]);
        auto opened = cipher_->Decrypt(std::string_view(sealed.get(), sealed.size()),
                                       MaterialAad(case_id, material_id));
        if (!opened.ok()) {
          log::Error("a material does not open",
                     {{"caseId", case_id}, {"error", opened.status().ToString()}});
          return absl::DataLossError(
              "a material is corrupt, not this case's, or sealed under "
              "a key this process does not have");
        }
        result.bytes = *std::move(opened);
        tx.exec_prepared(kInsertIdentityRead, case_id, reader.subject, RolesText(reader),
                         request_id, "GetMaterial");
        return result;
      },
      tx_options);
}

absl::StatusOr<AppliedCounts> CaseStore::ApplySupervisionEvents(
    const std::vector<petition::v1::SupervisionEvent>& events, const SupervisionEventFn& apply,
    const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<AppliedCounts> {
        AppliedCounts counts;
        for (const petition::v1::SupervisionEvent& event : events) {
          if (tx.exec_prepared(kInsertAppliedEvent, event.event_id(), event.case_id()).empty()) {
            ++counts.duplicates;
            continue;
          }
          auto c = LoadCase(tx, *cipher_, event.case_id());
          if (!c.ok()) return c.status();
          auto drafts = apply(*c, event);
          if (!drafts.ok()) return drafts.status();
          if (absl::Status s = IssueDocuments(tx, office_, event.case_id(), *drafts); !s.ok()) {
            return s;
          }
          ++counts.applied;
        }
        return counts;
      },
      tx_options);
}

absl::StatusOr<std::vector<std::pair<int64_t, v1::IdentityRead>>> CaseStore::IdentityReads(
    const std::string& case_id, int64_t after_id, int limit, const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx)
          -> absl::StatusOr<std::vector<std::pair<int64_t, v1::IdentityRead>>> {
        std::vector<std::pair<int64_t, v1::IdentityRead>> reads;
        for (const auto& row : tx.exec_prepared(kSelectIdentityReads, case_id, after_id, limit)) {
          v1::IdentityRead r;
          auto t = TimestampField(row["read_at"]);
          if (!t.ok()) return t.status();
          *r.mutable_read_at() = *t;
          r.set_case_id(row["case_id"].as<std::string>());
          r.set_subject(row["subject"].as<std::string>());
          r.set_roles(row["roles"].as<std::string>());
          r.set_request_id(row["request_id"].as<std::string>());
          r.set_purpose(row["purpose"].as<std::string>());
          reads.emplace_back(row["id"].as<int64_t>(), std::move(r));
        }
        return reads;
      },
      tx_options);
}

absl::StatusOr<std::unique_ptr<SessionLock>> CaseStore::TryLockRelay() {
  return SessionLock::TryAcquire(*pool_, kTryRelayLock, "the outbox relay");
}

absl::StatusOr<std::vector<OutboxEvent>> CaseStore::PendingEvents(int limit,
                                                                  const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<OutboxEvent>> {
        std::vector<OutboxEvent> events;
        pqxx::result rows = tx.exec_prepared(kSelectPending, limit);
        events.reserve(rows.size());
        for (const auto& row : rows) {
          events.push_back(OutboxEvent{row["id"].as<int64_t>(), row["case_id"].as<std::string>(),
                                       row["sequence"].as<int64_t>(),
                                       pqxx::binarystring(row["payload"])});
        }
        return events;
      },
      tx_options);
}

absl::Status CaseStore::MarkDelivered(const std::vector<int64_t>& ids,
                                      const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        tx.exec_prepared(kMarkDelivered, IdArray(ids));
        return absl::OkStatus();
      },
      tx_options);
}

absl::Status CaseStore::MarkFailed(const std::vector<int64_t>& ids, const std::string& error,
                                   const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        tx.exec_prepared(kMarkFailed, IdArray(ids), ErrorText(error));
        return absl::OkStatus();
      },
      tx_options);
}

absl::Status CaseStore::Park(int64_t id, const std::string& error, const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        tx.exec_prepared(kPark, id, ErrorText(error));
        return absl::OkStatus();
      },
      tx_options);
}

absl::StatusOr<OutboxCounts> CaseStore::CountOutbox(const TxOptions& tx_options) {
  return pool_->Read(
      [](pqxx::transaction_base& tx) -> absl::StatusOr<OutboxCounts> {
        pqxx::row row = tx.exec_prepared1(kCountPending);
        return OutboxCounts{row["pending"].as<int64_t>(), row["parked"].as<int64_t>()};
      },
      tx_options);
}

absl::StatusOr<ResealBatch> CaseStore::ResealPetitioners(const std::string& after_case_id,
                                                         int after_ordinal, int limit) {
  const pqxx::binarystring header(cipher_->CurrentKeyHeader());
  return pool_->Transact([&](pqxx::transaction_base& tx) -> absl::StatusOr<ResealBatch> {
    ResealBatch batch;
    batch.last_case_id = after_case_id;
    batch.last_ordinal = after_ordinal;
    for (const auto& row :
         tx.exec_prepared(kSelectToReseal, after_case_id, after_ordinal, header, limit)) {
      const std::string case_id = row["case_id"].as<std::string>();
      const int ordinal = row["ordinal"].as<int>();
      auto p = PetitionerFromRow(row, *cipher_, case_id);
      if (!p.ok()) {
        return absl::Status(p.status().code(), absl::StrCat("petitioner ", ordinal, " of case ",
                                                            case_id, ": ", p.status().message()));
      }
      const pqxx::binarystring sealed(
          cipher_->Encrypt(p->SerializeAsString(), PetitionerAad(case_id, ordinal)));
      tx.exec_prepared(kReseal, case_id, ordinal, sealed, kSealVersion,
                       cipher_->KeyedHash(p->id_number()));
      ++batch.resealed;
      batch.last_case_id = case_id;
      batch.last_ordinal = ordinal;
    }
    return batch;
  });
}

absl::StatusOr<SealCounts> CaseStore::CountSeals() {
  const pqxx::binarystring header(cipher_->CurrentKeyHeader());
  return pool_->Read([&](pqxx::transaction_base& tx) -> absl::StatusOr<SealCounts> {
    pqxx::row row = tx.exec_prepared1(kCountSeals, header);
    return SealCounts{row["total"].as<int64_t>(), row["other_keys"].as<int64_t>()};
  });
}

}  // namespace petition::intake
