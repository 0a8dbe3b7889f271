// The one place a service decides whether to take a call: before any handler
// runs, every call but health checks and reflection must carry a valid proof
// of its caller (common/call_proof.h) for exactly its method, and the caller
// (and, from the gateway, the principal's roles) must be allowed by the
// method's rule (common/access_policy.h). Otherwise the call ends with
// UNAUTHENTICATED (no valid proof), PERMISSION_DENIED (a proven caller the
// rule does not allow) or UNIMPLEMENTED (a method the service does not have).
//
// Why not a gRPC server interceptor: in gRPC 1.51 a server interceptor cannot
// end a call before its handler runs. The guard is an auth metadata processor
// on the listening port instead (gRPC runs it on the call's metadata before
// the call reaches the server). A handler therefore only ever sees metadata
// the guard has verified; RequestScope (common/request_context.h) takes the
// principal from it only when the proven caller is the gateway, and refuses
// repeated keys as the guard does. (The auth context cannot carry the
// verified principal: gRPC shares one per connection, not per call.)
#ifndef PETITION_COMMON_CALL_GUARD_H_
#define PETITION_COMMON_CALL_GUARD_H_

#include <atomic>
#include <memory>
#include <string>

#include "common/access_policy.h"
#include "common/call_proof.h"
#include "grpc/grpc_security.h"
#include "grpcpp/security/server_credentials.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace petition {

class CallGuard {
 public:
  explicit CallGuard(CallKey key) : key_(std::move(key)) {}
  ~CallGuard();
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;

  // Set once, before the server starts; until then every guarded call is
  // refused (UNAVAILABLE).
  void SetPolicy(AccessPolicy policy);

  // Before the server starts: count refused calls in `registry` as
  // petition_grpc_calls_refused_total{grpc_code} (refused calls never reach
  // the handlers, nor grpc_server_handled_total).
  void CountRefusals(prometheus::Registry& registry);

  // Insecure transport whose calls pass through this guard. The guard must
  // outlive every server listening with them.
  std::shared_ptr<grpc::ServerCredentials> ServerCredentials();

 private:
  static void Process(void* state, grpc_auth_context* context, const grpc_metadata* md,
                      size_t num_md, grpc_process_auth_metadata_done_cb cb, void* user_data);

  void CountRefusal(absl::StatusCode code);

  CallKey key_;
  std::atomic<const AccessPolicy*> policy_{nullptr};
  prometheus::Counter* unauthenticated_ = nullptr;
  prometheus::Counter* permission_denied_ = nullptr;
  prometheus::Counter* other_refusals_ = nullptr;
};

}  // namespace petition

#endif  // PETITION_COMMON_CALL_GUARD_H_
