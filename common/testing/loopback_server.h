// A gRPC server for tests: insecure, on 127.0.0.1 at a port the kernel picks
// (port 0, so no other test can take the port between choosing and binding),
// serving the services given; and channels to it.
#ifndef PETITION_COMMON_TESTING_LOOPBACK_SERVER_H_
#define PETITION_COMMON_TESTING_LOOPBACK_SERVER_H_

#include <memory>

#include "grpcpp/channel.h"
#include "grpcpp/server.h"

namespace petition::testing {

class LoopbackServer {
 public:
  // Null when the server did not start.
  static std::unique_ptr<LoopbackServer> Start(grpc::Service* service);
  ~LoopbackServer() { Shutdown(); }

  int port() const { return port_; }
  std::shared_ptr<grpc::Channel> NewChannel() const;
  void Shutdown();

 private:
  LoopbackServer() = default;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace petition::testing

#endif  // PETITION_COMMON_TESTING_LOOPBACK_SERVER_H_
