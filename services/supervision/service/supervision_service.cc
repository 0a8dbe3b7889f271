#include "services/supervision/service/supervision_service.h"

#include "absl/time/clock.h"
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

grpc::Status SupervisionService::ApplyCaseEvent(grpc::ServerContext* context,
                                                const petition::v1::CaseEvent* event,
                                                v1::ApplyCaseEventResponse* response) {
  RequestScope scope(*context);
  if (event->event_id().empty()) return ToGrpcStatus(InvalidField("eventId", "is required"));
  if (event->case_id().empty()) return ToGrpcStatus(InvalidField("caseId", "is required"));
  if (event->sequence() < 1) return ToGrpcStatus(InvalidField("sequence", "must be at least 1"));
  if (!event->has_registered()) {
    return ToGrpcStatus(absl::UnimplementedError("this kind of case event is not handled yet"));
  }
  if (!event->registered().has_received_at()) {
    return ToGrpcStatus(InvalidField("registered.receivedAt", "is required"));
  }
  DeadlineRecord acceptance;
  acceptance.kind = "ACCEPTANCE";
  acceptance.start_date = DayOf(event->registered().received_at(), zone_);
  auto due = ComputeDueDate(acceptance.start_date, policy_.acceptance, 0,
                            policy_.roll_to_working_day, *calendar_);
  if (!due.ok()) return ToGrpcStatus(due.status());
  acceptance.due_date = due->date;
  acceptance.provisional = due->provisional;
  auto applied = store_->ApplyRegistered(*event, acceptance);
  if (!applied.ok()) return ToGrpcStatus(applied.status());
  response->set_applied(*applied);
  log::Info(*applied ? "case event applied" : "case event already applied",
            {{"eventId", event->event_id()}, {"caseId", event->case_id()}});
  return grpc::Status::OK;
}

grpc::Status SupervisionService::GetCaseDeadlines(grpc::ServerContext* context,
                                                  const v1::GetCaseDeadlinesRequest* request,
                                                  v1::CaseDeadlines* response) {
  RequestScope scope(*context);
  if (absl::Status s = scope.RequireAnyRole({"admin", "clerk", "leader", "handler", "supervisor"});
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (request->case_id().empty() || request->case_id().size() > 64) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  auto deadlines = store_->ListForCase(request->case_id());
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
