// A petitioner's window: the time the petitioner has to ask for the next
// step (REVIEW_WINDOW: 30 days from receiving the written answer to ask for a
// review, 信访工作条例 A35; RECHECK_WINDOW: 30 days from the review decision,
// or from the delivery of the answer given again after it, to ask for a
// recheck, A36). It is not anybody's work: when it runs out unused
// the right lapsed (EXPIRED), it is never OVERDUE, never counts against a
// unit and raises no alert or supervision order. Met means asked in time.
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_PETITIONER_WINDOW_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_PETITIONER_WINDOW_H_

#include <string_view>

#include "absl/time/civil_time.h"

namespace petition::supervision {

// True for the kinds that are a petitioner's window (REVIEW_WINDOW,
// RECHECK_WINDOW).
bool IsPetitionerWindow(std::string_view kind);

// True for the windows whose lapse settles the matter for good (A36: the
// case becomes FINAL in intake): REVIEW_WINDOW and RECHECK_WINDOW.
bool EndsTheMatterWhenLapsed(std::string_view kind);
// True for every window, a right rather than a duty, treated alike: the
// petitioner's REVIEW_WINDOW and the township's OBJECTION period (异议, A23:
// 5 working days from a county transfer's push to object that it is outside
// the township's remit). Unused, each lapses (EXPIRED), never OVERDUE, and
// counts against nobody.
bool IsWindow(std::string_view kind);

// The state a deadline of `kind` reads on `today`: a pending deadline past
// its due date reads OVERDUE (EXPIRED for a window, IsWindow) even before
// the scanner's next pass; otherwise the stored state.
std::string_view ShownState(std::string_view kind, std::string_view stored_state, bool met,
                            absl::CivilDay due_date, absl::CivilDay today);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_PETITIONER_WINDOW_H_
