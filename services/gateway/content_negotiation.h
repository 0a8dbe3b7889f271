// Content negotiation (RFC 9110 §12.5.1): which of the media types a route
// offers the request's Accept header prefers. Used for the methods that share
// a path and differ by the type they answer with (`response_media_type` of
// (petition.v1.http)): GET /v1/cases/{caseId}/documents/{documentId} answers
// JSON, or with `Accept: application/pdf` the printable PDF.
#ifndef PETITION_SERVICES_GATEWAY_CONTENT_NEGOTIATION_H_
#define PETITION_SERVICES_GATEWAY_CONTENT_NEGOTIATION_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace petition::gateway {

// The index in `offered` (media types "type/subtype", lower case; offered[0]
// is the default) of the type `accept` prefers: the highest quality (of the
// most specific range naming the type); at equal quality the type named more
// specifically ("type/subtype" before "type/*" before "*/*"), then the earlier
// offer. An absent or unparsable header, or one that accepts none of
// the offers, gives the default: the gateway answers as it would without
// negotiation rather than 406 (RFC 9110 allows either).
std::size_t PreferredMediaType(absl::string_view accept, const std::vector<std::string>& offered);

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_CONTENT_NEGOTIATION_H_
