#include "services/intake/domain/resident_id.h"

#include "absl/strings/ascii.h"

namespace petition::intake {
namespace {

constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheck[] = "10X98765432";

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

char ResidentIdCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

absl::Status ValidateResidentId(std::string_view id, absl::CivilDay today) {
  if (id.size() != 18) return absl::InvalidArgumentError("must be 18 characters");
  std::string_view body = id.substr(0, 17);
  if (!AllDigits(body)) return absl::InvalidArgumentError("the first 17 characters must be digits");
  char last = absl::ascii_toupper(static_cast<unsigned char>(id[17]));
  if (!absl::ascii_isdigit(static_cast<unsigned char>(last)) && last != 'X') {
    return absl::InvalidArgumentError("the last character must be a digit or X");
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (id[i] - '0');
    return v;
  };
  int y = num(6, 4), m = num(10, 2), d = num(12, 2);
  absl::CivilDay birth(y, m, d);
  if (y < 1900 || birth.year() != y || birth.month() != m || birth.day() != d || birth > today) {
    return absl::InvalidArgumentError("the birth date (characters 7-14) is not a valid date");
  }
  if (ResidentIdCheckCharacter(body) != last) {
    return absl::InvalidArgumentError("the check character does not match (GB 11643)");
  }
  return absl::OkStatus();
}

std::string NormalizeResidentId(std::string_view id) {
  std::string out(id);
  if (!out.empty()) out.back() = absl::ascii_toupper(static_cast<unsigned char>(out.back()));
  return out;
}

}  // namespace petition::intake
