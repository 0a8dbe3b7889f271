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

RequestScope::RequestScope(const grpc::ServerContextBase& context)
    : request_id_(Metadata(context, kRequestIdHeader)),
      previous_request_id_(log::CurrentRequestId()) {
  if (request_id_.empty()) request_id_ = NewRequestId();
  principal_.subject = Metadata(context, kSubjectHeader);
  std::string roles = Metadata(context, kRolesHeader);
  for (absl::string_view r : absl::StrSplit(roles, ',', absl::SkipEmpty())) {
    principal_.roles.emplace_back(r);
  }
  principal_.unit_id = Metadata(context, kUnitHeader);
  log::SetCurrentRequestId(request_id_);
}

RequestScope::RequestScope(std::string request_id)
    : request_id_(std::move(request_id)), previous_request_id_(log::CurrentRequestId()) {
  if (request_id_.empty()) request_id_ = NewRequestId();
  log::SetCurrentRequestId(request_id_);
}

RequestScope::~RequestScope() { log::SetCurrentRequestId(previous_request_id_); }

absl::Status RequestScope::RequireAnyRole(std::initializer_list<std::string_view> roles) const {
  if (principal_.HasAnyRole(roles)) return absl::OkStatus();
  return absl::PermissionDeniedError("the caller's roles do not allow this operation");
}

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
