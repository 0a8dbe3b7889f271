// An HTTP/1.1 server on Boost.Beast: asynchronous, keep-alive, a fixed number
// of io_context threads, no thread per connection or request. Each request is
// handed to an HttpHandler; its answer is written back on the connection's
// strand whenever (and from whichever thread) it comes.
#ifndef PETITION_SERVICES_GATEWAY_HTTP_SERVER_H_
#define PETITION_SERVICES_GATEWAY_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/gateway/http_handler.h"

namespace petition::gateway {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port, see HttpServer::port()
  int threads = 2;
  std::size_t max_body_bytes = 1 << 20;  // larger: 413 RESOURCE_EXHAUSTED
  absl::Duration read_timeout = absl::Seconds(15);
};

class HttpServer {
 public:
  // Binds, listens and starts the threads. `handler` must outlive the server.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                           HttpHandler* handler);
  // Stops (see Stop) if still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;

  // Stops accepting, closes idle connections, lets requests in flight finish
  // until `grace` has passed, then stops the threads. Responses that arrive
  // later are dropped. Idempotent.
  void Stop(absl::Duration grace = absl::Seconds(5));

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_HTTP_SERVER_H_
