// AIP-155 for supervision's mutating methods: whose request id it is (the
// person the gateway vouches for, else the calling service), for which
// method, and what makes two requests the same (common/request_fingerprint).
#ifndef PETITION_SERVICES_SUPERVISION_SERVICE_REQUEST_KEY_H_
#define PETITION_SERVICES_SUPERVISION_SERVICE_REQUEST_KEY_H_

#include <string>

#include "common/request_context.h"
#include "common/request_fingerprint.h"
#include "services/supervision/store/deadline_store.h"

namespace petition::supervision {

inline RequestKey RequestKeyFor(const RequestScope& scope, const char* method,
                                const google::protobuf::Message& request,
                                const std::string& request_id) {
  RequestKey key;
  key.subject = scope.principal().subject.empty() ? scope.caller() : scope.principal().subject;
  key.method = method;
  key.request_id = request_id;
  if (!request_id.empty()) key.sha256 = RequestFingerprint(request);
  return key;
}

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_SERVICE_REQUEST_KEY_H_
