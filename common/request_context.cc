#include "common/request_context.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "common/log.h"

namespace petition {
namespace {

std::string Metadata(const grpc::ServerContextBase& context, const char* key) {
  const auto& md = context.client_metadata();
  auto it = md.find(key);
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

bool Principal::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Principal::HasAnyRole(std::initializer_list<std::string_view> wanted) const {
  for (std::string_view r : wanted) {
    if (HasRole(r)) return true;
  }
  return false;
}

Principal PrincipalFor(std::string_view caller, const CallClaims& claims) {
  Principal principal;
  if (caller != kGatewayCaller) return principal;
  principal.subject = claims.subject;
  for (absl::string_view r : absl::StrSplit(claims.roles, ',', absl::SkipEmpty())) {
    principal.roles.emplace_back(r);
  }
  principal.unit_id = claims.unit_id;
  return principal;
}

RequestScope::RequestScope(const grpc::ServerContextBase& context)
    : request_id_(Metadata(context, kRequestIdHeader)),
      previous_request_id_(log::CurrentRequestId()) {
  // "v1.<caller>.<expiry>.<mac>", verified by the call guard.
  std::vector<std::string> proof = absl::StrSplit(Metadata(context, kProofHeader), '.');
  if (proof.size() == 4 && IsKnownCaller(proof[1])) caller_ = proof[1];
  CallClaims claims{Metadata(context, kSubjectHeader), Metadata(context, kRolesHeader),
                    Metadata(context, kUnitHeader), request_id_};
  principal_ = PrincipalFor(caller_, claims);
  if (request_id_.empty()) request_id_ = NewRequestId();
  log::SetCurrentRequestId(request_id_);
}

RequestScope::RequestScope(std::string request_id)
    : request_id_(std::move(request_id)), previous_request_id_(log::CurrentRequestId()) {
  if (request_id_.empty()) request_id_ = NewRequestId();
  log::SetCurrentRequestId(request_id_);
}

RequestScope::~RequestScope() { log::SetCurrentRequestId(previous_request_id_); }

void PropagateToClient(grpc::ClientContext& context, std::string_view request_id,
                       const Principal* principal) {
  if (!request_id.empty()) context.AddMetadata(kRequestIdHeader, std::string(request_id));
  if (principal == nullptr) return;
  if (!principal->subject.empty()) context.AddMetadata(kSubjectHeader, principal->subject);
  if (!principal->roles.empty()) {
    context.AddMetadata(kRolesHeader, absl::StrJoin(principal->roles, ","));
  }
  if (!principal->unit_id.empty()) context.AddMetadata(kUnitHeader, principal->unit_id);
}

std::string NewRequestId() { return HexEncode(RandomBytes(16)); }

}  // namespace petition
