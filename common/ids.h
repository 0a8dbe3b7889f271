// Opaque ids with a type prefix ("case_…") and petitioners' query codes.
#ifndef PETITION_COMMON_IDS_H_
#define PETITION_COMMON_IDS_H_

#include <string>
#include <string_view>

namespace petition {

// prefix + "_" + 20 characters of base32 (100 random bits), e.g. "case_k3j…".
std::string NewId(std::string_view prefix);

// 10 characters from an alphabet without 0/O/1/I (32 symbols: 50 random bits),
// e.g. "7KQ2-M9XA-HT" is not used: codes are plain, e.g. "7KQ2M9XAHT".
std::string NewQueryCode();
// True when `code` has the shape of a query code (case-insensitive).
bool IsQueryCodeShaped(std::string_view code);

// Cryptographically random bytes (OpenSSL RAND_bytes).
std::string RandomBytes(size_t n);

}  // namespace petition

#endif  // PETITION_COMMON_IDS_H_
