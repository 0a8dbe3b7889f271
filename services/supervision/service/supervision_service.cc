#include "services/supervision/service/supervision_service.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/call_deadline.h"
#include "common/case_visibility.h"
#include "common/dates.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"

namespace petition::supervision {
namespace {

v1::DeadlineState ToProto(DeadlineState s) {
  switch (s) {
    case DeadlineState::kOpen:
      return v1::OPEN;
    case DeadlineState::kDueSoon:
      return v1::DUE_SOON;
    case DeadlineState::kOverdue:
      return v1::OVERDUE;
    case DeadlineState::kMet:
      return v1::MET;
    case DeadlineState::kMissed:
      return v1::MISSED;
  }
  return v1::DEADLINE_STATE_UNSPECIFIED;
}

}  // namespace

grpc::Status SupervisionService::ApplyCaseEvents(grpc::ServerContext* context,
                                                 const v1::ApplyCaseEventsRequest* request,
                                                 v1::ApplyCaseEventsResponse* response) {
  RequestScope scope(*context);  // the call guard lets only intake call this
  constexpr int kMaxBatch = 1000;
  if (request->events_size() > kMaxBatch) {
    return ToGrpcStatus(InvalidField("events", absl::StrCat("at most ", kMaxBatch, " per call")));
  }
  std::vector<DeadlineStore::Application> applications;
  applications.reserve(request->events_size());
  // Cases registered on the same day share their due date: one question to
  // the calendar per distinct day in the batch.
  absl::flat_hash_map<absl::CivilDay, WorkingDayResult> due_by_start;
  for (int i = 0; i < request->events_size(); ++i) {
    const petition::v1::CaseEvent& event = request->events(i);
    const std::string at = absl::StrCat("events[", i, "]");
    if (event.event_id().empty()) return ToGrpcStatus(InvalidField(at + ".eventId", "is required"));
    if (event.case_id().empty()) return ToGrpcStatus(InvalidField(at + ".caseId", "is required"));
    if (event.sequence() < 1) {
      return ToGrpcStatus(InvalidField(at + ".sequence", "must be at least 1"));
    }
    DeadlineStore::Application app;
    app.event = &event;
    // Events that meet a deadline need the moment they happened.
    auto meet = [&](std::initializer_list<const char*> kinds) -> absl::Status {
      if (!event.has_occurred_at()) return InvalidField(at + ".occurredAt", "is required");
      for (const char* kind : kinds) app.meet.emplace_back(kind);
      app.met_day = DayOf(event.occurred_at(), zone_);
      return absl::OkStatus();
    };
    absl::Status valid;
    switch (event.kind_case()) {
      case petition::v1::CaseEvent::kRegistered: {
        if (event.sequence() != 1) {
          return ToGrpcStatus(InvalidField(at + ".sequence", "a registration is sequence 1"));
        }
        if (!event.registered().has_received_at()) {
          return ToGrpcStatus(InvalidField(at + ".registered.receivedAt", "is required"));
        }
        DeadlineRecord acceptance;
        acceptance.kind = "ACCEPTANCE";
        acceptance.start_date = DayOf(event.registered().received_at(), zone_);
        auto due = due_by_start.find(acceptance.start_date);
        if (due == due_by_start.end()) {
          auto computed = ComputeDueDate(acceptance.start_date, policy_.acceptance, 0,
                                         policy_.roll_to_working_day, *calendar_);
          if (!computed.ok()) return ToGrpcStatus(computed.status());
          due = due_by_start.emplace(acceptance.start_date, *computed).first;
        }
        acceptance.due_date = due->second.date;
        acceptance.provisional = due->second.provisional;
        app.open.push_back(acceptance);
        break;
      }
      case petition::v1::CaseEvent::kAccepted: {
        valid = meet({"ACCEPTANCE"});
        const auto& units = event.accepted().handling_unit_ids();
        if (!units.empty()) app.handling_unit_ids.emplace(units.begin(), units.end());
        break;
      }
      case petition::v1::CaseEvent::kDeclined:
        valid = meet({"ACCEPTANCE"});
        break;
      case petition::v1::CaseEvent::kUpdated: {
        const auto& units = event.updated().reported_unit_ids();
        if (!units.empty()) app.reported_unit_ids.emplace(units.begin(), units.end());
        break;
      }
      case petition::v1::CaseEvent::kAnswered:
        valid = meet({"HANDLING", "COUNTY"});
        break;
      default:
        // Recorded in the case's sequence; no deadline depends on it (yet).
        // An event of a kind this build does not know is recorded the same
        // way, so that the relay never stalls on it.
        break;
    }
    if (!valid.ok()) return ToGrpcStatus(valid);
    applications.push_back(std::move(app));
  }
  auto applied = store_->ApplyEvents(applications, TxOptionsFor(*context));
  if (!applied.ok()) return ToGrpcStatus(applied.status());
  response->set_applied(*applied);
  response->set_duplicates(request->events_size() - *applied);
  for (const petition::v1::CaseEvent& event : request->events()) {
    RequestScope event_scope(event.request_id());  // the registering request's id
    log::Debug("case event applied", {{"eventId", event.event_id()}, {"caseId", event.case_id()}});
  }
  return grpc::Status::OK;
}

grpc::Status SupervisionService::GetCaseDeadlines(grpc::ServerContext* context,
                                                  const v1::GetCaseDeadlinesRequest* request,
                                                  v1::CaseDeadlines* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (request->case_id().empty() || request->case_id().size() > 64) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  // Exactly where GetCase would say NOT_FOUND: the same rule, the same answer.
  auto units = store_->UnitsOfCase(request->case_id(), TxOptionsFor(*context));
  if (!units.ok() && !absl::IsNotFound(units.status())) return ToGrpcStatus(units.status());
  if (!units.ok() || !MayReadCase(scope.principal(), *units)) {
    return ToGrpcStatus(absl::NotFoundError("no such case"));
  }
  auto deadlines = store_->ListForCase(request->case_id(), TxOptionsFor(*context));
  if (!deadlines.ok()) return ToGrpcStatus(deadlines.status());
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), zone_);
  response->set_case_id(request->case_id());
  for (const DeadlineRecord& d : *deadlines) {
    v1::Deadline* out = response->add_deadlines();
    v1::DeadlineKind kind;
    if (v1::DeadlineKind_Parse(d.kind, &kind)) out->set_kind(kind);
    out->set_start_date(FormatDate(d.start_date));
    out->set_due_date(FormatDate(d.due_date));
    out->set_provisional(d.provisional);
    std::optional<absl::CivilDay> met_day;
    if (d.met_at.has_value()) {
      met_day = absl::ToCivilDay(*d.met_at, zone_);
      *out->mutable_met_at() = ToProtoTimestamp(*d.met_at);
    }
    out->set_state(ToProto(StateOn(today, d.due_date, met_day)));
    out->set_extended_by_days(d.extended_by_days);
  }
  return grpc::Status::OK;
}

}  // namespace petition::supervision
