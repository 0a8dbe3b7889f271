// Who may read a case, and who may see its petitioners' identity: the one
// rule intake (GetCase) and supervision (GetCaseDeadlines) both apply, so
// that neither answers where the other says the case does not exist.
//
// - The petition office (clerk), leaders, supervisors and administrators read
//   every case; a handling unit's staff (handler) only cases assigned to its
//   unit. Anyone else: the case does not exist for them (NOT_FOUND, never
//   PERMISSION_DENIED: a unit must not learn which cases exist).
// - Identity is shown to clerks, leaders and administrators, and never to an
//   official of a unit the case reports, whatever their role (A30).
#ifndef PETITION_COMMON_CASE_VISIBILITY_H_
#define PETITION_COMMON_CASE_VISIBILITY_H_

#include <string>
#include <vector>

#include "common/request_context.h"

namespace petition {

// The units a case involves, as far as visibility goes.
struct CaseUnits {
  std::vector<std::string> handling;  // units assigned to handle it
  std::vector<std::string> reported;  // units it reports (揭发检举)
};

bool MayReadCase(const Principal& principal, const CaseUnits& units);
bool MaySeeIdentity(const Principal& principal, const CaseUnits& units);

}  // namespace petition

#endif  // PETITION_COMMON_CASE_VISIBILITY_H_
