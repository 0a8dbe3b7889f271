// 轮流值班: the officials of a plan's rotation take its sessions in turn,
// `leaders_per_session` at a time for a joint reception (联合接访). The turn
// follows the session's number since the plan's start (reception_plan.h), so
// it continues across months and years the same whatever range is asked.
// A substitution (代替, [S3]) replaces an absent official for one session
// only: who is planned never changes, so the order after it is undisturbed.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_ROTATION_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_ROTATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/scheduling/domain/directory.h"

namespace petition::scheduling {

// The officials planned for session `session_index`: positions
// index*k ... index*k + k-1 of the rotation, modulo its size (k =
// leaders_per_session, 1 <= k <= size; empty when the rotation is empty or k
// is out of range).
std::vector<std::string> PlannedOfficials(const std::vector<std::string>& rotation,
                                          int leaders_per_session, int64_t session_index);

struct Substitution {
  std::string absent_official_id;
  std::string substitute_official_id;
};

// Checks one more substitution for a session whose receivers are
// `receiving` (the planned officials with earlier substitutions applied):
// INVALID_ARGUMENT when the absent official is not receiving it, or the
// substitute is not eligible for the unit (not of it; the rank rule);
// FAILED_PRECONDITION when the substitute already receives this session.
// Whether the substitute receives elsewhere at that time is the caller's
// question (it needs the other plans).
absl::Status CheckSubstitution(const std::vector<std::string>& receiving,
                               const Substitution& substitution, const std::string& unit_id,
                               UnitKind unit_kind,
                               const absl::flat_hash_map<std::string, Official>& directory);

// The officials who receive: the planned ones, each absent one replaced by
// its substitute, in planned order. Substitutions for officials not
// receiving are ignored (they were refused by CheckSubstitution).
std::vector<std::string> Receiving(std::vector<std::string> planned,
                                   const std::vector<Substitution>& substitutions);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_ROTATION_H_
