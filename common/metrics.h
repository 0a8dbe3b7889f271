// Prometheus metrics: one exposer per process on its own port, one registry,
// and a gRPC server interceptor that records
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method} (histogram)
// and, for every process, the process_* metrics and petition_build_info (process_metrics.h).
#ifndef PETITION_COMMON_METRICS_H_
#define PETITION_COMMON_METRICS_H_

#include <array>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/server_interceptor.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace petition {

class Metrics {
 public:
  // Listens on host:port ("0" picks a free port, see port()).
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(const std::string& host, int port);
  ~Metrics();

  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  int port() const { return port_; }

  // The handles of one method ("/pkg.Service/Method"), made on its first
  // call and kept: an RPC costs one map lookup, not a label map and bucket
  // vector per Family::Add.
  class MethodMetrics {
   public:
    MethodMetrics(Metrics* metrics, std::string service, std::string method);
    void Record(absl::StatusCode code, double seconds);

   private:
    Metrics* metrics_;
    std::string service_;
    std::string method_;
    prometheus::Histogram* seconds_;
    absl::Mutex mu_;
    std::array<prometheus::Counter*, 17> by_code_ ABSL_GUARDED_BY(mu_) = {};
  };
  MethodMetrics& ForMethod(const std::string& full_method);

  // Adds a collectable to what /metrics serves, until Unregister (which must come before
  // anything the collectable reads is destroyed).
  void Register(const std::shared_ptr<prometheus::Collectable>& collectable);
  void Unregister(const std::shared_ptr<prometheus::Collectable>& collectable);

  // Records one finished RPC.
  void RecordRpc(const std::string& service, const std::string& method, const std::string& code,
                 double seconds);

  // For grpc::ServerBuilder::experimental().SetInterceptorCreators().
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

 private:
  Metrics() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<prometheus::Collectable> process_;
  prometheus::Family<prometheus::Counter>* handled_ = nullptr;
  prometheus::Family<prometheus::Histogram>* handling_ = nullptr;
  int port_ = 0;
  absl::Mutex methods_mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_
      ABSL_GUARDED_BY(methods_mu_);
};

// Splits "/petition.intake.v1.Intake/RegisterCase" into service and method.
std::pair<std::string, std::string> SplitGrpcMethod(const std::string& full_method);

}  // namespace petition

#endif  // PETITION_COMMON_METRICS_H_
