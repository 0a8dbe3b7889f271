// The directory as the scheduling rules see it: units (TOWNSHIP, DEPARTMENT,
// VILLAGE) and their officials with rank, and what a new entry must satisfy:
// - a unit has a name and a kind; the township has no parent, a department or
//   a village has the township as its parent;
// - an official has a name, a unit and a rank; VILLAGE_LEADER is a village
//   cadre's rank, held only in a village.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_DIRECTORY_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_DIRECTORY_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "petition/v1/scheduling.pb.h"

namespace petition::scheduling {

struct DutyHours;  // recusal.h

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

UnitKind FromProto(v1::UnitKind kind);  // kind must be specified
Rank FromProto(v1::Rank rank);          // rank must be specified

// The request alone: INVALID_ARGUMENT by field (name, kind, parentId, ...).
absl::Status ValidateCreateUnit(const v1::CreateUnitRequest& request);
absl::Status ValidateCreateOfficial(const v1::CreateOfficialRequest& request);

// A time of day "HH:MM" (00:00 to 24:00) as an offset from midnight, or
// nullopt when it is not one.
std::optional<absl::Duration> ParseTimeOfDay(absl::string_view text);

// A unit's duty hours as given: INVALID_ARGUMENT by field
// (dutyHours.morningStart, ...) unless each is "HH:MM", each half starts
// before it ends, and the morning ends no later than the afternoon starts.
absl::Status ValidateUnitDutyHours(const v1::DutyHours& hours);

// The hours a unit is on duty: its own when set (stored valid), else the
// defaults of DutyHours.
DutyHours DutyHoursOf(const v1::Unit& unit);

// Against the directory: the parent of a department or village must be a
// TOWNSHIP unit; a VILLAGE_LEADER serves in a VILLAGE unit.
absl::Status CheckParent(UnitKind parent_kind);
// The principal leader (主要领导) is the township's: FAILED_PRECONDITION
// (unitId) for a DEPARTMENT or VILLAGE unit.
absl::Status CheckPrincipalLeaderUnit(UnitKind kind);
absl::Status CheckRankInUnit(Rank rank, UnitKind unit_kind);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_DIRECTORY_H_
