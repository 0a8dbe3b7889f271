// What the create handlers share: whose request id it is, and what makes two
// requests "the same" for AIP-155 retries.
#ifndef PETITION_SERVICES_SCHEDULING_SERVICE_REQUEST_FINGERPRINT_H_
#define PETITION_SERVICES_SCHEDULING_SERVICE_REQUEST_FINGERPRINT_H_

#include <string>

#include "common/request_context.h"
#include "common/request_fingerprint.h"

namespace petition::scheduling {

// The person the gateway vouches for, else the calling service.
inline std::string RequestSubject(const RequestScope& scope) {
  return scope.principal().subject.empty() ? scope.caller() : scope.principal().subject;
}

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_SERVICE_REQUEST_FINGERPRINT_H_
