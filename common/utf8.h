// UTF-8 validity (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
// Protobuf string fields must hold valid UTF-8; text from the network is
// checked before it reaches one, and JSON we write never carries invalid bytes.
#ifndef PETITION_COMMON_UTF8_H_
#define PETITION_COMMON_UTF8_H_

#include <cstddef>
#include <string_view>

namespace petition {

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if none.
size_t ValidUtf8PrefixLength(std::string_view s);

bool IsValidUtf8(std::string_view s);

// Length in characters (code points), the unit of every "at most N
// characters" rule: bytes that do not continue a sequence are counted.
size_t Utf8Length(std::string_view s);

// The first `n` characters of `s` (all of it when shorter), never cutting a
// sequence.
std::string_view Utf8Prefix(std::string_view s, size_t n);

}  // namespace petition

#endif  // PETITION_COMMON_UTF8_H_
