// Opaque ids with a type prefix ("case_…") and petitioners' query codes.
#ifndef PETITION_COMMON_IDS_H_
#define PETITION_COMMON_IDS_H_

#include <string>
#include <string_view>

namespace petition {

// prefix + "_" + 20 characters of base32 (100 random bits), e.g. "case_k3j…".
std::string NewId(std::string_view prefix);

// 12 characters from an alphabet without the look-alikes 0/O and 1/I/L (31
// symbols, each drawn uniformly from the CSPRNG by rejection: 59 random bits),
// plain, e.g. "7KQ2M9XAHTRW". Unique by the database's constraint: at 59 bits
// a collision among a township's cases is not expected in its lifetime.
std::string NewQueryCode();
// True when `code` has the shape of a query code (case-insensitive): 10 to
// 12 characters of the alphabet. Codes minted before the 12-character,
// L-free alphabet were 10 characters and may contain L; they still look up.
bool IsQueryCodeShaped(std::string_view code);
// The canonical form of a code as typed: upper case (codes are
// case-insensitive). Shape is not checked.
std::string NormalizeQueryCode(std::string_view code);

// The one shape check of ids. True when `id` has the shape NewId(prefix)
// gives: `prefix`, '_', then lower-case letters and digits, 64 characters at
// most in all. (NewId writes 20 from a base32 alphabet; the check admits any
// lower-case letters and digits so that it does not depend on the alphabet.)
bool IsValidId(std::string_view id, std::string_view prefix);

// Ids minted outside this system and carried through it: principals
// (subjects, unit ids, official ids), reception sessions, request ids.
// 1 to 128 of ASCII letters, digits and _ . : @ -. Safe in logs, metadata and
// SQL parameters, and never mistaken for text.
bool IsValidPrincipalId(std::string_view id);

// Cryptographically random bytes (OpenSSL RAND_bytes).
std::string RandomBytes(size_t n);

}  // namespace petition

#endif  // PETITION_COMMON_IDS_H_
