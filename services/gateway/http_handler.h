// What the HTTP server hands to the application, and how the application
// answers: plain structs, so that Boost.Beast stays inside http_server.cc.
#ifndef PETITION_SERVICES_GATEWAY_HTTP_HANDLER_H_
#define PETITION_SERVICES_GATEWAY_HTTP_HANDLER_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/strings/string_view.h"

namespace petition::gateway {

struct HttpRequest {
  std::string remote_address;  // the client's IP address ("127.0.0.1")
  std::string method;          // "GET"
  std::string path;            // the target up to '?', still percent-encoded
  std::string query;           // after '?', still percent-encoded
  // Names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first value of a header (name lower-case), "" when absent.
  absl::string_view Header(absl::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return {};
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Called exactly once, from any thread.
using HttpResponder = absl::AnyInvocable<void(HttpResponse) &&>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Must not block: answer now or later through `respond`.
  virtual void Handle(HttpRequest request, HttpResponder respond) = 0;
  // The largest body a request to `path` (still percent-encoded) by
  // `method` may send, asked once its header is in; 0: the server's
  // max_body_bytes. Must not block.
  virtual std::size_t MaxBodyBytes(absl::string_view /*method*/, absl::string_view /*path*/) const {
    return 0;
  }
};

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_HTTP_HANDLER_H_
