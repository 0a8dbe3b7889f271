#include "common/status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace petition {
namespace {

constexpr char kDetailsUrl[] = "type.googleapis.com/petition.v1.ErrorDetails";

}  // namespace

std::string_view CanonicalCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "OK";
    case absl::StatusCode::kCancelled:
      return "CANCELLED";
    case absl::StatusCode::kUnknown:
      return "UNKNOWN";
    case absl::StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case absl::StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kNotFound:
      return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case absl::StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case absl::StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case absl::StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case absl::StatusCode::kAborted:
      return "ABORTED";
    case absl::StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case absl::StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case absl::StatusCode::kInternal:
      return "INTERNAL";
    case absl::StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case absl::StatusCode::kDataLoss:
      return "DATA_LOSS";
    case absl::StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

namespace {
constexpr char kPayloadTooLarge[] = "PAYLOAD_TOO_LARGE";
}  // namespace

int HttpStatusFor(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kResourceExhausted) {
    const v1::ErrorDetails details = GetErrorDetails(status);
    for (const v1::FieldViolation& v : details.violations()) {
      if (absl::StartsWith(v.reason(), kPayloadTooLarge)) return 413;
    }
  }
  return HttpStatusForCode(status.code());
}

absl::Status PayloadTooLarge(std::string_view field, std::string_view message,
                             std::string_view reason) {
  absl::Status status =
      absl::ResourceExhaustedError(absl::string_view(message.data(), message.size()));
  v1::ErrorDetails details;
  v1::FieldViolation* v = details.add_violations();
  v->set_field(std::string(field));
  v->set_reason(
      absl::StrCat(kPayloadTooLarge, ": ", absl::string_view(reason.data(), reason.size())));
  SetErrorDetails(status, details);
  return status;
}

int HttpStatusForCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

void SetErrorDetails(absl::Status& status, const v1::ErrorDetails& details) {
  if (status.ok()) return;
  status.SetPayload(kDetailsUrl, absl::Cord(details.SerializeAsString()));
}

v1::ErrorDetails GetErrorDetails(const absl::Status& status) {
  v1::ErrorDetails details;
  if (auto payload = status.GetPayload(kDetailsUrl)) {
    details.ParseFromString(std::string(*payload));
  }
  return details;
}

absl::Status InvalidFields(const std::vector<std::pair<std::string, std::string>>& violations) {
  std::string message;
  v1::ErrorDetails details;
  for (const auto& [field, reason] : violations) {
    if (!message.empty()) message += "; ";
    message += field + ": " + reason;
    auto* v = details.add_violations();
    v->set_field(field);
    v->set_reason(reason);
  }
  absl::Status status = absl::InvalidArgumentError(message);
  SetErrorDetails(status, details);
  return status;
}

absl::Status InvalidField(std::string_view field, std::string_view reason) {
  return InvalidFields({{std::string(field), std::string(reason)}});
}

absl::Status FailedPreconditionField(std::string_view field, std::string_view reason) {
  absl::Status status =
      absl::FailedPreconditionError(std::string(field) + ": " + std::string(reason));
  v1::ErrorDetails details;
  auto* v = details.add_violations();
  v->set_field(std::string(field));
  v->set_reason(std::string(reason));
  SetErrorDetails(status, details);
  return status;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  v1::ErrorDetails details = GetErrorDetails(status);
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      details.violations_size() > 0 ? details.SerializeAsString() : "");
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  if (!status.error_details().empty()) {
    v1::ErrorDetails details;
    if (details.ParseFromString(status.error_details())) SetErrorDetails(result, details);
  }
  return result;
}

absl::Status ForClient(const absl::Status& status, std::string_view request_id) {
  const char* generic = nullptr;
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      generic = "internal error";
      break;
    case absl::StatusCode::kUnavailable:
      generic = "service unavailable; retry later";
      break;
    default:
      return status;
  }
  log::Warn("error hidden from the client",
            {{"requestId", std::string(request_id)},
             {"code", std::string(CanonicalCodeName(status.code()))},
             {"error", std::string(status.message())}});
  return absl::Status(status.code(),
                      std::string(generic) + "; request id " + std::string(request_id));
}

std::string ErrorJson(const absl::Status& status) {
  std::string out = "{\"error\":{\"code\":\"";
  out += CanonicalCodeName(status.code());
  out += "\",\"message\":\"";
  out += log::JsonEscape(std::string(status.message()));
  out += "\",\"details\":[";
  v1::ErrorDetails details = GetErrorDetails(status);
  for (int i = 0; i < details.violations_size(); ++i) {
    if (i > 0) out += ",";
    out += "{\"field\":\"" + log::JsonEscape(details.violations(i).field()) + "\",\"reason\":\"" +
           log::JsonEscape(details.violations(i).reason()) + "\"}";
  }
  out += "]}}";
  return out;
}

}  // namespace petition
