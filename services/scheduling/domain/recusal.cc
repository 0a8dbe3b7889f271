#include "services/scheduling/domain/recusal.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace petition::scheduling {
namespace {

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

absl::Status ValidateDutyHours(const DutyHours& hours) {
  std::vector<std::pair<std::string, std::string>> v;
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(hours.time_zone, &zone)) {
    v.emplace_back("timeZone", "must be an IANA time zone such as Asia/Shanghai");
  }
  auto within_day = [&](absl::Duration d, const char* field) {
    if (d < absl::ZeroDuration() || d > absl::Hours(24)) {
      v.emplace_back(field, "must be a time of day");
    }
  };
  within_day(hours.morning_start, "morningStart");
  within_day(hours.morning_end, "morningEnd");
  within_day(hours.afternoon_start, "afternoonStart");
  within_day(hours.afternoon_end, "afternoonEnd");
  if (hours.morning_end <= hours.morning_start) {
    v.emplace_back("morningEnd", "must be after morningStart");
  }
  if (hours.afternoon_end <= hours.afternoon_start) {
    v.emplace_back("afternoonEnd", "must be after afternoonStart");
  }
  if (hours.afternoon_start < hours.morning_end) {
    v.emplace_back("afternoonStart", "must not be before morningEnd");
  }
  if (!v.empty()) return InvalidFields(v);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<DutyTime>> DutyTimeAt(absl::Time at, const DutyHours& hours) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(hours.time_zone, &zone)) {
    return InvalidField("timeZone", "must be an IANA time zone such as Asia/Shanghai");
  }
  const absl::CivilDay day = absl::ToCivilDay(at, zone);
  const absl::Duration since_midnight = at - absl::FromCivil(day, zone);
  if (since_midnight >= hours.morning_start && since_midnight < hours.morning_end) {
    return std::optional<DutyTime>(DutyTime{day, PartOfDay::kMorning});
  }
  if (since_midnight >= hours.afternoon_start && since_midnight < hours.afternoon_end) {
    return std::optional<DutyTime>(DutyTime{day, PartOfDay::kAfternoon});
  }
  return std::optional<DutyTime>();
}

bool OnDuty(const Session& session, const DutyTime& t) {
  return session.date == t.day && (session.part == PartOfDay::kFullDay || session.part == t.half);
}

absl::StatusOr<std::string> Assignee(const std::optional<DaySession>& session,
                                     const std::vector<std::string>& rotation,
                                     int leaders_per_session,
                                     const absl::flat_hash_set<std::string>& recused) {
  if (!session.has_value()) {
    return absl::FailedPreconditionError("the unit holds no reception session that day");
  }
  for (const std::string& id : session->receiving) {
    if (!recused.contains(id)) return id;
  }
  // The rotation after this session's turn, wrapping around once.
  const int64_t n = static_cast<int64_t>(rotation.size());
  if (n > 0 && leaders_per_session >= 1 && session->index >= 0) {
    const int64_t next = ((session->index % n) * leaders_per_session + leaders_per_session) % n;
    for (int64_t i = 0; i < n; ++i) {
      const std::string& id = rotation[(next + i) % n];
      if (recused.contains(id) || Contains(session->absent, id)) continue;
      return id;
    }
  }
  return absl::FailedPreconditionError(
      "every official of the unit's rotation is recused from this case or absent that day");
}

std::optional<std::string> DeciderIneligibleReason(const Official& official, UnitKind unit_kind,
                                                   CaseDecision decision,
                                                   const std::optional<std::string>& recusal_reason,
                                                   bool township_principal) {
  if (recusal_reason.has_value()) {
    return recusal_reason->empty()
               ? std::string("is recused from this case (回避)")
               : absl::StrCat("is recused from this case (回避): ", *recusal_reason);
  }
  if (decision == CaseDecision::kReceive) {
    // The rule of who may be planned, for the unit the official serves in.
    return IneligibleReason(official, official.unit_id, unit_kind);
  }
  if (decision == CaseDecision::kReviewReport && !township_principal) {
    return std::string(
        "is not the township's principal leader (主要领导): the report is reviewed by the "
        "official the township unit names (POST /v1/units/{unitId}:setPrincipalLeader)");
  }
  return std::nullopt;
}

}  // namespace petition::scheduling
