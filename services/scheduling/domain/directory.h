// The directory as the scheduling rules see it: units (TOWNSHIP, DEPARTMENT,
// VILLAGE) and their officials with rank.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_DIRECTORY_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_DIRECTORY_H_

#include <string>

namespace petition::scheduling {

enum class UnitKind { kTownship, kDepartment, kVillage };

// Ranks as the rule books use them: 正科级, 副科级, staff (科员 and below), and
// village cadres, who hold no civil-service rank.
enum class Rank { kSectionChief, kDeputySectionChief, kStaff, kVillageLeader };

// 副科级 or above (实岗副科级 and up, [S1]).
inline bool IsDeputySectionChiefOrAbove(Rank rank) {
  return rank == Rank::kSectionChief || rank == Rank::kDeputySectionChief;
}

struct Official {
  std::string official_id;
  std::string unit_id;
  std::string name;
  std::string position;
  Rank rank = Rank::kStaff;
};

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_DIRECTORY_H_
