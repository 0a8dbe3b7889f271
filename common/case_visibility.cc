#include "common/case_visibility.h"

#include <algorithm>

namespace petition {
namespace {

bool OfficialOfAny(const Principal& principal, const std::vector<std::string>& units) {
  return !principal.unit_id.empty() &&
         std::find(units.begin(), units.end(), principal.unit_id) != units.end();
}

}  // namespace

bool ReportsUnit(const CaseUnits& units, std::string_view unit_id) {
  return !unit_id.empty() &&
         std::find(units.reported.begin(), units.reported.end(), unit_id) != units.reported.end();
}

bool HiddenFrom(const Principal& principal, const CaseUnits& units) {
  return ReportsUnit(units, principal.unit_id);
}

const std::string& HiddenReportsUnit(const Principal& principal) { return principal.unit_id; }

bool MayReadCase(const Principal& principal, const CaseUnits& units) {
  if (HiddenFrom(principal, units)) return false;
  if (principal.HasAnyRole({"admin", "clerk", "leader", "supervisor"})) return true;
  return principal.HasRole("handler") && OfficialOfAny(principal, units.handling);
}

bool MayActFor(const Principal& principal, const std::vector<std::string>& units) {
  return principal.unit_id.empty() || OfficialOfAny(principal, units);
}

bool MaySeeIdentity(const Principal& principal, const CaseUnits& units) {
  if (HiddenFrom(principal, units)) return false;
  return principal.HasAnyRole({"admin", "clerk", "leader"});
}

}  // namespace petition
