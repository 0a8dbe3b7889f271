// The API description, generated from the same data the gateway routes by:
// the (petition.v1.http) annotations and the message descriptors. Served as
// /openapi.json (OpenAPI 3.0) and /docs (a self-contained HTML page).
#ifndef PETITION_SERVICES_GATEWAY_OPENAPI_H_
#define PETITION_SERVICES_GATEWAY_OPENAPI_H_

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "petition/v1/http.pb.h"

namespace petition::gateway {

class OpenApi {
 public:
  struct Operation {
    const google::protobuf::MethodDescriptor* method = nullptr;
    v1::HttpRule rule;
  };

  explicit OpenApi(std::vector<Operation> operations) : operations_(std::move(operations)) {}

  // The OpenAPI 3.0 document: paths with path and query parameters, request
  // bodies, response and error schemas (JSON names, enums by name), and the
  // bearer and API key security schemes.
  std::string Json() const;
  // One HTML page listing every endpoint, no external resources.
  std::string Html() const;

 private:
  std::vector<Operation> operations_;
};

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_OPENAPI_H_
