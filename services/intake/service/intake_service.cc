#include "services/intake/service/intake_service.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "common/call_deadline.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/migrations.h"
#include "common/request_context.h"
#include "common/status.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/intake/domain/confidentiality.h"
#include "services/intake/domain/registration.h"

namespace petition::intake {
namespace {

// What makes two requests "the same" for AIP-155 retries: every field but
// the request id, serialised deterministically.
std::string RequestFingerprint(const v1::RegisterCaseRequest& request) {
  v1::RegisterCaseRequest copy = request;
  copy.clear_request_id();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(bytes);
}

petition::v1::CaseEvent RegisteredEvent(const v1::Case& c, const std::string& request_id) {
  petition::v1::CaseEvent event;
  event.set_event_id(NewId("evt"));
  event.set_case_id(c.case_id());
  event.set_sequence(1);
  *event.mutable_occurred_at() = NowTimestamp();
  event.set_request_id(request_id);
  petition::v1::CaseRegistered* r = event.mutable_registered();
  r->set_channel(v1::Channel_Name(c.channel()));
  r->set_category(v1::Category_Name(c.category()));
  r->set_urgent(c.urgent());
  r->set_source(v1::CaseSource_Name(c.source()));
  *r->mutable_received_at() = c.received_at();
  *r->mutable_handling_unit_ids() = c.handling_unit_ids();
  *r->mutable_reported_unit_ids() = c.reported_unit_ids();
  return event;
}

}  // namespace

grpc::Status IntakeService::RegisterCase(grpc::ServerContext* context,
                                         const v1::RegisterCaseRequest* request,
                                         v1::Case* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "must be at most 128 characters"));
  }
  const Principal& principal = scope.principal();
  auto c = BuildRegisteredCase(*request, Registrar{principal.subject, principal.HasRole("clerk")},
                               absl::Now(), zone_, limits_);
  if (!c.ok()) return ToGrpcStatus(c.status());
  c->set_case_id(NewId("case"));
  c->set_query_code(NewQueryCode());
  RegisterCall call;
  call.caller = &principal;
  call.call_request_id = scope.request_id();
  call.request_id = request->request_id();
  call.request_sha256 = request->request_id().empty() ? "" : RequestFingerprint(*request);
  // A retry is answered as a read of the first case: the same rules, audited.
  call.reveal = [&](const v1::Case& first) {
    return MayReadCase(principal, first) && MaySeeIdentity(principal, first);
  };
  auto result =
      store_->Register(*c, call, RegisteredEvent(*c, scope.request_id()), TxOptionsFor(*context));
  if (!result.ok()) return ToGrpcStatus(result.status());
  if (result->created && relay_ != nullptr) relay_->Wake();
  if (!result->created && !result->identity_revealed) MaskIdentity(result->stored);
  *response = std::move(result->stored);
  return grpc::Status::OK;
}

grpc::Status IntakeService::GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request,
                                    v1::Case* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  const Principal& principal = scope.principal();
  auto c = store_->Get(
      request->case_id(), principal, scope.request_id(),
      [&](const v1::Case& c) { return MayReadCase(principal, c) && MaySeeIdentity(principal, c); },
      TxOptionsFor(*context));
  if (!c.ok()) return ToGrpcStatus(c.status());
  if (!MayReadCase(principal, *c)) {
    // Not "permission denied": a unit must not learn which cases exist.
    return ToGrpcStatus(absl::NotFoundError("no such case"));
  }
  if (!MaySeeIdentity(principal, *c)) MaskIdentity(*c);
  *response = *std::move(c);
  return grpc::Status::OK;
}

}  // namespace petition::intake
