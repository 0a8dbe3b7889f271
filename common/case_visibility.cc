#include "common/case_visibility.h"

#include <algorithm>

namespace petition {
namespace {

bool OfficialOfAny(const Principal& principal, const std::vector<std::string>& units) {
  return !principal.unit_id.empty() &&
         std::find(units.begin(), units.end(), principal.unit_id) != units.end();
}

}  // namespace

bool MayReadCase(const Principal& principal, const CaseUnits& units) {
  if (principal.HasAnyRole({"admin", "clerk", "leader", "supervisor"})) return true;
  return principal.HasRole("handler") && OfficialOfAny(principal, units.handling);
}

bool MaySeeIdentity(const Principal& principal, const CaseUnits& units) {
  if (OfficialOfAny(principal, units.reported)) return false;
  return principal.HasAnyRole({"admin", "clerk", "leader"});
}

}  // namespace petition
