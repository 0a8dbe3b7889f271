// The identity documents a petitioner may be registered with, and the rule
// each number keeps. The formats chosen (well-known public formats; a number
// that fits is accepted, nothing is asked of an issuing authority):
// - RESIDENT_ID (居民身份证): 18 characters, GB 11643 (resident_id.h).
// - PASSPORT (护照): 5 to 17 letters and digits, at least one digit. Chinese
//   ordinary passports (E + 8 digits, E + letter + 7 digits, G + 8 digits)
//   are of this shape; foreign passports vary by country (ICAO 9303 allows up
//   to 9 characters in the machine-readable zone, longer in the visual zone),
//   so no country's pattern is imposed.
// - HK_MACAO_PERMIT (港澳居民来往内地通行证, 回乡证): H (Hong Kong) or M (Macao)
//   followed by 8 digits (the card issued since 2013), or by 10 digits (the
//   older booklet numbers).
// - TAIWAN_PERMIT (台湾居民来往大陆通行证, 台胞证): 8 digits (the card issued
//   since 2015, the holder's number for life), or 10 digits (older booklets).
// - FOREIGN_PERMANENT_RESIDENT (外国人永久居留身份证): the 2017 card's 15
//   characters, 3 letters (the ISO 3166 country code) and 12 digits; or the
//   2023 card's 18 characters starting with 9, of which the first 17 are digits
//   and the last a check character computed as the resident id's (ISO 7064
//   MOD 11-2, X for 10).
// Letters are upper-cased; nothing else (spaces, dashes, brackets) is allowed.
// Errors say what is wrong, never the number.
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_IDENTITY_DOCUMENT_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_IDENTITY_DOCUMENT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

// RESIDENT_ID for ID_TYPE_UNSPECIFIED, the type itself otherwise.
v1::IdType EffectiveIdType(v1::IdType type);

// OK, or INVALID_ARGUMENT saying what is wrong with a number of that type
// (`today` bounds a resident id's birth date). An unknown type is refused.
absl::Status ValidateIdentityNumber(v1::IdType type, std::string_view number, absl::CivilDay today);

// The number as stored and hashed: ASCII letters upper-cased.
std::string NormalizeIdentityNumber(std::string_view number);

// Whether `number` (normalised) is valid under at least one type: a search
// by id number does not say which document it is.
bool IsIdentityNumberOfAnyType(std::string_view number, absl::CivilDay today);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_IDENTITY_DOCUMENT_H_
