// gRPC server bootstrap shared by every service: synchronous API with a
// bounded thread count, the call guard (common/call_guard.h: every call but
// health and reflection proven and allowed before a handler runs), the
// standard health service, server reflection when asked for, the metrics
// interceptor, and graceful shutdown.
#ifndef PETITION_COMMON_GRPC_SERVER_H_
#define PETITION_COMMON_GRPC_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/call_guard.h"
#include "common/call_proof.h"
#include "grpcpp/grpcpp.h"

namespace petition {

class Metrics;

// The health service name that is SERVING while the process runs, whatever
// its database (for liveness probes); "" and each service's own name follow
// readiness (SetServing).
inline constexpr char kLivenessService[] = "liveness";

struct GrpcServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  int max_threads = 16;
  std::vector<grpc::Service*> services;
  // The shared secret callers prove themselves with (required).
  std::optional<CallKey> call_key;
  // Server reflection (grpcurl and friends): off unless asked for.
  bool reflection = false;
  // Connections are closed (GOAWAY, in-flight calls finish) after this long,
  // so that clients re-resolve DNS and spread over new replicas.
  absl::Duration max_connection_age = absl::Minutes(1);
  Metrics* metrics = nullptr;  // optional
  // The largest request message (intake takes a case's material file in one).
  int max_receive_message_bytes = 4 << 20;
};

class GrpcServer {
 public:
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(const GrpcServerOptions& options);
  ~GrpcServer();

  int port() const { return port_; }
  // Marks the health status SERVING / NOT_SERVING for "" and every service
  // (not for kLivenessService).
  void SetServing(bool serving);
  // Stops accepting, lets in-flight calls finish until `grace`, then cancels;
  // returns when every handler has returned.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

 private:
  GrpcServer() = default;
  // Declared before the server: the server's port uses it until destroyed.
  std::unique_ptr<CallGuard> guard_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::string> service_names_;
  int port_ = 0;
  bool shut_down_ = false;
};

// Blocks SIGINT and SIGTERM in the calling thread (call first in main, before
// any thread starts, so every thread inherits the mask) ...
void BlockShutdownSignals();
// ... then waits for one of them. Returns the signal number.
int WaitForShutdownSignal();

// Writes "key=value" lines atomically (write to temp, rename): how tests that
// start the real binaries on port 0 learn the ports chosen.
absl::Status WritePortFile(const std::string& path,
                           const std::vector<std::pair<std::string, int>>& ports);

// A channel to another service: every call signed by `signer` (the calling
// process's identity, common/call_proof.h); round_robin over every address the
// target resolves to (a Kubernetes headless service: all replicas), DNS
// re-resolved when a connection closes; keepalive and a short reconnect backoff.
// `max_receive_message_bytes` > 0 raises the largest reply (gRPC's default:
// 4 MiB), for a caller that receives files (the gateway).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           std::shared_ptr<const CallSigner> signer,
                                           int max_receive_message_bytes = 0);

}  // namespace petition

#endif  // PETITION_COMMON_GRPC_SERVER_H_
