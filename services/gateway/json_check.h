// A strict pass over a JSON request body, against the message type it is for,
// before protobuf's parser sees it. protobuf's parser is lenient where the API
// must not be, and its errors quote the offending text; this pass refuses, with
// the field named and the rule stated (never the value):
//   - what is not JSON (RFC 8259), e.g. a raw control character or NUL in a
//     string, or nesting deeper than 64;
//   - a NUL character in any string (written \u0000): text after it would be
//     lost on the way to storage; and any other control character but tab,
//     LF and CR (\b, \f, \u0001-\u001f, DEL, U+0080-U+009F), raw or
//     escaped: free text ends up on notices and in calendars (RFC 5545
//     forbids them);
//   - an enum given as a number, an unknown name, or its zero (*_UNSPECIFIED)
//     value: enums are given by name, and "unspecified" is the same as absent;
//   - a value of the wrong JSON type for its field, a fraction or an out-of-range
//     number for an integer field, an unknown field.
// Well-known types (google.protobuf.*) are checked for JSON syntax and NUL only.
#ifndef PETITION_SERVICES_GATEWAY_JSON_CHECK_H_
#define PETITION_SERVICES_GATEWAY_JSON_CHECK_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace petition::gateway {

// `json` is the JSON of a message of `type`.
absl::Status CheckJsonMessage(absl::string_view json, const google::protobuf::Descriptor* type);

// `json` is the JSON of the value of `field` alone (a body bound to one field).
absl::Status CheckJsonField(absl::string_view json, const google::protobuf::FieldDescriptor* field);

// The same checks, filling `message` (empty) on the way: one pass over the
// body instead of a check and then protobuf's parser. An error is the check's.
// OK(false): the body holds something this pass does not render exactly as
// google::protobuf::util::JsonStringToMessage would (maps, bytes, well-known
// types but Timestamp, numbers as strings, repeated keys, ...); `message` is
// then partly filled, and the caller clears it and uses protobuf's parser.
absl::StatusOr<bool> ParseJsonMessage(absl::string_view json, google::protobuf::Message* message);

// The same for a body bound to `field` of `message`.
absl::StatusOr<bool> ParseJsonField(absl::string_view json,
                                    const google::protobuf::FieldDescriptor* field,
                                    google::protobuf::Message* message);

// True when `name` may be quoted back in an error: it looks like a field
// name ([A-Za-z_][A-Za-z0-9_]*, at most 64 characters).
bool IsFieldNameShaped(absl::string_view name);

// "A, B, C": the names of an enum's values other than its zero value.
std::string EnumNames(const google::protobuf::EnumDescriptor* type);

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_JSON_CHECK_H_
