#include "common/metrics.h"

#include <chrono>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/process_metrics.h"
#include "common/status.h"
#include "prometheus/gauge.h"

namespace petition {
namespace {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* kBuckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *kBuckets;
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(grpc::experimental::ServerRpcInfo* info, Metrics* metrics)
      : handles_(&metrics->ForMethod(info->method() ? info->method() : "")),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      handles_->Record(static_cast<absl::StatusCode>(status.error_code()), seconds);
    }
    methods->Proceed();
  }

 private:
  Metrics::MethodMetrics* handles_;
  std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(Metrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info, metrics_);
  }

 private:
  Metrics* metrics_;
};

}  // namespace

std::pair<std::string, std::string> SplitGrpcMethod(const std::string& full_method) {
  // "/pkg.Service/Method"
  std::string_view m = full_method;
  if (!m.empty() && m.front() == '/') m.remove_prefix(1);
  size_t slash = m.find('/');
  if (slash == std::string_view::npos) return {std::string(m), ""};
  return {std::string(m.substr(0, slash)), std::string(m.substr(slash + 1))};
}

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(const std::string& host, int port) {
  auto metrics = std::unique_ptr<Metrics>(new Metrics());
  metrics->registry_ = std::make_shared<prometheus::Registry>();
  try {
    metrics->exposer_ =
        std::make_unique<prometheus::Exposer>(absl::StrCat(host, ":", port), /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", host, ":", port, ": ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  metrics->process_ = std::make_shared<ProcessCollector>();
  metrics->exposer_->RegisterCollectable(metrics->process_);
  auto ports = metrics->exposer_->GetListeningPorts();
  metrics->port_ = ports.empty() ? port : ports.front();
  metrics->handled_ = &prometheus::BuildCounter()
                           .Name("grpc_server_handled_total")
                           .Help("RPCs completed on the server, by method and status code.")
                           .Register(*metrics->registry_);
  metrics->handling_ = &prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Time to handle an RPC on the server, by method.")
                            .Register(*metrics->registry_);
  prometheus::BuildGauge()
      .Name("petition_build_info")
      .Help("Always 1: the version and source revision this process was built from.")
      .Register(*metrics->registry_)
      .Add({{"version", BuildVersion()}, {"revision", BuildRevision()}})
      .Set(1);
  return metrics;
}

Metrics::~Metrics() = default;

Metrics::MethodMetrics::MethodMetrics(Metrics* metrics, std::string service, std::string method)
    : metrics_(metrics),
      service_(std::move(service)),
      method_(std::move(method)),
      seconds_(&metrics->handling_->Add({{"grpc_service", service_}, {"grpc_method", method_}},
                                        LatencyBuckets())) {}

void Metrics::MethodMetrics::Record(absl::StatusCode code, double seconds) {
  seconds_->Observe(seconds);
  const std::size_t index =
      static_cast<std::size_t>(code) < 17 ? static_cast<std::size_t>(code) : 2;  // UNKNOWN
  absl::MutexLock lock(&mu_);
  prometheus::Counter*& counter = by_code_[index];
  if (counter == nullptr) {
    counter = &metrics_->handled_->Add(
        {{"grpc_service", service_},
         {"grpc_method", method_},
         {"grpc_code", std::string(CanonicalCodeName(static_cast<absl::StatusCode>(index)))}});
  }
  counter->Increment();
}

Metrics::MethodMetrics& Metrics::ForMethod(const std::string& full_method) {
  {
    absl::ReaderMutexLock lock(&methods_mu_);
    if (auto it = methods_.find(full_method); it != methods_.end()) return *it->second;
  }
  absl::MutexLock lock(&methods_mu_);
  std::unique_ptr<MethodMetrics>& slot = methods_[full_method];
  if (slot == nullptr) {
    auto [service, method] = SplitGrpcMethod(full_method);
    slot = std::make_unique<MethodMetrics>(this, std::move(service), std::move(method));
  }
  return *slot;
}

void Metrics::Register(const std::shared_ptr<prometheus::Collectable>& collectable) {
  exposer_->RegisterCollectable(collectable);
}

void Metrics::Unregister(const std::shared_ptr<prometheus::Collectable>& collectable) {
  exposer_->RemoveCollectable(collectable);
}

void Metrics::RecordRpc(const std::string& service, const std::string& method,
                        const std::string& code, double seconds) {
  handled_->Add({{"grpc_service", service}, {"grpc_method", method}, {"grpc_code", code}})
      .Increment();
  handling_->Add({{"grpc_service", service}, {"grpc_method", method}}, LatencyBuckets())
      .Observe(seconds);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
Metrics::InterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

}  // namespace petition
