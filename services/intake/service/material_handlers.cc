// The petitioner's materials (UploadMaterial, ListMaterials, GetMaterial):
// the rules of domain/materials.h, the read rules of GetCase
// (domain/confidentiality.h), the store's sealing and audit.
#include "absl/strings/str_cat.h"
#include "common/call_deadline.h"
#include "common/ids.h"
#include "common/migrations.h"
#include "common/request_context.h"
#include "common/status.h"
#include "services/intake/domain/confidentiality.h"
#include "services/intake/domain/materials.h"
#include "services/intake/service/intake_service.h"

namespace petition::intake {
namespace {

// GetCase's rule: a case the caller may not read does not exist for them
// (a reported unit must not learn that a report exists).
absl::Status MayReadMaterials(const Principal& principal, const v1::Case& c) {
  if (!MayReadCase(principal, c)) return absl::NotFoundError("no such case");
  return absl::OkStatus();
}

}  // namespace

grpc::Status IntakeService::UploadMaterial(grpc::ServerContext* context,
                                           const v1::UploadMaterialRequest* request,
                                           v1::Material* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  const petition::v1::HttpBody& body = request->body();
  auto accepted = CheckMaterial(MaterialUpload{body.content_type(), body.file_name(), body.data()},
                                material_limits_);
  if (!accepted.ok()) return ToGrpcStatus(accepted.status());
  const Principal& principal = scope.principal();
  NewMaterial m;
  m.material_id = NewId("mat");
  m.file_name = accepted->file_name;
  m.media_type = accepted->media_type;
  m.sha256 = Sha256Hex(body.data());
  m.bytes = body.data();
  m.uploaded_by = principal.subject;
  auto stored = store_->AddMaterial(
      request->case_id(), m,
      [&](const v1::Case& c, int64_t stored_bytes) -> absl::Status {
        if (absl::Status s = MayReadMaterials(principal, c); !s.ok()) return s;
        return CheckCaseMaterialsTotal(stored_bytes, static_cast<int64_t>(body.data().size()),
                                       material_limits_);
      },
      TxOptionsFor(*context));
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  *response = *std::move(stored);
  return grpc::Status::OK;
}

grpc::Status IntakeService::ListMaterials(grpc::ServerContext* context,
                                          const v1::ListMaterialsRequest* request,
                                          v1::ListMaterialsResponse* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  const Principal& principal = scope.principal();
  auto materials = store_->Materials(
      request->case_id(), principal, scope.request_id(),
      [&](const v1::Case& c, int64_t) { return MayReadMaterials(principal, c); },
      TxOptionsFor(*context));
  if (!materials.ok()) return ToGrpcStatus(materials.status());
  for (v1::Material& m : *materials) *response->add_materials() = std::move(m);
  return grpc::Status::OK;
}

grpc::Status IntakeService::GetMaterial(grpc::ServerContext* context,
                                        const v1::GetMaterialRequest* request,
                                        petition::v1::HttpBody* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (!IsValidId(request->material_id(), "mat")) {
    return ToGrpcStatus(InvalidField("materialId", "is not a material id"));
  }
  const Principal& principal = scope.principal();
  auto material = store_->Material(
      request->case_id(), request->material_id(), principal, scope.request_id(),
      [&](const v1::Case& c, int64_t) { return MayReadMaterials(principal, c); },
      TxOptionsFor(*context));
  if (!material.ok()) return ToGrpcStatus(material.status());
  response->set_content_type(material->material.media_type());
  response->set_data(std::move(material->bytes));
  return grpc::Status::OK;
}

}  // namespace petition::intake
