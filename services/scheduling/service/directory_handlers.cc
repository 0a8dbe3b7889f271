// The directory's handlers of SchedulingService (units and officials).
#include <string>

#include "absl/strings/escaping.h"
#include "common/call_deadline.h"
#include "common/migrations.h"
#include "common/request_context.h"
#include "common/status.h"
#include "services/scheduling/domain/directory.h"
#include "services/scheduling/service/paging.h"
#include "services/scheduling/service/request_fingerprint.h"
#include "services/scheduling/service/scheduling_service.h"

namespace petition::scheduling {

grpc::Status SchedulingService::CreateUnit(grpc::ServerContext* context,
                                           const v1::CreateUnitRequest* request,
                                           v1::Unit* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (absl::Status s = ValidateCreateUnit(*request); !s.ok()) return ToGrpcStatus(s);
  v1::Unit unit;
  unit.set_name(request->name());
  unit.set_kind(request->kind());
  unit.set_parent_id(request->parent_id());
  unit.set_location(request->location());
  if (request->has_duty_hours()) *unit.mutable_duty_hours() = request->duty_hours();
  unit.set_leader_in_charge_id(request->leader_in_charge_id());
  unit.set_principal_leader_id(request->principal_leader_id());
  auto created = directory_->CreateUnit(
      unit, {RequestSubject(scope), request->request_id(), RequestFingerprint(*request)},
      TxOptionsFor(*context));
  if (!created.ok()) return ToGrpcStatus(created.status());
  *response = std::move(*created);
  return grpc::Status::OK;
}

namespace {

grpc::Status SetUnitLeader(DirectoryStore& directory, grpc::ServerContext& context,
                           const std::string& unit_id, UnitLeader leader,
                           const std::string& official_id, v1::Unit* response) {
  RequestScope scope(context);  // roles: the call guard, from the method's http option
  if (official_id.size() > 128) {
    return ToGrpcStatus(
        InvalidField(leader == UnitLeader::kPrincipal ? "principalLeaderId" : "leaderInChargeId",
                     "must be at most 128 characters"));
  }
  auto unit = directory.SetLeader(unit_id, leader, official_id, TxOptionsFor(context));
  if (!unit.ok()) return ToGrpcStatus(unit.status());
  *response = std::move(*unit);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status SchedulingService::SetLeaderInCharge(grpc::ServerContext* context,
                                                  const v1::SetLeaderInChargeRequest* request,
                                                  v1::Unit* response) {
  return SetUnitLeader(*directory_, *context, request->unit_id(), UnitLeader::kLeaderInCharge,
                       request->leader_in_charge_id(), response);
}

grpc::Status SchedulingService::SetPrincipalLeader(grpc::ServerContext* context,
                                                   const v1::SetPrincipalLeaderRequest* request,
                                                   v1::Unit* response) {
  return SetUnitLeader(*directory_, *context, request->unit_id(), UnitLeader::kPrincipal,
                       request->principal_leader_id(), response);
}

grpc::Status SchedulingService::GetUnit(grpc::ServerContext* context,
                                        const v1::GetUnitRequest* request, v1::Unit* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  auto unit = directory_->GetUnit(request->unit_id(), TxOptionsFor(*context));
  if (!unit.ok()) return ToGrpcStatus(unit.status());
  *response = std::move(*unit);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::ListUnits(grpc::ServerContext* context,
                                          const v1::ListUnitsRequest* request,
                                          v1::ListUnitsResponse* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (!v1::UnitKind_IsValid(request->kind())) {
    return ToGrpcStatus(InvalidField("kind", "must be TOWNSHIP, DEPARTMENT or VILLAGE"));
  }
  auto page = ParsePage(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  auto units =
      directory_->ListUnits(request->kind(), request->parent_id(), *page, TxOptionsFor(*context));
  if (!units.ok()) return ToGrpcStatus(units.status());
  response->set_next_page_token(
      NextPageToken(*units, *page, [](const v1::Unit& u) { return u.unit_id(); }));
  for (v1::Unit& u : *units) *response->add_units() = std::move(u);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::CreateOfficial(grpc::ServerContext* context,
                                               const v1::CreateOfficialRequest* request,
                                               v1::Official* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (absl::Status s = ValidateCreateOfficial(*request); !s.ok()) return ToGrpcStatus(s);
  v1::Official official;
  official.set_name(request->name());
  official.set_unit_id(request->unit_id());
  official.set_position(request->position());
  official.set_rank(request->rank());
  auto created = directory_->CreateOfficial(
      official, {RequestSubject(scope), request->request_id(), RequestFingerprint(*request)},
      TxOptionsFor(*context));
  if (!created.ok()) return ToGrpcStatus(created.status());
  *response = std::move(*created);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::GetOfficial(grpc::ServerContext* context,
                                            const v1::GetOfficialRequest* request,
                                            v1::Official* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  auto official = directory_->GetOfficial(request->official_id(), TxOptionsFor(*context));
  if (!official.ok()) return ToGrpcStatus(official.status());
  *response = std::move(*official);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::ListOfficials(grpc::ServerContext* context,
                                              const v1::ListOfficialsRequest* request,
                                              v1::ListOfficialsResponse* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  auto page = ParsePage(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  auto officials = directory_->ListOfficials(request->unit_id(), *page, TxOptionsFor(*context));
  if (!officials.ok()) return ToGrpcStatus(officials.status());
  response->set_next_page_token(
      NextPageToken(*officials, *page, [](const v1::Official& o) { return o.official_id(); }));
  for (v1::Official& o : *officials) *response->add_officials() = std::move(o);
  return grpc::Status::OK;
}

}  // namespace petition::scheduling
