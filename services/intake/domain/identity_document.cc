#include "services/intake/domain/identity_document.h"

#include "absl/strings/ascii.h"
#include "services/intake/domain/resident_id.h"

namespace petition::intake {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

absl::Status CheckPassport(std::string_view n) {
  if (n.size() < 5 || n.size() > 17) {
    return absl::InvalidArgumentError("a passport number must be 5 to 17 characters");
  }
  bool digit = false;
  for (char c : n) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_isupper(u) && !absl::ascii_isdigit(u)) {
      return absl::InvalidArgumentError("a passport number has only letters and digits");
    }
    digit |= absl::ascii_isdigit(u) != 0;
  }
  if (!digit) return absl::InvalidArgumentError("a passport number has at least one digit");
  return absl::OkStatus();
}

absl::Status CheckHkMacaoPermit(std::string_view n) {
  if ((n.size() == 9 || n.size() == 11) && (n[0] == 'H' || n[0] == 'M') && AllDigits(n.substr(1))) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      "a Hong Kong/Macao permit number is H or M followed by 8 digits (10 on older permits)");
}

absl::Status CheckTaiwanPermit(std::string_view n) {
  if ((n.size() == 8 || n.size() == 10) && AllDigits(n)) return absl::OkStatus();
  return absl::InvalidArgumentError("a Taiwan permit number is 8 digits (10 on older permits)");
}

absl::Status CheckForeignPermanentResident(std::string_view n) {
  if (n.size() == 15) {
    for (size_t i = 0; i < 3; ++i) {
      if (!absl::ascii_isupper(static_cast<unsigned char>(n[i]))) {
        return absl::InvalidArgumentError(
            "a 15-character permanent residence id starts with 3 letters (the country code)");
      }
    }
    if (!AllDigits(n.substr(3))) {
      return absl::InvalidArgumentError(
          "a 15-character permanent residence id ends with 12 digits");
    }
    return absl::OkStatus();
  }
  if (n.size() == 18) {
    if (n[0] != '9') {
      return absl::InvalidArgumentError("an 18-character permanent residence id starts with 9");
    }
    if (!AllDigits(n.substr(0, 17))) {
      return absl::InvalidArgumentError(
          "the first 17 characters of a permanent residence id must be digits");
    }
    if (ResidentIdCheckCharacter(n.substr(0, 17)) != n[17]) {
      return absl::InvalidArgumentError(
          "the check character of the permanent residence id does not match (ISO 7064 MOD 11-2)");
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      "a permanent residence id is 15 characters (3 letters, 12 digits) or 18 (starting with 9)");
}

}  // namespace

v1::IdType EffectiveIdType(v1::IdType type) {
  return type == v1::ID_TYPE_UNSPECIFIED ? v1::RESIDENT_ID : type;
}

absl::Status ValidateIdentityNumber(v1::IdType type, std::string_view number,
                                    absl::CivilDay today) {
  if (number.empty()) return absl::InvalidArgumentError("is required");
  const std::string n = NormalizeIdentityNumber(number);
  switch (EffectiveIdType(type)) {
    case v1::RESIDENT_ID:
      return ValidateResidentId(n, today);
    case v1::PASSPORT:
      return CheckPassport(n);
    case v1::HK_MACAO_PERMIT:
      return CheckHkMacaoPermit(n);
    case v1::TAIWAN_PERMIT:
      return CheckTaiwanPermit(n);
    case v1::FOREIGN_PERMANENT_RESIDENT:
      return CheckForeignPermanentResident(n);
    default:
      return absl::InvalidArgumentError("is of an unknown identity document type");
  }
}

std::string NormalizeIdentityNumber(std::string_view number) {
  return absl::AsciiStrToUpper(absl::string_view(number.data(), number.size()));
}

bool IsIdentityNumberOfAnyType(std::string_view number, absl::CivilDay today) {
  for (v1::IdType type : {v1::RESIDENT_ID, v1::PASSPORT, v1::HK_MACAO_PERMIT, v1::TAIWAN_PERMIT,
                          v1::FOREIGN_PERMANENT_RESIDENT}) {
    if (ValidateIdentityNumber(type, number, today).ok()) return true;
  }
  return false;
}

}  // namespace petition::intake
