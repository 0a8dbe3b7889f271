// Supervision orders (督办) climb one level when not responded to by their
// due date: REMINDER -> ORDER -> LISTED (挂牌) -> SUMMONS (约谈). SUMMONS is
// the top: an unanswered summons stays where it is (and overdue). How long
// each level gives the unit to respond is policy (OrderDueDate in
// deadline_policy.h).
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_ESCALATION_LADDER_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_ESCALATION_LADDER_H_

#include <optional>
#include <string>
#include <string_view>

namespace petition::supervision {

// The level above `level`; nullopt at the top or for an unknown level.
std::optional<std::string> NextLevel(std::string_view level);
bool IsOrderLevel(std::string_view level);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_ESCALATION_LADDER_H_
