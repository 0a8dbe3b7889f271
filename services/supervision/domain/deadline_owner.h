// Whose work a deadline measures. ACCEPTANCE, HANDLING and a county case's
// COUNTY are the township's work and count against the units the case is
// assigned to (their lists of pending deadlines, their overdue orders, their
// statistics). The others are somebody else's: APPROVAL the approving
// leaders', REVIEW_WINDOW and RECHECK_WINDOW the petitioner's
// (petitioner_window.h), REVIEW_ANSWER the reviewing body's one level up
// (复查, A35: it answers within 30 days of the request) and RECHECK_ANSWER
// the rechecking body's a level further (复核, A36), which the township
// cannot hurry, and OBJECTION the township's right to object to a county
// transfer (异议, A23), which nobody owes.
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_DEADLINE_OWNER_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_DEADLINE_OWNER_H_

#include <string_view>

namespace petition::supervision {

// True for the kinds that count against the case's handling units. The
// database's triggers ask the same of deadline_counts_against_units()
// (migrations 0010, 0011), which changes with this.
bool CountsAgainstUnits(std::string_view kind);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_DEADLINE_OWNER_H_
