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

#include "absl/status/status.h"
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

// Whether `content_type` (a request's Content-Type) says a JSON body as the
// gateway reads it: the media type application/json, compared without regard
// to case (RFC 9110 §8.3.1), parameters allowed but a charset only UTF-8
// ("utf-8", any case, quoted or not: RFC 8259 §8.1, JSON between systems is
// UTF-8, and the gateway reads no other). Structured-syntax suffixes such as
// application/merge-patch+json are refused: they name other semantics (a
// patch, not the resource) that the gateway does not implement. OK, or
// INVALID_ARGUMENT saying what is wrong (never quoting the header); an empty
// value (no header) is refused too.
absl::Status CheckJsonContentType(absl::string_view content_type);

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_CONTENT_NEGOTIATION_H_
