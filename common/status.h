// Status conversions: absl::Status inside a process, grpc::Status on the wire,
// HTTP at the gateway. The canonical code-to-status table lives here and only here.
#ifndef PETITION_COMMON_STATUS_H_
#define PETITION_COMMON_STATUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"
#include "petition/v1/common.pb.h"

namespace petition {

// "INVALID_ARGUMENT", "NOT_FOUND", ... (the canonical upper-case names).
std::string_view CanonicalCodeName(absl::StatusCode code);

// The canonical HTTP mapping (Envoy / grpc-gateway): 400, 401, 403, 404, 409,
// 429, 499, 500, 501, 503, 504.
int HttpStatusForCode(absl::StatusCode code);

// The HTTP status of `status`: the canonical mapping, except that a
// RESOURCE_EXHAUSTED whose violation reasons start with "PAYLOAD_TOO_LARGE"
// (a body over a size limit: PayloadTooLarge) is 413, not 429 (a body that
// is too large stays too large: there is nothing to retry later).
int HttpStatusFor(const absl::Status& status);
// RESOURCE_EXHAUSTED naming `field`, reason "PAYLOAD_TOO_LARGE: <reason>": 413.
absl::Status PayloadTooLarge(std::string_view field, std::string_view message,
                             std::string_view reason);

// An INVALID_ARGUMENT carrying field violations ("petitioners[0].idNumber").
absl::Status InvalidField(std::string_view field, std::string_view reason);
absl::Status InvalidFields(const std::vector<std::pair<std::string, std::string>>& violations);
// A FAILED_PRECONDITION naming the field whose value the case's state forbids ("field: reason",
// the field in the details as for InvalidField): a well-formed request refused by the state.
absl::Status FailedPreconditionField(std::string_view field, std::string_view reason);

// Attaches/reads structured details on an absl::Status.
void SetErrorDetails(absl::Status& status, const v1::ErrorDetails& details);
v1::ErrorDetails GetErrorDetails(const absl::Status& status);

// absl <-> gRPC, preserving code, message and ErrorDetails.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// What a client may see of `status` at the HTTP edge. INTERNAL, UNKNOWN,
// DATA_LOSS and UNAVAILABLE carry internals (backend addresses, database
// hosts and ports, SQL, exception text): the client gets the same code with
// a generic message naming `request_id` and no details, and the original is
// logged (as a warning, with the request id). Other codes pass unchanged:
// their messages name fields and rules.
absl::Status ForClient(const absl::Status& status, std::string_view request_id);

// Renders {"error":{"code":"...","message":"...","details":[{"field","reason"}]}}.
std::string ErrorJson(const absl::Status& status);

}  // namespace petition

#endif  // PETITION_COMMON_STATUS_H_
