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

}  // namespace petition

#endif  // PETITION_COMMON_UTF8_H_
