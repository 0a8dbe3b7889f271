#include "services/scheduling/domain/directory.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "common/status.h"
#include "services/scheduling/domain/recusal.h"

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

void CheckDutyHours(const v1::DutyHours& hours, Violations& v) {
  struct Field {
    const std::string* text;
    const char* name;
    std::optional<absl::Duration> value;
  };
  Field fields[] = {{&hours.morning_start(), "dutyHours.morningStart", std::nullopt},
                    {&hours.morning_end(), "dutyHours.morningEnd", std::nullopt},
                    {&hours.afternoon_start(), "dutyHours.afternoonStart", std::nullopt},
                    {&hours.afternoon_end(), "dutyHours.afternoonEnd", std::nullopt}};
  for (Field& f : fields) {
    f.value = ParseTimeOfDay(*f.text);
    if (!f.value.has_value()) v.emplace_back(f.name, "must be a time of day HH:MM");
  }
  auto before = [&](const Field& a, const Field& b, bool strict, const char* rule) {
    if (!a.value.has_value() || !b.value.has_value()) return;
    if (strict ? *a.value >= *b.value : *a.value > *b.value) v.emplace_back(b.name, rule);
  };
  before(fields[0], fields[1], true, "must be after dutyHours.morningStart");
  before(fields[2], fields[3], true, "must be after dutyHours.afternoonStart");
  before(fields[1], fields[2], false, "must not be before dutyHours.morningEnd");
}

}  // namespace

std::optional<absl::Duration> ParseTimeOfDay(absl::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
  return absl::Hours(hours) + absl::Minutes(minutes);
}

absl::Status ValidateUnitDutyHours(const v1::DutyHours& hours) {
  Violations v;
  CheckDutyHours(hours, v);
  if (!v.empty()) return InvalidFields(v);
  return absl::OkStatus();
}

DutyHours DutyHoursOf(const v1::Unit& unit) {
  DutyHours hours;
  if (!unit.has_duty_hours()) return hours;
  const v1::DutyHours& h = unit.duty_hours();
  auto morning_start = ParseTimeOfDay(h.morning_start());
  auto morning_end = ParseTimeOfDay(h.morning_end());
  auto afternoon_start = ParseTimeOfDay(h.afternoon_start());
  auto afternoon_end = ParseTimeOfDay(h.afternoon_end());
  if (!morning_start || !morning_end || !afternoon_start || !afternoon_end) return hours;
  hours.morning_start = *morning_start;
  hours.morning_end = *morning_end;
  hours.afternoon_start = *afternoon_start;
  hours.afternoon_end = *afternoon_end;
  return hours;
}

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
  if (request.has_duty_hours()) CheckDutyHours(request.duty_hours(), v);
  CheckText(request.leader_in_charge_id(), "leaderInChargeId", kMaxName, false, v);
  CheckText(request.principal_leader_id(), "principalLeaderId", kMaxName, false, v);
  if (!request.principal_leader_id().empty() && request.kind() != v1::TOWNSHIP) {
    v.emplace_back("principalLeaderId", "is a TOWNSHIP unit's only");
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

absl::Status CheckPrincipalLeaderUnit(UnitKind kind) {
  if (kind != UnitKind::kTownship) {
    return FailedPreconditionField(
        "unitId", "is not a TOWNSHIP unit: the principal leader (主要领导) is the township's");
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
