// The receiving leader's six duties per case (六包): reception, coordination,
// supervision, implementation, stability and persuasion. Each is marked done
// (or not) by someone, at a time, with a note.
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_SIX_DUTIES_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_SIX_DUTIES_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace petition::supervision {

inline constexpr std::array<std::string_view, 6> kSixDuties = {
    "RECEPTION", "COORDINATION", "SUPERVISION", "IMPLEMENTATION", "STABILITY", "PERSUASION"};

struct DutyMark {
  std::string duty;
  bool done = false;
  std::string note;
};

// INVALID_ARGUMENT naming the field: an unknown duty, a duty twice, a note
// over 1000 bytes.
absl::Status ValidateDutyMarks(const std::vector<DutyMark>& marks);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_SIX_DUTIES_H_
