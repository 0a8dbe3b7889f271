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
  return store_->pool()->Read(
      [&](pqxx::transaction_base& tx) { return CheckCaseVisible(tx, case_id, principal); },
      tx_options);
}

absl::Status SupervisionService::CheckCaseVisible(pqxx::transaction_base& tx,
                                                  const std::string& case_id,
                                                  const Principal& principal) {
  if (case_id.empty() || case_id.size() > 64) return InvalidField("caseId", "is not a case id");
  auto units = store_->UnitsOfCase(tx, case_id);
  if (!units.ok() && !absl::IsNotFound(units.status())) return units.status();
  if (!units.ok() || !MayReadCase(principal, *units)) return absl::NotFoundError("no such case");
  return absl::OkStatus();
}

absl::Status SupervisionService::CheckOrderVisible(pqxx::transaction_base& tx,
                                                   const OrderRecord& order,
                                                   const Principal& principal) {
  auto units = store_->UnitsOfCase(tx, order.case_id);
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
  if (request->case_id().empty() || request->case_id().size() > 64) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  // The request's own faults, answered after the case's visibility (an
  // invisible case is NOT_FOUND whatever else is wrong).
  OrderRecord order;
  order.order_id = NewId("ord");
  order.case_id = request->case_id();
  order.unit_id = request->unit_id();
  order.level = request->level() == v1::SupervisionOrder::LEVEL_UNSPECIFIED
                    ? "REMINDER"
                    : v1::SupervisionOrder::Level_Name(request->level());
  absl::Status invalid;
  if (request->unit_id().empty() || request->unit_id().size() > 64) {
    invalid = InvalidField("unitId", "is required (at most 64 characters)");
  } else if (request->note().size() > 2000) {
    invalid = InvalidField("note", "is at most 2000 bytes");
  } else if (request->request_id().size() > 128) {
    invalid = InvalidField("requestId", "is at most 128 characters");
  } else if (!IsOrderLevel(order.level)) {
    invalid = InvalidField("level", "must be REMINDER, ORDER, LISTED or SUMMONS");
  }
  const absl::Time now = clock_->Now();
  order.note = request->note();
  order.created_at = now;
  order.created_by = scope.principal().subject;
  order.request_id = request->request_id();
  const RequestKey key =
      RequestKeyFor(scope, "CreateSupervisionOrder", *request, request->request_id());
  // The due date is counted before the transaction (the calendar is
  // scheduling's) under the policy last seen; the transaction checks that it
  // is still the current one (see ApplyCaseEvents).
  struct Outcome {
    std::optional<OrderRecord> created;
    std::optional<StoredPolicy> current;  // when `policy` was not the current one
  };
  std::optional<CurrentPolicy> policy = LastPolicy();
  for (int round = 0; round < kPolicyRounds; ++round) {
    absl::StatusOr<absl::CivilDay> due = absl::InternalError("no policy");
    if (policy.has_value() && invalid.ok()) {
      const absl::CivilDay today = absl::ToCivilDay(now, policy->zone);
      if (request->due_date().empty()) {
        // The policy's window for the level, never ending on a day off.
        auto counted = OrderDueDate(today, order.level, policy->stored.policy, *calendar_);
        due = counted.ok() ? absl::StatusOr<absl::CivilDay>(counted->date) : counted.status();
      } else {
        due = ParseDate(request->due_date());
        if (!due.ok()) {
          due = InvalidField("dueDate", "is not a date YYYY-MM-DD");
        } else if (*due < today) {
          due = InvalidField("dueDate", "is in the past");
        }
      }
    }
    auto outcome = store_->pool()->Transact(
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<Outcome> {
          if (absl::Status s = CheckCaseVisible(tx, request->case_id(), scope.principal());
              !s.ok()) {
            return s;
          }
          if (!invalid.ok()) return invalid;
          auto current = store_->CurrentPolicy(tx);
          if (!current.ok()) return current.status();
          if (!policy.has_value() || current->version != policy->stored.version) {
            return Outcome{std::nullopt, *std::move(current)};
          }
          if (!due.ok()) return due.status();
          OrderRecord o = order;
          o.due_date = *due;
          auto created = store_->CreateOrder(tx, o, key);
          if (!created.ok()) return created.status();
          return Outcome{*std::move(created), std::nullopt};
        },
        TxOptionsFor(*context));
    if (!outcome.ok()) return ToGrpcStatus(outcome.status());
    if (outcome->current.has_value()) {
      auto seen = SeePolicy(*std::move(outcome->current));
      if (!seen.ok()) return ToGrpcStatus(seen.status());
      policy = *std::move(seen);
      continue;
    }
    FillOrder(*outcome->created, response);
    return grpc::Status::OK;
  }
  return ToGrpcStatus(absl::AbortedError("the deadline policy kept changing; try again"));
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
  if (request->response().empty()) return ToGrpcStatus(InvalidField("response", "is required"));
  if (request->response().size() > 4000) {
    return ToGrpcStatus(InvalidField("response", "is at most 4000 bytes"));
  }
  const Principal& principal = scope.principal();
  const RequestKey key =
      RequestKeyFor(scope, "RespondSupervisionOrder", *request, request->request_id());
  const absl::Time now = clock_->Now();
  auto responded = store_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<OrderRecord> {
        auto order = store_->GetOrder(tx, request->order_id());
        if (!order.ok()) return order.status();
        // A unit's staff read their own unit's orders only; to others the order does not exist.
        if (!ReadsEveryCase(principal) && principal.unit_id != order->unit_id) {
          return absl::NotFoundError("no such supervision order");
        }
        if (absl::Status s = CheckOrderVisible(tx, *order, principal); !s.ok()) return s;
        // Whoever reads it, an official of another unit does not answer for this one.
        if (!MayActFor(principal, {order->unit_id})) {
          return absl::PermissionDeniedError(
              "the order is addressed to another unit: its own officials respond to it");
        }
        if (request->request_id().size() > 128) {
          return InvalidField("requestId", "is at most 128 characters");
        }
        return store_->RespondOrder(tx, request->order_id(), request->response(), now, key);
      },
      TxOptionsFor(*context));
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
  const RequestKey key =
      RequestKeyFor(scope, "CloseSupervisionOrder", *request, request->request_id());
  const absl::Time now = clock_->Now();
  auto closed = store_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<OrderRecord> {
        auto order = store_->GetOrder(tx, request->order_id());
        if (!order.ok()) return order.status();
        if (absl::Status s = CheckOrderVisible(tx, *order, scope.principal()); !s.ok()) return s;
        return store_->CloseOrder(tx, request->order_id(), request->note(), now, key);
      },
      TxOptionsFor(*context));
  if (!closed.ok()) return ToGrpcStatus(closed.status());
  FillOrder(*closed, response);
  return grpc::Status::OK;
}

absl::Status SupervisionService::LeaderNotAccused(pqxx::transaction_base& tx,
                                                  const std::string& case_id,
                                                  const std::string& leader_id,
                                                  const absl::StatusOr<std::string>& leader_unit) {
  if (leader_id.empty()) return absl::OkStatus();
  auto units = store_->UnitsOfCase(tx, case_id);
  if (!units.ok()) return units.status();
  if (units->reported.empty()) return absl::OkStatus();
  if (absl::IsNotFound(leader_unit.status())) return absl::OkStatus();  // no unit, nothing reported
  if (!leader_unit.ok()) return leader_unit.status();
  if (ReportsUnit(*units, *leader_unit)) {
    return InvalidField("leaderId",
                        "is an official of a unit this case reports: they cannot take charge of "
                        "it (A30)");
  }
  return absl::OkStatus();
}

namespace {

// All six duties, in their order; those not marked yet are not done.
void FillResponsibility(const std::string& case_id,
                        const std::pair<std::string, std::vector<DutyRecord>>& duties,
                        v1::Responsibility* response) {
  response->set_case_id(case_id);
  response->set_leader_id(duties.first);
  for (std::string_view name : kSixDuties) {
    auto* out = response->add_duties();
    out->set_duty(std::string(name));
    for (const DutyRecord& d : duties.second) {
      if (d.duty != name) continue;
      out->set_done(d.done);
      out->set_note(d.note);
      out->set_marked_by(d.marked_by);
      *out->mutable_marked_at() = ToProtoTimestamp(d.marked_at);
    }
  }
}

}  // namespace

grpc::Status SupervisionService::GetResponsibility(grpc::ServerContext* context,
                                                   const v1::GetResponsibilityRequest* request,
                                                   v1::Responsibility* response) {
  RequestScope scope(*context);
  auto duties = store_->pool()->Read(
      [&](pqxx::transaction_base& tx)
          -> absl::StatusOr<std::pair<std::string, std::vector<DutyRecord>>> {
        if (absl::Status s = CheckCaseVisible(tx, request->case_id(), scope.principal()); !s.ok()) {
          return s;
        }
        return store_->GetDuties(tx, request->case_id());
      },
      TxOptionsFor(*context));
  if (!duties.ok()) return ToGrpcStatus(duties.status());
  FillResponsibility(request->case_id(), *duties, response);
  return grpc::Status::OK;
}

grpc::Status SupervisionService::PutResponsibility(grpc::ServerContext* context,
                                                   const v1::Responsibility* request,
                                                   v1::Responsibility* response) {
  RequestScope scope(*context);
  // A30 needs the leader's unit, which scheduling's directory knows: asked
  // before the transaction (whether the case reports any unit is read in it).
  absl::StatusOr<std::string> leader_unit = std::string();
  if (!request->leader_id().empty() && request->leader_id().size() <= 64) {
    leader_unit = directory_ == nullptr
                      ? absl::UnavailableError("scheduling's directory is not configured")
                      : directory_->OfficialUnit(request->leader_id());
  }
  std::vector<DutyMark> marks;
  for (const auto& d : request->duties()) marks.push_back({d.duty(), d.done(), d.note()});
  const absl::Time now = clock_->Now();
  std::vector<DutyRecord> records;
  for (const DutyMark& m : marks) {
    records.push_back({m.duty, m.done, m.note, scope.principal().subject, now});
  }
  const RequestKey key = RequestKeyFor(scope, "PutResponsibility", *request, request->request_id());
  // The marks and the duties as they then stand, in one transaction.
  auto duties = store_->pool()->Transact(
      [&](pqxx::transaction_base& tx)
          -> absl::StatusOr<std::pair<std::string, std::vector<DutyRecord>>> {
        if (absl::Status s = CheckCaseVisible(tx, request->case_id(), scope.principal()); !s.ok()) {
          return s;
        }
        if (request->leader_id().size() > 64) {
          return InvalidField("leaderId", "is at most 64 characters");
        }
        if (absl::Status s =
                LeaderNotAccused(tx, request->case_id(), request->leader_id(), leader_unit);
            !s.ok()) {
          return s;
        }
        if (absl::Status s = ValidateDutyMarks(marks); !s.ok()) return s;
        if (request->request_id().size() > 128) {
          return InvalidField("requestId", "is at most 128 characters");
        }
        if (absl::Status s =
                store_->PutDuties(tx, request->case_id(), request->leader_id(), records, key);
            !s.ok()) {
          return s;
        }
        return store_->GetDuties(tx, request->case_id());
      },
      TxOptionsFor(*context));
  if (!duties.ok()) return ToGrpcStatus(duties.status());
  FillResponsibility(request->case_id(), *duties, response);
  return grpc::Status::OK;
}

}  // namespace petition::supervision
