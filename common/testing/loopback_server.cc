#include "common/testing/loopback_server.h"

#include <string>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace petition::testing {

std::unique_ptr<LoopbackServer> LoopbackServer::Start(grpc::Service* service) {
  std::unique_ptr<LoopbackServer> server(new LoopbackServer());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(service);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ <= 0) return nullptr;
  return server;
}

std::shared_ptr<grpc::Channel> LoopbackServer::NewChannel() const {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                             grpc::InsecureChannelCredentials());
}

void LoopbackServer::Shutdown() {
  if (server_ != nullptr) server_->Shutdown();
}

}  // namespace petition::testing
