// Prometheus metrics: one exposer per process on its own port, one registry,
// and a gRPC server interceptor that records
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method} (histogram)
#ifndef PETITION_COMMON_METRICS_H_
#define PETITION_COMMON_METRICS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
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

  // Records one finished RPC.
  void RecordRpc(const std::string& service, const std::string& method, const std::string& code,
                 double seconds);

  // For grpc::ServerBuilder::experimental().SetInterceptorCreators().
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

 private:
  Metrics() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* handled_ = nullptr;
  prometheus::Family<prometheus::Histogram>* handling_ = nullptr;
  int port_ = 0;
};

// Splits "/petition.intake.v1.Intake/RegisterCase" into service and method.
std::pair<std::string, std::string> SplitGrpcMethod(const std::string& full_method);

}  // namespace petition

#endif  // PETITION_COMMON_METRICS_H_
