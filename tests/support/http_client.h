// A minimal blocking HTTP/1.1 client for tests (one request per connection).
#ifndef PETITION_TESTS_SUPPORT_HTTP_CLIENT_H_
#define PETITION_TESTS_SUPPORT_HTTP_CLIENT_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace petition::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A body (and any POST or PUT) is sent with Content-Type: application/json
// unless `headers` name another; a Content-Type of "" in `headers` sends none.
absl::StatusOr<HttpResponse> HttpRequest(int port, const std::string& method,
                                         const std::string& target, const std::string& body = "",
                                         const std::map<std::string, std::string>& headers = {});

}  // namespace petition::testing

#endif  // PETITION_TESTS_SUPPORT_HTTP_CLIENT_H_
