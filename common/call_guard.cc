#include "common/call_guard.h"

#include <iterator>
#include <string_view>
#include <utility>

#include "absl/time/clock.h"
#include "common/log.h"
#include "common/request_context.h"
#include "grpc/slice.h"

namespace petition {
namespace {

std::string_view View(const grpc_slice& slice) {
  return std::string_view(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(slice)),
                          GRPC_SLICE_LENGTH(slice));
}

// The metadata the guard reads from a call; a key sent twice is refused (which
// of the two would a handler believe?).
struct CallMetadata {
  std::string path;
  std::string proof;
  CallClaims claims;
  bool repeated = false;
};

CallMetadata Collect(const grpc_metadata* md, size_t num_md) {
  CallMetadata out;
  const std::pair<std::string_view, std::string*> slots[] = {
      {":path", &out.path},
      {kProofHeader, &out.proof},
      {kSubjectHeader, &out.claims.subject},
      {kRolesHeader, &out.claims.roles},
      {kUnitHeader, &out.claims.unit_id},
      {kRequestIdHeader, &out.claims.request_id},
  };
  bool seen[std::size(slots)] = {};
  for (size_t i = 0; i < num_md; ++i) {
    const std::string_view key = View(md[i].key);
    for (size_t slot = 0; slot < std::size(slots); ++slot) {
      if (key != slots[slot].first) continue;
      if (seen[slot]) out.repeated = true;
      seen[slot] = true;
      *slots[slot].second = std::string(View(md[i].value));
    }
  }
  return out;
}

grpc_status_code ToCode(absl::StatusCode code) { return static_cast<grpc_status_code>(code); }

// An insecure port whose calls go through `state`'s processor. (The C++
// InsecureServerCredentials refuses a processor; the C core takes one.)
class GuardedInsecureCredentials : public grpc::ServerCredentials {
 public:
  explicit GuardedInsecureCredentials(grpc_auth_metadata_processor processor)
      : processor_(processor) {}
  void SetAuthMetadataProcessor(const std::shared_ptr<grpc::AuthMetadataProcessor>&) override {}

 private:
  int AddPortToServer(const std::string& addr, grpc_server* server) override {
    grpc_server_credentials* creds = grpc_insecure_server_credentials_create();
    grpc_server_credentials_set_auth_metadata_processor(creds, processor_);
    int port = grpc_server_add_http2_port(server, addr.c_str(), creds);
    grpc_server_credentials_release(creds);
    return port;
  }
  grpc_auth_metadata_processor processor_;
};

}  // namespace

CallGuard::~CallGuard() { delete policy_.exchange(nullptr); }

void CallGuard::SetPolicy(AccessPolicy policy) {
  delete policy_.exchange(new AccessPolicy(std::move(policy)));
}

void CallGuard::CountRefusals(prometheus::Registry& registry) {
  auto& family = prometheus::BuildCounter()
                     .Name("petition_grpc_calls_refused_total")
                     .Help("gRPC calls the call guard refused before any handler, by status code.")
                     .Register(registry);
  unauthenticated_ = &family.Add({{"grpc_code", "UNAUTHENTICATED"}});
  permission_denied_ = &family.Add({{"grpc_code", "PERMISSION_DENIED"}});
  other_refusals_ = &family.Add({{"grpc_code", "OTHER"}});
}

void CallGuard::CountRefusal(absl::StatusCode code) {
  prometheus::Counter* counter = code == absl::StatusCode::kUnauthenticated    ? unauthenticated_
                                 : code == absl::StatusCode::kPermissionDenied ? permission_denied_
                                                                               : other_refusals_;
  if (counter != nullptr) counter->Increment();
}

std::shared_ptr<grpc::ServerCredentials> CallGuard::ServerCredentials() {
  return std::make_shared<GuardedInsecureCredentials>(
      grpc_auth_metadata_processor{&CallGuard::Process, nullptr, this});
}

void CallGuard::Process(void* state, grpc_auth_context* context, const grpc_metadata* md,
                        size_t num_md, grpc_process_auth_metadata_done_cb cb, void* user_data) {
  auto* guard = static_cast<CallGuard*>(state);
  auto refuse = [&](const absl::Status& status) {
    guard->CountRefusal(status.code());
    log::Debug("call refused", {{"code", std::to_string(static_cast<int>(status.code()))},
                                {"reason", std::string(status.message())}});
    const std::string message(status.message());
    cb(user_data, nullptr, 0, nullptr, 0, ToCode(status.code()), message.c_str());
  };
  CallMetadata call = Collect(md, num_md);
  if (AccessPolicy::IsOpenMethod(call.path)) {
    cb(user_data, nullptr, 0, nullptr, 0, GRPC_STATUS_OK, nullptr);
    return;
  }
  if (call.repeated) {
    return refuse(absl::UnauthenticatedError("the call repeats a metadata key the proof binds"));
  }
  absl::StatusOr<std::string> caller =
      guard->key_.Verify(call.proof, call.path, call.claims, absl::Now());
  if (!caller.ok()) return refuse(caller.status());
  const AccessPolicy* policy = guard->policy_.load(std::memory_order_acquire);
  if (policy == nullptr) return refuse(absl::UnavailableError("the service is starting"));
  const MethodAccess* access = policy->Find(call.path);
  if (access == nullptr) return refuse(absl::UnimplementedError("no such method"));
  const Principal principal = PrincipalFor(*caller, call.claims);
  if (absl::Status s = AccessPolicy::Authorize(*access, *caller, principal); !s.ok()) {
    return refuse(s);
  }
  cb(user_data, nullptr, 0, nullptr, 0, GRPC_STATUS_OK, nullptr);
}

}  // namespace petition
