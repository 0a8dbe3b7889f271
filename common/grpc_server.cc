#include "common/grpc_server.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metrics.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/impl/server_initializer.h"
#include "grpcpp/resource_quota.h"

namespace petition {
namespace {

// Reads the access rules of the services registered with the builder, once
// they are all known and before the server starts taking calls.
class AccessPolicyPlugin : public grpc::ServerBuilderPlugin {
 public:
  AccessPolicyPlugin(CallGuard* guard, absl::Status* status, std::vector<std::string>* names)
      : guard_(guard), status_(status), names_(names) {}
  std::string name() override { return "petition_access_policy"; }
  void InitServer(grpc::ServerInitializer* si) override {
    *names_ = *si->GetServiceList();
    absl::StatusOr<AccessPolicy> policy = AccessPolicy::ForServices(*names_);
    if (!policy.ok()) {
      *status_ = policy.status();
      return;
    }
    guard_->SetPolicy(*std::move(policy));
  }
  void Finish(grpc::ServerInitializer*) override {}
  void ChangeArguments(const std::string&, void*) override {}

 private:
  CallGuard* guard_;
  absl::Status* status_;
  std::vector<std::string>* names_;
};

// Adds the access policy plugin; drops server reflection unless asked for
// (linking gRPC's reflection library registers it for every server).
class PluginsOption : public grpc::ServerBuilderOption {
 public:
  PluginsOption(CallGuard* guard, absl::Status* status, std::vector<std::string>* names,
                bool reflection)
      : guard_(guard), status_(status), names_(names), reflection_(reflection) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    if (!reflection_) {
      plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                    [](const std::unique_ptr<grpc::ServerBuilderPlugin>& p) {
                                      return p->name() == "proto_server_reflection";
                                    }),
                     plugins->end());
    }
    plugins->push_back(std::make_unique<AccessPolicyPlugin>(guard_, status_, names_));
  }

 private:
  CallGuard* guard_;
  absl::Status* status_;
  std::vector<std::string>* names_;
  bool reflection_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(const GrpcServerOptions& options) {
  if (!options.call_key.has_value()) {
    return absl::InvalidArgumentError("a gRPC server needs the internal secret to check callers");
  }
  grpc::EnableDefaultHealthCheckService(true);
  if (options.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  auto server = std::unique_ptr<GrpcServer>(new GrpcServer());
  server->guard_ = std::make_unique<CallGuard>(*options.call_key);
  if (options.metrics != nullptr) server->guard_->CountRefusals(options.metrics->registry());
  absl::Status policy_status;
  grpc::ServerBuilder builder;
  builder.SetOption(std::make_unique<PluginsOption>(server->guard_.get(), &policy_status,
                                                    &server->service_names_, options.reflection));
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_AGE_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.max_connection_age)));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30000);
  // Synchronous handlers on a bounded number of threads: database calls block
  // those threads, never gRPC's own completion-queue pollers beyond this bound.
  grpc::ResourceQuota quota("petition-grpc");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  // One completion queue; and let handler threads stay as pollers when a
  // call ends (up to the thread bound) instead of exiting: with the default
  // of two pollers, every burst of calls cloned and killed threads.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options.max_threads);
  builder.AddListeningPort(absl::StrCat(options.host, ":", options.port),
                           server->guard_->ServerCredentials(), &server->port_);
  for (grpc::Service* service : options.services) builder.RegisterService(service);
  if (options.metrics != nullptr) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(options.metrics->InterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  server->server_ = builder.BuildAndStart();
  if (!policy_status.ok()) return policy_status;  // ~GrpcServer stops what started
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for gRPC on ", options.host, ":", options.port));
  }
  if (auto* health = server->server_->GetHealthCheckService()) {
    health->SetServingStatus(kLivenessService, true);
  }
  return server;
}

GrpcServer::~GrpcServer() { Shutdown(absl::ZeroDuration()); }

void GrpcServer::SetServing(bool serving) {
  if (server_ == nullptr) return;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  for (const std::string& name : service_names_) health->SetServingStatus(name, serving);
}

void GrpcServer::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  SetServing(false);
  if (auto* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(kLivenessService, false);
  }
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(absl::ToInt64Milliseconds(grace)));
  server_->Wait();
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

absl::Status WritePortFile(const std::string& path,
                           const std::vector<std::pair<std::string, int>>& ports) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& [name, port] : ports) out << name << "=" << port << "\n";
    if (!out.good()) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           std::shared_ptr<const CallSigner> signer,
                                           int max_receive_message_bytes) {
  grpc::ChannelArguments args;
  if (max_receive_message_bytes > 0) args.SetMaxReceiveMessageSize(max_receive_message_bytes);
  args.SetLoadBalancingPolicyName("round_robin");
  // DNS is asked again whenever a connection closes (a replica went away, or
  // the server's max connection age), at most this often.
  args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS, 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  // Reconnect quickly after a peer restarts (the default backoff reaches 120 s).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(SigningInterceptorFactory(std::move(signer)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, grpc::InsecureChannelCredentials(), args, std::move(interceptors));
}

}  // namespace petition
