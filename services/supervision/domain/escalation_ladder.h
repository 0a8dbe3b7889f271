// Supervision orders (督办) climb one level when not responded to by their
// due date: REMINDER -> ORDER -> LISTED (挂牌) -> SUMMONS (约谈). SUMMONS is
// the top: an unanswered summons stays where it is (and overdue).
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_ESCALATION_LADDER_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_ESCALATION_LADDER_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"

namespace petition::supervision {

// The level above `level`; nullopt at the top or for an unknown level.
std::optional<std::string> NextLevel(std::string_view level);
bool IsOrderLevel(std::string_view level);

// Calendar days an order gives its unit to respond, by level: the higher,
// the shorter.
int ResponseDays(std::string_view level);

// The due date of an order opened or escalated on `day`.
absl::CivilDay OrderDueDate(absl::CivilDay day, std::string_view level);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_ESCALATION_LADDER_H_
