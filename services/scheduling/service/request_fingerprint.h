// What the create handlers share: whose request id it is, and what makes two
// requests "the same" for AIP-155 retries.
#ifndef PETITION_SERVICES_SCHEDULING_SERVICE_REQUEST_FINGERPRINT_H_
#define PETITION_SERVICES_SCHEDULING_SERVICE_REQUEST_FINGERPRINT_H_

#include <string>

#include "common/migrations.h"
#include "common/request_context.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace petition::scheduling {

// Every field but the request id, serialised deterministically, hashed.
template <typename Request>
std::string RequestFingerprint(const Request& request) {
  Request copy = request;
  copy.clear_request_id();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(bytes);
}

// The person the gateway vouches for, else the calling service.
inline std::string RequestSubject(const RequestScope& scope) {
  return scope.principal().subject.empty() ? scope.caller() : scope.principal().subject;
}

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_SERVICE_REQUEST_FINGERPRINT_H_
