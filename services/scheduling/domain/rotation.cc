#include "services/scheduling/domain/rotation.h"

#include <algorithm>

#include "absl/status/status.h"
#include "common/status.h"
#include "services/scheduling/domain/reception_plan.h"

namespace petition::scheduling {

std::vector<std::string> PlannedOfficials(const std::vector<std::string>& rotation,
                                          int leaders_per_session, int64_t session_index) {
  const int64_t n = static_cast<int64_t>(rotation.size());
  if (n == 0 || leaders_per_session < 1 || leaders_per_session > n || session_index < 0) {
    return {};
  }
  std::vector<std::string> out;
  out.reserve(leaders_per_session);
  const int64_t first = (session_index % n) * leaders_per_session % n;  // no overflow
  for (int i = 0; i < leaders_per_session; ++i) out.push_back(rotation[(first + i) % n]);
  return out;
}

absl::Status CheckSubstitution(const std::vector<std::string>& receiving,
                               const Substitution& substitution, const std::string& unit_id,
                               UnitKind unit_kind,
                               const absl::flat_hash_map<std::string, Official>& directory) {
  auto receives = [&](const std::string& id) {
    return std::find(receiving.begin(), receiving.end(), id) != receiving.end();
  };
  if (!receives(substitution.absent_official_id)) {
    return InvalidField("absentOfficialId", "does not receive this session");
  }
  auto it = directory.find(substitution.substitute_official_id);
  if (it == directory.end()) {
    return InvalidField("substituteOfficialId", "is not an official of this unit");
  }
  if (auto why = IneligibleReason(it->second, unit_id, unit_kind); why.has_value()) {
    return InvalidField("substituteOfficialId", *why);
  }
  if (receives(substitution.substitute_official_id)) {
    return absl::FailedPreconditionError("the substitute already receives this session");
  }
  return absl::OkStatus();
}

std::vector<std::string> Receiving(std::vector<std::string> planned,
                                   const std::vector<Substitution>& substitutions) {
  for (const Substitution& s : substitutions) {
    auto it = std::find(planned.begin(), planned.end(), s.absent_official_id);
    if (it != planned.end()) *it = s.substitute_official_id;
  }
  return planned;
}

}  // namespace petition::scheduling
