// Retries (AIP-155): a mutating request may carry a `request_id`; the same id
// with the same body returns the first result, another body is ALREADY_EXISTS.
// "The same body" is decided here, once for every service.
#ifndef PETITION_COMMON_REQUEST_FINGERPRINT_H_
#define PETITION_COMMON_REQUEST_FINGERPRINT_H_

#include <string>

#include "google/protobuf/message.h"

namespace petition {

// SHA-256 (hex) of every field of `request` but `request_id`, serialised
// deterministically. Requests keep `request_id` as their lowest-numbered field
// (field 1), so it is skipped in the serialised bytes without copying the
// request; any other layout falls back to hashing a copy without it.
std::string RequestFingerprint(const google::protobuf::Message& request);

}  // namespace petition

#endif  // PETITION_COMMON_REQUEST_FINGERPRINT_H_
