// The API description, generated at start-up from the same data the gateway
// routes by: the route table's (petition.v1.http) annotations and the message
// descriptors. Served as /openapi.json (OpenAPI 3.1); /docs is Swagger UI
// reading it (docs_page.h).
#ifndef PETITION_SERVICES_GATEWAY_OPENAPI_H_
#define PETITION_SERVICES_GATEWAY_OPENAPI_H_

#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "petition/v1/http.pb.h"

namespace petition::gateway {

class OpenApi {
 public:
  struct Operation {
    const google::protobuf::MethodDescriptor* method = nullptr;
    v1::HttpRule rule;
    // Media types the same path also answers with, by the Accept header
    // (HttpBody methods on the same path), e.g. "application/pdf".
    std::vector<std::string> other_media_types;
  };

  explicit OpenApi(std::vector<Operation> operations) : operations_(std::move(operations)) {}

  // The OpenAPI 3.1 document: every operation with its path and query
  // parameters (repeated fields as repeated keys, enums by name), request
  // body and response schemas from the messages (JSON names, enums as string
  // enums, Timestamp as a date-time string, 64-bit integers as strings), raw
  // responses (petition.v1.HttpBody) under their media type, the error body
  // of every failure, the bearer (JWT) and X-Api-Key security schemes, and
  // the roles of each operation (`x-roles` and the description; public
  // operations have `security: []`).
  std::string Json() const;

 private:
  std::vector<Operation> operations_;
};

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_OPENAPI_H_
