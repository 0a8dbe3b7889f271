#include "services/scheduling/domain/directory.h"

#include <utility>
#include <vector>

#include "common/status.h"

namespace petition::scheduling {
namespace {

constexpr size_t kMaxName = 128;      // bytes of UTF-8: some 40 characters of Chinese
constexpr size_t kMaxLocation = 256;  // bytes

using Violations = std::vector<std::pair<std::string, std::string>>;

void CheckText(const std::string& value, const char* field, size_t max, bool required,
               Violations& v) {
  if (required && value.empty()) {
    v.emplace_back(field, "is required");
  } else if (value.size() > max) {
    v.emplace_back(field, "is too long");
  }
}

}  // namespace

UnitKind FromProto(v1::UnitKind kind) {
  switch (kind) {
    case v1::DEPARTMENT:
      return UnitKind::kDepartment;
    case v1::VILLAGE:
      return UnitKind::kVillage;
    default:
      return UnitKind::kTownship;
  }
}

Rank FromProto(v1::Rank rank) {
  switch (rank) {
    case v1::SECTION_CHIEF:
      return Rank::kSectionChief;
    case v1::DEPUTY_SECTION_CHIEF:
      return Rank::kDeputySectionChief;
    case v1::VILLAGE_LEADER:
      return Rank::kVillageLeader;
    default:
      return Rank::kStaff;
  }
}

absl::Status ValidateCreateUnit(const v1::CreateUnitRequest& request) {
  Violations v;
  CheckText(request.name(), "name", kMaxName, true, v);
  CheckText(request.location(), "location", kMaxLocation, false, v);
  if (request.kind() == v1::UNIT_KIND_UNSPECIFIED || !v1::UnitKind_IsValid(request.kind())) {
    v.emplace_back("kind", "must be TOWNSHIP, DEPARTMENT or VILLAGE");
  } else if (request.kind() == v1::TOWNSHIP && !request.parent_id().empty()) {
    v.emplace_back("parentId", "must be empty for the township");
  } else if (request.kind() != v1::TOWNSHIP && request.parent_id().empty()) {
    v.emplace_back("parentId", "is required: the township the unit belongs to");
  }
  if (!v.empty()) return InvalidFields(v);
  return absl::OkStatus();
}

absl::Status ValidateCreateOfficial(const v1::CreateOfficialRequest& request) {
  Violations v;
  CheckText(request.name(), "name", kMaxName, true, v);
  CheckText(request.unit_id(), "unitId", kMaxName, true, v);
  CheckText(request.position(), "position", kMaxName, false, v);
  if (request.rank() == v1::RANK_UNSPECIFIED || !v1::Rank_IsValid(request.rank())) {
    v.emplace_back("rank", "must be SECTION_CHIEF, DEPUTY_SECTION_CHIEF, STAFF or VILLAGE_LEADER");
  }
  if (!v.empty()) return InvalidFields(v);
  return absl::OkStatus();
}

absl::Status CheckParent(UnitKind parent_kind) {
  if (parent_kind != UnitKind::kTownship) {
    return InvalidField("parentId", "must be a TOWNSHIP unit");
  }
  return absl::OkStatus();
}

absl::Status CheckRankInUnit(Rank rank, UnitKind unit_kind) {
  if (rank == Rank::kVillageLeader && unit_kind != UnitKind::kVillage) {
    return InvalidField("rank", "VILLAGE_LEADER serves in a VILLAGE unit only");
  }
  return absl::OkStatus();
}

}  // namespace petition::scheduling
