// Supervision orders (督办) and the six duties (六包): handlers of
// SupervisionService.
#include "absl/strings/str_cat.h"
#include "common/call_deadline.h"
#include "common/case_visibility.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"
#include "services/supervision/domain/deadline_policy.h"
#include "services/supervision/domain/escalation_ladder.h"
#include "services/supervision/domain/six_duties.h"
#include "services/supervision/service/request_key.h"
#include "services/supervision/service/supervision_service.h"

namespace petition::supervision {
namespace {

void FillOrder(const OrderRecord& o, v1::SupervisionOrder* out) {
  out->set_order_id(o.order_id);
  out->set_case_id(o.case_id);
  out->set_unit_id(o.unit_id);
  v1::SupervisionOrder::Level level;
  if (v1::SupervisionOrder::Level_Parse(o.level, &level)) out->set_level(level);
  out->set_due_date(FormatDate(o.due_date));
  out->set_note(o.note);
  v1::SupervisionOrder::State state;
  if (v1::SupervisionOrder::State_Parse(o.state, &state)) out->set_state(state);
  v1::DeadlineKind kind;
  if (v1::DeadlineKind_Parse(o.deadline_kind, &kind)) out->set_deadline_kind(kind);
  out->set_automatic(o.automatic);
  out->set_response(o.response);
  *out->mutable_created_at() = ToProtoTimestamp(o.created_at);
  out->set_created_by(o.created_by);
  if (o.responded_at.has_value()) *out->mutable_responded_at() = ToProtoTimestamp(*o.responded_at);
  out->set_request_id(o.request_id);
  for (const OrderStep& step : o.steps) {
    auto* s = out->add_steps();
    if (v1::SupervisionOrder::Level_Parse(step.level, &level)) s->set_level(level);
    *s->mutable_at() = ToProtoTimestamp(step.at);
    s->set_reason(step.reason);
  }
}

bool ReadsEveryCase(const Principal& p) {
  return p.HasAnyRole({"admin", "clerk", "leader", "supervisor"});
}

}  // namespace

absl::Status SupervisionService::CheckCaseVisible(const std::string& case_id,
                                                  const Principal& principal,
                                                  const TxOptions& tx_options) {
  if (case_id.empty() || case_id.size() > 64) return InvalidField("caseId", "is not a case id");
  auto units = store_->UnitsOfCase(case_id, tx_options);
  if (!units.ok() && !absl::IsNotFound(units.status())) return units.status();
  if (!units.ok() || !MayReadCase(principal, *units)) return absl::NotFoundError("no such case");
  return absl::OkStatus();
}

absl::Status SupervisionService::CheckOrderVisible(const OrderRecord& order,
                                                   const Principal& principal,
                                                   const TxOptions& tx_options) {
  auto units = store_->UnitsOfCase(order.case_id, tx_options);
  if (!units.ok() && !absl::IsNotFound(units.status())) return units.status();
  // An order on a case that reports the caller's unit: as an unknown order.
  if (units.ok() && HiddenFrom(principal, *units)) {
    return absl::NotFoundError("no such supervision order");
  }
  return absl::OkStatus();
}

grpc::Status SupervisionService::CreateSupervisionOrder(grpc::ServerContext* context,
                                                        const v1::SupervisionOrder* request,
                                                        v1::SupervisionOrder* response) {
  RequestScope scope(*context);
  const TxOptions tx = TxOptionsFor(*context);
  if (absl::Status s = CheckCaseVisible(request->case_id(), scope.principal(), tx); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (request->unit_id().empty() || request->unit_id().size() > 64) {
    return ToGrpcStatus(InvalidField("unitId", "is required (at most 64 characters)"));
  }
  if (request->note().size() > 2000) {
    return ToGrpcStatus(InvalidField("note", "is at most 2000 bytes"));
  }
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "is at most 128 characters"));
  }
  OrderRecord order;
  order.order_id = NewId("ord");
  order.case_id = request->case_id();
  order.unit_id = request->unit_id();
  order.level = request->level() == v1::SupervisionOrder::LEVEL_UNSPECIFIED
                    ? "REMINDER"
                    : v1::SupervisionOrder::Level_Name(request->level());
  if (!IsOrderLevel(order.level)) {
    return ToGrpcStatus(InvalidField("level", "must be REMINDER, ORDER, LISTED or SUMMONS"));
  }
  auto current = LoadPolicy(tx);
  if (!current.ok()) return ToGrpcStatus(current.status());
  const absl::Time now = clock_->Now();
  const absl::CivilDay today = absl::ToCivilDay(now, current->zone);
  if (request->due_date().empty()) {
    // The policy's window for the level, never ending on a day off.
    auto due = OrderDueDate(today, order.level, current->stored.policy, *calendar_);
    if (!due.ok()) return ToGrpcStatus(due.status());
    order.due_date = due->date;
  } else {
    auto due = ParseDate(request->due_date());
    if (!due.ok()) return ToGrpcStatus(InvalidField("dueDate", "is not a date YYYY-MM-DD"));
    if (*due < today) return ToGrpcStatus(InvalidField("dueDate", "is in the past"));
    order.due_date = *due;
  }
  order.note = request->note();
  order.created_at = now;
  order.created_by = scope.principal().subject;
  order.request_id = request->request_id();
  auto created = store_->CreateOrder(
      order, RequestKeyFor(scope, "CreateSupervisionOrder", *request, request->request_id()), tx);
  if (!created.ok()) return ToGrpcStatus(created.status());
  FillOrder(*created, response);
  return grpc::Status::OK;
}

grpc::Status SupervisionService::ListSupervisionOrders(
    grpc::ServerContext* context, const v1::ListSupervisionOrdersRequest* request,
    v1::ListSupervisionOrdersResponse* response) {
  RequestScope scope(*context);
  if (request->page_size() < 0 || request->page_size() > 500) {
    return ToGrpcStatus(InvalidField("pageSize", "must be 0..500 (0: 50)"));
  }
  const int wanted = request->page_size() == 0 ? 50 : request->page_size();
  std::string unit = request->unit_id();
  const Principal& principal = scope.principal();
  if (!ReadsEveryCase(principal)) {
    // A unit's staff: the orders to their own unit.
    if (!principal.HasRole("handler") || principal.unit_id.empty() ||
        (!unit.empty() && unit != principal.unit_id)) {
      return grpc::Status::OK;
    }
    unit = principal.unit_id;
  }
  std::string state;
  if (request->state() != v1::SupervisionOrder::STATE_UNSPECIFIED) {
    state = v1::SupervisionOrder::State_Name(request->state());
  }
  // A30: no order on a case that reports the caller's unit is listed.
  auto orders =
      store_->ListOrders(request->case_id(), unit, state, request->page_token(), wanted + 1,
                         HiddenReportsUnit(principal), TxOptionsFor(*context));
  if (!orders.ok()) return ToGrpcStatus(orders.status());
  const int n = std::min<int>(wanted, static_cast<int>(orders->size()));
  for (int i = 0; i < n; ++i) FillOrder((*orders)[i], response->add_orders());
  if (static_cast<int>(orders->size()) > wanted) {
    response->set_next_page_token((*orders)[wanted - 1].order_id);
  }
  return grpc::Status::OK;
}

grpc::Status SupervisionService::RespondSupervisionOrder(
    grpc::ServerContext* context, const v1::RespondSupervisionOrderRequest* request,
    v1::SupervisionOrder* response) {
  RequestScope scope(*context);
  const TxOptions tx = TxOptionsFor(*context);
  if (request->response().empty()) return ToGrpcStatus(InvalidField("response", "is required"));
  if (request->response().size() > 4000) {
    return ToGrpcStatus(InvalidField("response", "is at most 4000 bytes"));
  }
  auto order = store_->GetOrder(request->order_id(), tx);
  if (!order.ok()) return ToGrpcStatus(order.status());
  const Principal& principal = scope.principal();
  // A unit's staff read their own unit's orders only; to others the order does not exist.
  if (!ReadsEveryCase(principal) && principal.unit_id != order->unit_id) {
    return ToGrpcStatus(absl::NotFoundError("no such supervision order"));
  }
  if (absl::Status s = CheckOrderVisible(*order, principal, tx); !s.ok()) return ToGrpcStatus(s);
  // Whoever reads it, an official of another unit does not answer for this one.
  if (!MayActFor(principal, {order->unit_id})) {
    return ToGrpcStatus(absl::PermissionDeniedError(
        "the order is addressed to another unit: its own officials respond to it"));
  }
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "is at most 128 characters"));
  }
  auto responded = store_->RespondOrder(
      request->order_id(), request->response(), clock_->Now(),
      RequestKeyFor(scope, "RespondSupervisionOrder", *request, request->request_id()), tx);
  if (!responded.ok()) return ToGrpcStatus(responded.status());
  FillOrder(*responded, response);
  return grpc::Status::OK;
}

grpc::Status SupervisionService::CloseSupervisionOrder(
    grpc::ServerContext* context, const v1::CloseSupervisionOrderRequest* request,
    v1::SupervisionOrder* response) {
  RequestScope scope(*context);
  if (request->note().size() > 2000) {
    return ToGrpcStatus(InvalidField("note", "is at most 2000 bytes"));
  }
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "is at most 128 characters"));
  }
  const TxOptions tx = TxOptionsFor(*context);
  auto order = store_->GetOrder(request->order_id(), tx);
  if (!order.ok()) return ToGrpcStatus(order.status());
  if (absl::Status s = CheckOrderVisible(*order, scope.principal(), tx); !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto closed = store_->CloseOrder(
      request->order_id(), request->note(), clock_->Now(),
      RequestKeyFor(scope, "CloseSupervisionOrder", *request, request->request_id()), tx);
  if (!closed.ok()) return ToGrpcStatus(closed.status());
  FillOrder(*closed, response);
  return grpc::Status::OK;
}

absl::Status SupervisionService::LeaderNotAccused(const std::string& case_id,
                                                  const std::string& leader_id,
                                                  const TxOptions& tx_options) {
  if (leader_id.empty()) return absl::OkStatus();
  auto units = store_->UnitsOfCase(case_id, tx_options);
  if (!units.ok()) return units.status();
  if (units->reported.empty()) return absl::OkStatus();
  if (directory_ == nullptr) {
    return absl::UnavailableError("scheduling's directory is not configured");
  }
  auto unit = directory_->OfficialUnit(leader_id);
  if (absl::IsNotFound(unit.status())) return absl::OkStatus();  // no unit, nothing reported
  if (!unit.ok()) return unit.status();
  if (ReportsUnit(*units, *unit)) {
    return InvalidField("leaderId",
                        "is an official of a unit this case reports: they cannot take charge of "
                        "it (A30)");
  }
  return absl::OkStatus();
}

grpc::Status SupervisionService::GetResponsibility(grpc::ServerContext* context,
                                                   const v1::GetResponsibilityRequest* request,
                                                   v1::Responsibility* response) {
  RequestScope scope(*context);
  const TxOptions tx = TxOptionsFor(*context);
  if (absl::Status s = CheckCaseVisible(request->case_id(), scope.principal(), tx); !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto duties = store_->GetDuties(request->case_id(), tx);
  if (!duties.ok()) return ToGrpcStatus(duties.status());
  response->set_case_id(request->case_id());
  response->set_leader_id(duties->first);
  // All six, in their order; those not marked yet are not done.
  for (std::string_view name : kSixDuties) {
    auto* out = response->add_duties();
    out->set_duty(std::string(name));
    for (const DutyRecord& d : duties->second) {
      if (d.duty != name) continue;
      out->set_done(d.done);
      out->set_note(d.note);
      out->set_marked_by(d.marked_by);
      *out->mutable_marked_at() = ToProtoTimestamp(d.marked_at);
    }
  }
  return grpc::Status::OK;
}

grpc::Status SupervisionService::PutResponsibility(grpc::ServerContext* context,
                                                   const v1::Responsibility* request,
                                                   v1::Responsibility* response) {
  RequestScope scope(*context);
  const TxOptions tx = TxOptionsFor(*context);
  if (absl::Status s = CheckCaseVisible(request->case_id(), scope.principal(), tx); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (request->leader_id().size() > 64) {
    return ToGrpcStatus(InvalidField("leaderId", "is at most 64 characters"));
  }
  if (absl::Status s = LeaderNotAccused(request->case_id(), request->leader_id(), tx); !s.ok()) {
    return ToGrpcStatus(s);
  }
  std::vector<DutyMark> marks;
  for (const auto& d : request->duties()) marks.push_back({d.duty(), d.done(), d.note()});
  if (absl::Status s = ValidateDutyMarks(marks); !s.ok()) return ToGrpcStatus(s);
  const absl::Time now = clock_->Now();
  std::vector<DutyRecord> records;
  for (const DutyMark& m : marks) {
    records.push_back({m.duty, m.done, m.note, scope.principal().subject, now});
  }
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "is at most 128 characters"));
  }
  if (absl::Status s = store_->PutDuties(
          request->case_id(), request->leader_id(), records,
          RequestKeyFor(scope, "PutResponsibility", *request, request->request_id()), tx);
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  v1::GetResponsibilityRequest get;
  get.set_case_id(request->case_id());
  return GetResponsibility(context, &get, response);
}

}  // namespace petition::supervision
