#include "services/supervision/domain/six_duties.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace petition::supervision {

absl::Status ValidateDutyMarks(const std::vector<DutyMark>& marks) {
  std::set<std::string> seen;
  for (size_t i = 0; i < marks.size(); ++i) {
    const std::string at = absl::StrCat("duties[", i, "]");
    if (std::find(kSixDuties.begin(), kSixDuties.end(), marks[i].duty) == kSixDuties.end()) {
      return InvalidField(at + ".duty",
                          "must be RECEPTION, COORDINATION, SUPERVISION, IMPLEMENTATION, "
                          "STABILITY or PERSUASION");
    }
    if (!seen.insert(marks[i].duty).second) {
      return InvalidField(at + ".duty", "is listed twice");
    }
    if (marks[i].note.size() > 1000) return InvalidField(at + ".note", "is at most 1000 bytes");
  }
  return absl::OkStatus();
}

}  // namespace petition::supervision
