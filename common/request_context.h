// What travels with a request between processes in gRPC metadata: the request
// id (x-request-id), the authenticated principal (x-petition-sub,
// x-petition-roles comma-separated, x-petition-unit) and the proof of who
// calls (x-petition-proof, common/call_proof.h). The gateway sets them;
// services read them in every handler through RequestScope, after their call
// guard (common/call_guard.h) has verified them.
#ifndef PETITION_COMMON_REQUEST_CONTEXT_H_
#define PETITION_COMMON_REQUEST_CONTEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/call_proof.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace petition {

inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kSubjectHeader[] = "x-petition-sub";
inline constexpr char kRolesHeader[] = "x-petition-roles";
inline constexpr char kUnitHeader[] = "x-petition-unit";

struct Principal {
  std::string subject;
  std::vector<std::string> roles;
  std::string unit_id;

  bool HasRole(std::string_view role) const;
  bool HasAnyRole(std::initializer_list<std::string_view> roles) const;
};

// The principal a proven `caller` acts for: the claims' principal when the
// caller is the gateway; none (empty) for a service, which calls as itself.
Principal PrincipalFor(std::string_view caller, const CallClaims& claims);

// Reads the request id, the proven caller and its principal from the server
// context and sets the thread's log request id for the scope's lifetime. The
// call guard refused the call before the handler ran unless the proof in its
// metadata is valid for exactly this method, principal and request id.
class RequestScope {
 public:
  explicit RequestScope(const grpc::ServerContextBase& context);
  // Background work (a relay delivering an event) that carries a request id.
  explicit RequestScope(std::string request_id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

  const std::string& request_id() const { return request_id_; }
  const Principal& principal() const { return principal_; }
  // "gateway" or the calling service's name; empty for background work.
  const std::string& caller() const { return caller_; }

 private:
  std::string request_id_;
  std::string caller_;
  Principal principal_;
  std::string previous_request_id_;
};

// Copies request id and principal onto an outgoing call (the channel's
// signing interceptor then proves them, see MakeChannel).
void PropagateToClient(grpc::ClientContext& context, std::string_view request_id,
                       const Principal* principal = nullptr);

// A fresh random request id (32 hex characters).
std::string NewRequestId();

}  // namespace petition

#endif  // PETITION_COMMON_REQUEST_CONTEXT_H_
