// A fast path for the JSON of response messages: renders the common shapes
// (proto3 messages of strings, bools, 32/64-bit signed integers, enums,
// Timestamps, nested and repeated messages) byte for byte as
// google::protobuf::util::MessageToJsonString does with
// always_print_primitive_fields and lowerCamelCase names, without going
// through its TypeResolver-based converter (which rebuilds
// google.protobuf.Type messages on every call). Anything else it declines,
// and the caller uses protobuf's printer.
#ifndef PETITION_SERVICES_GATEWAY_FAST_JSON_H_
#define PETITION_SERVICES_GATEWAY_FAST_JSON_H_

#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace petition::gateway {

// True when messages of this type may print through FastMessageToJson.
// Memoized; thread-safe.
bool FastJsonSupports(const google::protobuf::Descriptor* descriptor);

// Appends the JSON of `message` to `out`. False (and `out` unspecified) when
// the message holds a value the fast path does not render exactly like
// protobuf (an unknown enum number, a Timestamp out of range, a string with
// characters protobuf escapes specially, ...) or its type is not supported.
bool FastMessageToJson(const google::protobuf::Message& message, std::string* out);

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_FAST_JSON_H_
