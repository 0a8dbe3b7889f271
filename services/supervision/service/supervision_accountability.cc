// Accountability (责任追究): screening reports (每月一次信访排查), escalations
// (越级上访), the units' statistics and the annual target assessment
// (年度信访工作目标考核); handlers of SupervisionService.
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/call_deadline.h"
#include "common/case_visibility.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"
#include "services/supervision/domain/annual_assessment.h"
#include "services/supervision/domain/over_level_fault.h"
#include "services/supervision/domain/screening_report.h"
#include "services/supervision/domain/unit_stats.h"
#include "services/supervision/service/request_key.h"
#include "services/supervision/service/supervision_service.h"

namespace petition::supervision {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return InvalidField("pageSize", "must be 0..500 (0: 50)");
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

std::string Token(const std::string& raw) { return absl::WebSafeBase64Escape(raw); }

absl::StatusOr<std::string> Untoken(const std::string& token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return InvalidField("pageToken", "is not a token from this list");
  }
  return raw;
}

bool ValidUnitId(const std::string& id) { return !id.empty() && id.size() <= 64; }

void FillReport(const ScreeningReportRecord& r, absl::TimeZone zone, v1::ScreeningReport* out) {
  out->set_unit_id(r.unit_id);
  out->set_month(r.month);
  out->set_zero_report(r.zero_report);
  for (const ScreeningItemRecord& item : r.items) {
    auto* i = out->add_items();
    i->set_summary(item.summary);
    i->set_responsible_person(item.responsible_person);
    i->set_due_date(FormatDate(item.due_date));
  }
  out->set_reported_by(r.reported_by);
  *out->mutable_reported_at() = ToProtoTimestamp(r.reported_at);
  out->set_updated_by(r.updated_by);
  *out->mutable_updated_at() = ToProtoTimestamp(r.updated_at);
  auto month = ParseMonth(r.month, "month");
  if (month.ok()) {
    out->set_late(ScreeningReportLate(*month, absl::ToCivilDay(r.reported_at, zone)));
  }
}

void FillEscalation(const EscalationRecord& e, v1::Escalation* out) {
  out->set_escalation_id(e.escalation_id);
  out->set_case_id(e.case_id);
  out->set_unit_id(e.unit_id);
  v1::Escalation::Level level;
  if (v1::Escalation::Level_Parse(e.level, &level)) out->set_level(level);
  out->set_headcount(e.headcount);
  out->set_reported_in_advance(e.reported_in_advance);
  out->set_occurred_on(FormatDate(e.occurred_on));
  out->set_note(e.note);
  const std::vector<OverLevelFault> faults = OverLevelFaults(e.occurred_on, e.case_facts);
  out->set_over_level(!faults.empty());
  for (OverLevelFault fault : faults) {
    v1::Escalation::Fault name;
    if (v1::Escalation::Fault_Parse(std::string(OverLevelFaultName(fault)), &name)) {
      out->add_faults(name);
    }
  }
  out->set_decline_overturned(e.decline_overturned);
  out->set_recorded_by(e.recorded_by);
  *out->mutable_recorded_at() = ToProtoTimestamp(e.recorded_at);
}

void FillCriticism(const Criticism& c, v1::Criticism* out) {
  v1::Criticism::Reason reason;
  if (v1::Criticism::Reason_Parse(std::string(CriticismReasonName(c.reason)), &reason)) {
    out->set_reason(reason);
  }
  out->set_case_id(c.case_id);
  out->set_occurred_on(FormatDate(c.occurred_on));
  out->set_escalation_id(c.escalation_id);
}

// A date query parameter: unset when empty.
absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(const std::string& text,
                                                           std::string_view field) {
  if (text.empty()) return std::optional<absl::CivilDay>();
  auto day = ParseDate(text);
  if (!day.ok()) return InvalidField(field, "must be a date YYYY-MM-DD");
  return std::optional<absl::CivilDay>(*day);
}

}  // namespace

grpc::Status SupervisionService::PutScreeningReport(grpc::ServerContext* context,
                                                    const v1::ScreeningReport* request,
                                                    v1::ScreeningReport* response) {
  RequestScope scope(*context);
  if (!ValidUnitId(request->unit_id())) {
    return ToGrpcStatus(InvalidField("unitId", "is required (at most 64 characters)"));
  }
  auto month = ParseMonth(request->month(), "month");
  if (!month.ok()) return ToGrpcStatus(month.status());
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "is at most 128 characters"));
  }
  const Principal& principal = scope.principal();
  // The petition office may enter any unit's written report; a unit's own
  // staff and leaders report for their unit only.
  const bool may_report =
      principal.HasAnyRole({"admin", "clerk"}) || principal.unit_id == request->unit_id();
  // The unit's kind is scheduling's: asked before the transaction.
  absl::StatusOr<std::string> kind = absl::UnavailableError("the unit directory is not configured");
  if (may_report && directory_ != nullptr) kind = directory_->UnitKind(request->unit_id());
  const absl::Time now = clock_->Now();
  std::vector<ScreeningItemInput> inputs;
  for (const auto& item : request->items()) {
    inputs.push_back({item.summary(), item.responsible_person(), item.due_date()});
  }
  const RequestKey key =
      RequestKeyFor(scope, "PutScreeningReport", *request, request->request_id());
  struct Stored {
    ScreeningReportRecord report;
    absl::TimeZone zone;
  };
  auto stored = store_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<Stored> {
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        auto items =
            ValidateScreeningReport(*month, request->zero_report(), inputs,
                                    absl::CivilMonth(absl::ToCivilDay(now, current->zone)));
        if (!items.ok()) return items.status();
        if (!may_report) return absl::PermissionDeniedError("a unit reports for itself only");
        if (!kind.ok()) return kind.status();
        if (!OwesScreeningReport(*kind)) {
          return absl::FailedPreconditionError(
              "only villages and departments report their screening (the township receives "
              "them)");
        }
        ScreeningReportRecord report;
        report.unit_id = request->unit_id();
        report.month = FormatMonth(*month);
        report.zero_report = request->zero_report();
        report.items = *std::move(items);
        report.updated_by = principal.subject;
        report.updated_at = now;
        auto put = store_->PutScreeningReport(tx, report, key);
        if (!put.ok()) return put.status();
        return Stored{*std::move(put), current->zone};
      },
      TxOptionsFor(*context));
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  FillReport(stored->report, stored->zone, response);
  response->set_request_id(request->request_id());
  return grpc::Status::OK;
}

grpc::Status SupervisionService::ListScreeningReports(
    grpc::ServerContext* context, const v1::ListScreeningReportsRequest* request,
    v1::ListScreeningReportsResponse* response) {
  RequestScope scope(*context);
  auto month = ParseMonth(request->month(), "month");
  if (!month.ok()) return ToGrpcStatus(month.status());
  auto size = PageSize(request->page_size());
  if (!size.ok()) return ToGrpcStatus(size.status());
  std::string after;
  if (!request->page_token().empty()) {
    auto raw = Untoken(request->page_token());
    if (!raw.ok()) return ToGrpcStatus(raw.status());
    after = *raw;
  }
  const Principal& principal = scope.principal();
  std::string only_unit;  // a unit's staff: their own unit's report
  if (!principal.HasAnyRole({"admin", "clerk", "leader", "supervisor"})) {
    if (principal.unit_id.empty()) return grpc::Status::OK;
    only_unit = principal.unit_id;
  }
  // The units are scheduling's: asked before the transaction.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> units =
      absl::UnavailableError("the unit directory is not configured");
  if (directory_ != nullptr) units = directory_->ListUnits();
  std::vector<std::pair<std::string, std::string>> owing;
  if (units.ok()) {
    for (const auto& unit : *units) {
      if (OwesScreeningReport(unit.second)) owing.push_back(unit);
    }
  }
  const absl::Time now = clock_->Now();
  const std::string month_text = FormatMonth(*month);
  struct Listed {
    absl::TimeZone zone;
    absl::Status remembered;
    std::vector<std::string> reported;
    std::vector<ScreeningReportRecord> reports;
  };
  auto listed = store_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<Listed> {
        Listed l;
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        l.zone = current->zone;
        if (!units.ok()) return units.status();
        // The gauge of missing reports counts from what the directory said last.
        l.remembered = store_->RememberUnits(tx, owing, now);
        auto reported = store_->ReportedUnits(tx, month_text);
        if (!reported.ok()) return reported.status();
        l.reported = *std::move(reported);
        auto reports = store_->ListScreeningReports(tx, month_text, only_unit, after, *size + 1);
        if (!reports.ok()) return reports.status();
        l.reports = *std::move(reports);
        return l;
      },
      TxOptionsFor(*context));
  if (!listed.ok()) return ToGrpcStatus(listed.status());
  if (!listed->remembered.ok()) {
    log::Warn("units owing screening reports not remembered",
              {{"error", listed->remembered.ToString()}});
  }
  const absl::flat_hash_set<std::string> done(listed->reported.begin(), listed->reported.end());
  for (const auto& [unit, kind] : owing) {
    if (done.contains(unit)) continue;
    if (!only_unit.empty() && unit != only_unit) continue;
    response->add_missing_unit_ids(unit);
  }
  const std::vector<ScreeningReportRecord>* reports = &listed->reports;
  const int n = std::min<int>(*size, static_cast<int>(reports->size()));
  for (int i = 0; i < n; ++i) FillReport((*reports)[i], listed->zone, response->add_reports());
  if (static_cast<int>(reports->size()) > *size) {
    response->set_next_page_token(Token((*reports)[*size - 1].unit_id));
  }
  return grpc::Status::OK;
}

grpc::Status SupervisionService::CreateEscalation(grpc::ServerContext* context,
                                                  const v1::Escalation* request,
                                                  v1::Escalation* response) {
  RequestScope scope(*context);
  const absl::Time now = clock_->Now();
  const RequestKey key = RequestKeyFor(scope, "CreateEscalation", *request, request->request_id());
  // The case's visibility, the policy's day and the escalation: one transaction.
  auto stored = store_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<EscalationRecord> {
        if (absl::Status s = CheckCaseVisible(tx, request->case_id(), scope.principal()); !s.ok()) {
          return s;
        }
        std::vector<std::pair<std::string, std::string>> violations;
        if (request->unit_id().size() > 64) {
          violations.emplace_back("unitId", "is at most 64 characters");
        }
        if (request->level() == v1::Escalation::LEVEL_UNSPECIFIED) {
          violations.emplace_back("level", "must be COUNTY, CITY, PROVINCE or NATIONAL");
        }
        if (request->headcount() < 1 || request->headcount() > 100000) {
          violations.emplace_back("headcount", "must be 1..100000");
        }
        if (request->note().size() > 2000) violations.emplace_back("note", "is at most 2000 bytes");
        if (request->request_id().size() > 128) {
          violations.emplace_back("requestId", "is at most 128 characters");
        }
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        auto occurred = ParseDate(request->occurred_on());
        if (!occurred.ok()) {
          violations.emplace_back("occurredOn", "must be a date YYYY-MM-DD");
        } else if (*occurred > absl::ToCivilDay(now, current->zone)) {
          violations.emplace_back("occurredOn", "is in the future");
        }
        if (!violations.empty()) return InvalidFields(violations);
        EscalationRecord e;
        e.escalation_id = NewId("esc");
        e.case_id = request->case_id();
        e.unit_id = request->unit_id();
        e.level = v1::Escalation::Level_Name(request->level());
        e.headcount = request->headcount();
        e.reported_in_advance = request->reported_in_advance();
        e.occurred_on = *occurred;
        e.note = request->note();
        e.recorded_by = scope.principal().subject;
        e.recorded_at = now;
        e.decline_overturned = request->decline_overturned();
        return store_->CreateEscalation(tx, e, key, current->stored.policy.time_zone);
      },
      TxOptionsFor(*context));
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  FillEscalation(*stored, response);
  response->set_request_id(request->request_id());
  log::Info("escalation recorded", {{"escalationId", stored->escalation_id},
                                    {"caseId", stored->case_id},
                                    {"level", stored->level}});
  return grpc::Status::OK;
}

grpc::Status SupervisionService::ListEscalations(grpc::ServerContext* context,
                                                 const v1::ListEscalationsRequest* request,
                                                 v1::ListEscalationsResponse* response) {
  RequestScope scope(*context);
  auto size = PageSize(request->page_size());
  if (!size.ok()) return ToGrpcStatus(size.status());
  EscalationFilter filter;
  if (request->unit_id().size() > 64) return ToGrpcStatus(InvalidField("unitId", "is too long"));
  if (request->case_id().size() > 64) return ToGrpcStatus(InvalidField("caseId", "is too long"));
  filter.unit_id = request->unit_id();
  filter.case_id = request->case_id();
  filter.hidden_unit = HiddenReportsUnit(scope.principal());  // A30
  auto from = OptionalDate(request->from(), "from");
  if (!from.ok()) return ToGrpcStatus(from.status());
  auto to = OptionalDate(request->to(), "to");
  if (!to.ok()) return ToGrpcStatus(to.status());
  filter.from = *from;
  filter.to = *to;
  if (!request->page_token().empty()) {
    auto raw = Untoken(request->page_token());
    if (!raw.ok()) return ToGrpcStatus(raw.status());
    std::vector<std::string> parts = absl::StrSplit(*raw, absl::MaxSplits('|', 1));
    auto day = parts.size() == 2 ? ParseDate(parts[0]) : absl::InvalidArgumentError("");
    if (!day.ok()) return ToGrpcStatus(InvalidField("pageToken", "is not a token from this list"));
    filter.after = std::make_pair(*day, parts[1]);
  }
  filter.limit = *size + 1;
  auto rows = store_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<EscalationRecord>> {
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        EscalationFilter f = filter;
        f.time_zone = current->stored.policy.time_zone;
        return store_->ListEscalations(tx, f);
      },
      TxOptionsFor(*context));
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  const int n = std::min<int>(*size, static_cast<int>(rows->size()));
  for (int i = 0; i < n; ++i) FillEscalation((*rows)[i], response->add_escalations());
  if (static_cast<int>(rows->size()) > *size) {
    const EscalationRecord& last = (*rows)[*size - 1];
    response->set_next_page_token(
        Token(absl::StrCat(FormatDate(last.occurred_on), "|", last.escalation_id)));
  }
  return grpc::Status::OK;
}

namespace {

void FillHearing(const HearingRecord& h, v1::Hearing* out) {
  out->set_hearing_id(h.hearing_id);
  out->set_case_id(h.case_id);
  v1::Hearing::Kind kind;
  if (v1::Hearing::Kind_Parse(h.kind, &kind)) out->set_kind(kind);
  out->set_held_on(FormatDate(h.held_on));
  if (h.ends_on != h.held_on) out->set_ends_on(FormatDate(h.ends_on));
  out->set_note(h.note);
  out->set_recorded_by(h.recorded_by);
  *out->mutable_recorded_at() = ToProtoTimestamp(h.recorded_at);
}

}  // namespace

grpc::Status SupervisionService::CreateHearing(grpc::ServerContext* context,
                                               const v1::Hearing* request, v1::Hearing* response) {
  RequestScope scope(*context);
  const absl::Time now = clock_->Now();
  const RequestKey key = RequestKeyFor(scope, "CreateHearing", *request, request->request_id());
  // The case's visibility, the policy's day and the hearing: one transaction.
  auto stored = store_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<HearingRecord> {
        if (absl::Status s = CheckCaseVisible(tx, request->case_id(), scope.principal()); !s.ok()) {
          return s;
        }
        std::vector<std::pair<std::string, std::string>> violations;
        if (request->kind() == v1::Hearing::KIND_UNSPECIFIED) {
          violations.emplace_back("kind", "must be HEARING or LEADERSHIP_MEETING");
        }
        if (request->note().size() > 4000) violations.emplace_back("note", "is at most 4000 bytes");
        if (request->request_id().size() > 128) {
          violations.emplace_back("requestId", "is at most 128 characters");
        }
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        auto held = ParseDate(request->held_on());
        if (!held.ok()) {
          violations.emplace_back("heldOn", "must be a date YYYY-MM-DD");
        } else if (*held > absl::ToCivilDay(now, current->zone)) {
          violations.emplace_back("heldOn", "is in the future: record a hearing once held");
        }
        // A hearing of several days names its last (endsOn); at most 90 days.
        absl::CivilDay ends_on = held.ok() ? *held : absl::CivilDay();
        if (!request->ends_on().empty()) {
          auto ends = ParseDate(request->ends_on());
          if (!ends.ok()) {
            violations.emplace_back("endsOn", "must be a date YYYY-MM-DD");
          } else if (held.ok() && (*ends < *held || *ends - *held > 90)) {
            violations.emplace_back("endsOn",
                                    "must be on or after heldOn, at most 90 days after it");
          } else if (*ends > absl::ToCivilDay(now, current->zone)) {
            violations.emplace_back("endsOn", "is in the future: record a hearing once held");
          } else {
            ends_on = *ends;
          }
        }
        if (!violations.empty()) return InvalidFields(violations);
        HearingRecord h;
        h.hearing_id = NewId("hrg");
        h.case_id = request->case_id();
        h.kind = v1::Hearing::Kind_Name(request->kind());
        h.held_on = *held;
        h.ends_on = ends_on;
        h.note = request->note();
        h.recorded_by = scope.principal().subject;
        h.recorded_at = now;
        return store_->CreateHearing(tx, h, key, absl::ToCivilDay(now, current->zone));
      },
      TxOptionsFor(*context));
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  FillHearing(*stored, response);
  response->set_request_id(request->request_id());
  return grpc::Status::OK;
}

grpc::Status SupervisionService::ListHearings(grpc::ServerContext* context,
                                              const v1::ListHearingsRequest* request,
                                              v1::ListHearingsResponse* response) {
  RequestScope scope(*context);
  auto size = PageSize(request->page_size());
  // The page asked for; a bad one is answered after the case's visibility.
  absl::StatusOr<std::optional<std::pair<absl::CivilDay, std::string>>> after =
      std::optional<std::pair<absl::CivilDay, std::string>>();
  if (!request->page_token().empty()) {
    auto raw = Untoken(request->page_token());
    if (!raw.ok()) {
      after = raw.status();
    } else {
      std::vector<std::string> parts = absl::StrSplit(*raw, absl::MaxSplits('|', 1));
      auto day = parts.size() == 2 ? ParseDate(parts[0]) : absl::InvalidArgumentError("");
      if (!day.ok()) {
        after = InvalidField("pageToken", "is not a token from this list");
      } else {
        after = std::make_optional(std::make_pair(*day, parts[1]));
      }
    }
  }
  auto rows = store_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<HearingRecord>> {
        if (absl::Status s = CheckCaseVisible(tx, request->case_id(), scope.principal()); !s.ok()) {
          return s;
        }
        if (!size.ok()) return size.status();
        if (!after.ok()) return after.status();
        return store_->ListHearings(tx, request->case_id(), *after, *size + 1);
      },
      TxOptionsFor(*context));
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  const int n = std::min<int>(*size, static_cast<int>(rows->size()));
  for (int i = 0; i < n; ++i) FillHearing((*rows)[i], response->add_hearings());
  if (static_cast<int>(rows->size()) > *size) {
    const HearingRecord& last = (*rows)[*size - 1];
    response->set_next_page_token(
        Token(absl::StrCat(FormatDate(last.held_on), "|", last.hearing_id)));
  }
  return grpc::Status::OK;
}

grpc::Status SupervisionService::GetUnitStats(grpc::ServerContext* context,
                                              const v1::GetUnitStatsRequest* request,
                                              v1::GetUnitStatsResponse* response) {
  RequestScope scope(*context);
  auto size = PageSize(request->page_size());
  if (!size.ok()) return ToGrpcStatus(size.status());
  auto from = ParseDate(request->from());
  auto to = ParseDate(request->to());
  std::vector<std::pair<std::string, std::string>> violations;
  if (!from.ok()) violations.emplace_back("from", "is required: a date YYYY-MM-DD");
  if (!to.ok()) violations.emplace_back("to", "is required: a date YYYY-MM-DD");
  if (violations.empty() && *to < *from) violations.emplace_back("to", "is before from");
  if (violations.empty() && *to - *from > 3660) {
    violations.emplace_back("to", "the period is at most ten years");
  }
  if (!violations.empty()) return ToGrpcStatus(InvalidFields(violations));
  std::string after;
  if (!request->page_token().empty()) {
    auto raw = Untoken(request->page_token());
    if (!raw.ok()) return ToGrpcStatus(raw.status());
    after = *raw;
  }
  struct Loaded {
    absl::TimeZone zone;
    DeadlineStore::StatsFacts facts;
  };
  auto read = store_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<Loaded> {
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        // A30: a unit's officials read the statistics as if the cases reporting
        // their unit did not exist (every row, their own and the others').
        auto facts = store_->StatsFactsFor(tx, *from, *to, current->zone,
                                           HiddenReportsUnit(scope.principal()));
        if (!facts.ok()) return facts.status();
        return Loaded{current->zone, *std::move(facts)};
      },
      TxOptionsFor(*context));
  if (!read.ok()) return ToGrpcStatus(read.status());
  const DeadlineStore::StatsFacts* facts = &read->facts;
  const absl::CivilDay today = absl::ToCivilDay(clock_->Now(), read->zone);
  std::vector<UnitStatsRow> rows =
      ComputeUnitStats(*from, *to, today, facts->cases, facts->escalations);
  int written = 0;
  for (const UnitStatsRow& row : rows) {
    if (!after.empty() && row.unit_id <= after) continue;
    if (written == *size) {
      response->set_next_page_token(Token(response->rows(written - 1).unit_id()));
      break;
    }
    v1::UnitStatsRow* out = response->add_rows();
    out->set_unit_id(row.unit_id);
    out->set_received(row.received);
    out->set_concluded(row.concluded);
    if (row.on_time_rate.has_value()) out->set_on_time_rate(*row.on_time_rate);
    out->set_overdue(row.overdue);
    out->set_repeat(row.repeat);
    out->set_collective(row.collective);
    out->set_over_level(row.over_level);
    if (row.satisfaction_rate.has_value()) out->set_satisfaction_rate(*row.satisfaction_rate);
    // veto stays unset: it is the annual assessment's (GetAssessment).
    out->set_complex_without_hearing(row.complex_without_hearing);
    out->set_over_level_not_at_fault(row.over_level_not_at_fault);
    out->set_review_changed(row.review_changed);
    for (const Criticism& c : row.criticisms) FillCriticism(c, out->add_criticisms());
    ++written;
  }
  return grpc::Status::OK;
}

namespace {

constexpr int kFirstAssessmentYear = 2000;
constexpr int kLastAssessmentYear = 2100;

absl::Status ValidYear(int year) {
  if (year < kFirstAssessmentYear || year > kLastAssessmentYear) {
    return InvalidField("year", "must be 2000..2100");
  }
  return absl::OkStatus();
}

void FillTargets(const AssessmentTargetsRecord& r, v1::AssessmentTargets* out) {
  out->set_year(r.year);
  if (r.targets.max_over_level.has_value()) out->set_max_over_level(*r.targets.max_over_level);
  if (r.targets.min_on_time_rate.has_value()) {
    out->set_min_on_time_rate(*r.targets.min_on_time_rate);
  }
  if (r.targets.min_satisfaction_rate.has_value()) {
    out->set_min_satisfaction_rate(*r.targets.min_satisfaction_rate);
  }
  out->set_no_unreported_collective(r.targets.no_unreported_collective);
  out->set_updated_by(r.updated_by);
  *out->mutable_updated_at() = ToProtoTimestamp(r.updated_at);
}

// NOT_FOUND naming the year, for a year without targets.
absl::Status NoTargets(const absl::Status& status, int year) {
  if (!absl::IsNotFound(status)) return status;
  return absl::NotFoundError(absl::StrCat("no assessment targets for ", year,
                                          ": PUT /v1/assessments/", year, "/targets first"));
}

}  // namespace

grpc::Status SupervisionService::PutAssessmentTargets(grpc::ServerContext* context,
                                                      const v1::AssessmentTargets* request,
                                                      v1::AssessmentTargets* response) {
  RequestScope scope(*context);
  if (absl::Status s = ValidYear(request->year()); !s.ok()) return ToGrpcStatus(s);
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "is at most 128 characters"));
  }
  AssessmentTargetsRecord record;
  record.year = request->year();
  if (request->has_max_over_level()) record.targets.max_over_level = request->max_over_level();
  if (request->has_min_on_time_rate()) {
    record.targets.min_on_time_rate = request->min_on_time_rate();
  }
  if (request->has_min_satisfaction_rate()) {
    record.targets.min_satisfaction_rate = request->min_satisfaction_rate();
  }
  record.targets.no_unreported_collective = request->no_unreported_collective();
  if (absl::Status s = ValidateAssessmentTargets(record.targets); !s.ok()) {
    return ToGrpcStatus(s);
  }
  record.updated_by = scope.principal().subject;
  record.updated_at = clock_->Now();
  auto stored = store_->PutAssessmentTargets(
      record, RequestKeyFor(scope, "PutAssessmentTargets", *request, request->request_id()),
      TxOptionsFor(*context));
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  FillTargets(*stored, response);
  response->set_request_id(request->request_id());
  log::Info("assessment targets set", {{"year", absl::StrCat(stored->year)}});
  return grpc::Status::OK;
}

grpc::Status SupervisionService::GetAssessmentTargets(
    grpc::ServerContext* context, const v1::GetAssessmentTargetsRequest* request,
    v1::AssessmentTargets* response) {
  RequestScope scope(*context);
  if (absl::Status s = ValidYear(request->year()); !s.ok()) return ToGrpcStatus(s);
  auto stored = store_->GetAssessmentTargets(request->year(), TxOptionsFor(*context));
  if (!stored.ok()) return ToGrpcStatus(NoTargets(stored.status(), request->year()));
  FillTargets(*stored, response);
  return grpc::Status::OK;
}

grpc::Status SupervisionService::GetAssessment(grpc::ServerContext* context,
                                               const v1::GetAssessmentRequest* request,
                                               v1::Assessment* response) {
  RequestScope scope(*context);
  if (absl::Status s = ValidYear(request->year()); !s.ok()) return ToGrpcStatus(s);
  auto size = PageSize(request->page_size());
  if (!size.ok()) return ToGrpcStatus(size.status());
  std::string after;
  if (!request->page_token().empty()) {
    auto raw = Untoken(request->page_token());
    if (!raw.ok()) return ToGrpcStatus(raw.status());
    after = *raw;
  }
  const int year = request->year();
  struct Loaded {
    AssessmentTargetsRecord targets;
    absl::TimeZone zone;
    DeadlineStore::StatsFacts facts;
  };
  auto read = store_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<Loaded> {
        auto targets = store_->GetAssessmentTargets(tx, year);
        if (!targets.ok()) return NoTargets(targets.status(), year);
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        // A30, as for the statistics: a unit's officials are assessed, in every row, as if the
        // cases reporting their unit did not exist.
        auto facts = store_->StatsFactsFor(tx, FirstDayOf(year), LastDayOf(year), current->zone,
                                           HiddenReportsUnit(scope.principal()));
        if (!facts.ok()) return facts.status();
        return Loaded{*std::move(targets), current->zone, *std::move(facts)};
      },
      TxOptionsFor(*context));
  if (!read.ok()) return ToGrpcStatus(read.status());
  const AssessmentTargetsRecord* targets = &read->targets;
  const DeadlineStore::StatsFacts* facts = &read->facts;
  const absl::CivilDay today = absl::ToCivilDay(clock_->Now(), read->zone);
  const std::vector<UnitAssessment> units =
      AssessYear(year, today, targets->targets, facts->cases, facts->escalations);
  response->set_year(year);
  response->set_as_of(FormatDate(std::min(today, LastDayOf(year))));
  int written = 0;
  for (const UnitAssessment& unit : units) {
    if (!after.empty() && unit.unit_id <= after) continue;
    if (written == *size) {
      response->set_next_page_token(Token(response->units(written - 1).unit_id()));
      break;
    }
    v1::UnitAssessment* out = response->add_units();
    out->set_unit_id(unit.unit_id);
    for (const TargetResult& t : unit.targets) {
      v1::AssessedTarget* target = out->add_targets();
      v1::AssessedTarget::Target name;
      if (v1::AssessedTarget::Target_Parse(std::string(AssessmentTargetName(t.target)), &name)) {
        target->set_target(name);
      }
      target->set_limit(t.limit);
      if (t.measured.has_value()) target->set_measured(*t.measured);
      target->set_passed(t.passed);
    }
    out->set_veto(unit.veto);
    ++written;
  }
  return grpc::Status::OK;
}

}  // namespace petition::supervision
