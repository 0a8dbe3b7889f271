// The 18-character citizen identity number (公民身份号码, GB 11643-1999):
// 6-digit address code, 8-digit birth date, 3-digit sequence, and a check
// character (ISO 7064 MOD 11-2, "X" for 10).
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_RESIDENT_ID_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_RESIDENT_ID_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace petition::intake {

// The check character for the first 17 digits.
char ResidentIdCheckCharacter(std::string_view first17);

// OK, or INVALID_ARGUMENT saying what is wrong (length, digits, birth date,
// check character). A lower-case "x" is accepted; `today` bounds the birth date.
absl::Status ValidateResidentId(std::string_view id, absl::CivilDay today);

// Upper-cases the check character.
std::string NormalizeResidentId(std::string_view id);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_RESIDENT_ID_H_
