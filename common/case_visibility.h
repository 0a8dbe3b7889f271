// Who may read a case, and who may see its petitioners' identity: the one
// rule intake (GetCase) and supervision (GetCaseDeadlines) both apply, so
// that neither answers where the other says the case does not exist.
//
// - A case that reports a unit (揭发检举, reportedUnitIds) is hidden entirely
//   from every official of that unit, whatever their role (A30: a report is
//   never passed to the unit reported): for them it does not exist, not in a
//   read, a list, a filter, a statistic or another case's repeat link.
// - Otherwise the petition office (clerk), leaders, supervisors and
//   administrators read every case; a handling unit's staff (handler) only
//   cases assigned to its unit. Anyone else: the case does not exist for
//   them (NOT_FOUND, never PERMISSION_DENIED: a unit must not learn which
//   cases exist).
// - Identity is shown to clerks, leaders and administrators, and never to an
//   official of a unit the case reports.
// An official's unit is the principal's `unitId` claim.
#ifndef PETITION_COMMON_CASE_VISIBILITY_H_
#define PETITION_COMMON_CASE_VISIBILITY_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/request_context.h"

namespace petition {

// The units a case involves, as far as visibility goes.
struct CaseUnits {
  std::vector<std::string> handling;  // units assigned to handle it
  std::vector<std::string> reported;  // units it reports (揭发检举)
};

// Whether the case reports `unit_id` ("" reports nothing).
bool ReportsUnit(const CaseUnits& units, std::string_view unit_id);

// "Hidden entirely": the case reports the principal's unit, so the principal
// must not learn that it exists.
bool HiddenFrom(const Principal& principal, const CaseUnits& units);

// The unit whose reports a list must leave out for `principal` (the SQL form
// of HiddenFrom: cases whose reported units contain it are not listed,
// counted or linked); "" when the principal has no unit.
const std::string& HiddenReportsUnit(const Principal& principal);

bool MayReadCase(const Principal& principal, const CaseUnits& units);

// Acting on a unit's behalf (a write): an official with a unit (the `unitId`
// claim) acts for that unit only, whatever the role: responding to a
// supervision order addressed to another unit, or extending a case only
// other units handle, is refused. Officials without a unit act
// township-wide, as their roles allow. Callers answer PERMISSION_DENIED
// where the object may be read, NOT_FOUND where it does not exist for them.
bool MayActFor(const Principal& principal, const std::vector<std::string>& units);
bool MaySeeIdentity(const Principal& principal, const CaseUnits& units);

}  // namespace petition

#endif  // PETITION_COMMON_CASE_VISIBILITY_H_
