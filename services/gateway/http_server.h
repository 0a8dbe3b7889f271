// An HTTP/1.1 server on Boost.Beast: asynchronous, keep-alive, a fixed number
// of io_context threads, no thread per connection or request. Each request is
// handed to an HttpHandler; its answer is written back on the connection's
// strand whenever (and from whichever thread) it comes.
//
// Under a connection flood: at most `max_connections` connections are open.
// A new one over the cap makes room by closing the connection that has
// waited longest for its next request (a slow or idle client); when every
// connection has a request in flight, the new one is answered 503 and closed.
// When accept fails for want of file descriptors the server closes the
// longest-waiting connection and stops accepting for `accept_backoff`
// instead of retrying in a loop. A request's header must arrive within
// `header_timeout` however slowly it trickles (slow-loris); its body within
// `read_timeout`. A request cut short by either is answered 408 and the
// connection closed; a keep-alive connection idle for `header_timeout`
// (nothing of a next request) is closed without an answer.
//
// Refused at the parser: folded header lines (obs-fold), a repeated
// Authorization header (400) and any Content-Encoding but identity (415).
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
  // Time to read a request's body once its header is in, and to write a
  // response.
  absl::Duration read_timeout = absl::Seconds(15);
  // Time for a request's header to arrive, counted from the end of the
  // previous response (so also the idle time of a keep-alive connection).
  absl::Duration header_timeout = absl::Seconds(5);
  // Open connections at most; <= 0: derived from the process's file
  // descriptor limit (see DefaultMaxConnections).
  int max_connections = 0;
  // Pause of the accept loop after it failed for want of descriptors.
  absl::Duration accept_backoff = absl::Milliseconds(100);
};

// RLIMIT_NOFILE's soft limit less a reserve for everything else the process
// opens (upstream channels, the metrics server, logs): limit - max(64,
// limit / 8), the reserve at most 1024; at least 1 and at most 16384 (a
// waiting connection holds some kilobytes of buffers: containers often allow
// a million descriptors, which would be gigabytes).
int DefaultMaxConnections();

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
  // The effective cap (the option, or DefaultMaxConnections()).
  int max_connections() const;

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
