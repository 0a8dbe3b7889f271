// The township's deadline policy and the counting rules of the regulation:
// - the start day is the day of the event in the township's time zone and is
//   not counted;
// - N working days end on the N-th working day after it;
// - N calendar days end N days after it and, with roll_to_working_day, move
//   forward to the next working day when that day is not one (顺延);
// - an extension of E days makes the limit N + E from the same start, and
//   rolls once, at the end;
// - a deadline is met when its event happens on or before the due date.
// The regulation's values are the defaults (信访工作条例 A22, A34, A35); a
// township like 团堡镇 sets ORDINARY 7 and COMPLEX 15 working days.
#ifndef PETITION_SERVICES_SUPERVISION_DOMAIN_DEADLINE_POLICY_H_
#define PETITION_SERVICES_SUPERVISION_DOMAIN_DEADLINE_POLICY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/working_calendar.h"
#include "services/supervision/domain/approval_policy.h"

namespace petition::supervision {

enum class DayUnit { kCalendarDays, kWorkingDays };

struct Limit {
  int days = 0;
  DayUnit unit = DayUnit::kCalendarDays;
};

// How long a unit has to respond to a supervision order (督办), by level;
// working days by default, and a window never ends on a holiday.
struct OrderResponse {
  Limit reminder{5, DayUnit::kWorkingDays};
  Limit order{3, DayUnit::kWorkingDays};
  Limit listed{2, DayUnit::kWorkingDays};
  Limit summons{2, DayUnit::kWorkingDays};
};

struct DeadlinePolicy {
  std::string time_zone = "Asia/Shanghai";
  Limit acceptance{15, DayUnit::kCalendarDays};
  Limit handling_simple{10, DayUnit::kWorkingDays};
  Limit handling_ordinary{60, DayUnit::kCalendarDays};
  Limit handling_complex{60, DayUnit::kCalendarDays};
  Limit extension_max{30, DayUnit::kCalendarDays};
  Limit review_window{30, DayUnit::kCalendarDays};
  Limit due_soon{2, DayUnit::kWorkingDays};
  bool roll_to_working_day = true;
  // The complexities whose HANDLING deadline may be extended (A34: a
  // complex matter): SIMPLE, ORDINARY, COMPLEX.
  std::vector<std::string> extendable = {"COMPLEX"};
  OrderResponse order_response;
  // Leader approval of a submitted opinion (approval_policy.h).
  ApprovalPolicy approval;
  // A county case's result goes back only after the township's principal
  // leader has reviewed the report (S2 §6); intake holds the result until then.
  bool county_feedback_review = true;
  // The reviewing body's written answer to a review request (REVIEW_ANSWER,
  // A35: 30 days); the reviewing body's deadline, never a unit's.
  Limit review_answer{30, DayUnit::kCalendarDays};
  // The petitioner's time to ask for a recheck (RECHECK_WINDOW, A36) and the
  // rechecking body's answer (RECHECK_ANSWER, A36: the same 30 + 30 days).
  Limit recheck_window{30, DayUnit::kCalendarDays};
  Limit recheck_answer{30, DayUnit::kCalendarDays};
  // The township's objection period for a county transfer (OBJECTION, A23:
  // 5 working days from the push); the township's right, never a unit's duty.
  Limit objection{5, DayUnit::kWorkingDays};

  // The national regulation's values.
  static DeadlinePolicy Regulation() { return DeadlinePolicy{}; }
};

// The HANDLING limit for a complexity: SIMPLE (the fast track), ORDINARY,
// COMPLEX; INVALID_ARGUMENT for anything else.
absl::StatusOr<Limit> HandlingLimit(const DeadlinePolicy& policy, std::string_view complexity);

// Whether the policy lets a case of `complexity` be extended.
bool IsExtendable(const DeadlinePolicy& policy, std::string_view complexity);

// The response window of a supervision order at `level` (REMINDER, ORDER,
// LISTED, SUMMONS); INVALID_ARGUMENT for another level.
absl::StatusOr<Limit> OrderResponseLimit(const DeadlinePolicy& policy, std::string_view level);

// Working-day arithmetic as the calendar owner (scheduling) answers it.
class WorkingDayOracle {
 public:
  virtual ~WorkingDayOracle() = default;
  // The n-th working day after `from` (`from` not counted), n >= 1.
  virtual absl::StatusOr<WorkingDayResult> AddWorkingDays(absl::CivilDay from, int n) = 0;
};

// The due date of a limit counted from `start`, extended by `extension_days`.
absl::StatusOr<WorkingDayResult> ComputeDueDate(absl::CivilDay start, Limit limit,
                                                int extension_days, bool roll_to_working_day,
                                                WorkingDayOracle& oracle);

// The HANDLING due date after an extension of `days`: N + E from the same
// start when the extension counts in the limit's unit (rolled once, at the
// end); otherwise E in the extension's unit after the unextended due date
// (rolled at the end too). INVALID_ARGUMENT when days is not 1..maximum.
absl::StatusOr<WorkingDayResult> ExtendedDueDate(absl::CivilDay start, Limit limit, int days,
                                                 Limit extension_max, bool roll_to_working_day,
                                                 WorkingDayOracle& oracle);

// The due date of a supervision order at `level` opened (or escalated) on
// `day`: the policy's window counted from it; a window in calendar days
// that ends on a day off moves to the next working day whatever
// rollToWorkingDay says (a unit is never asked to answer on a holiday).
absl::StatusOr<WorkingDayResult> OrderDueDate(absl::CivilDay day, std::string_view level,
                                              const DeadlinePolicy& policy,
                                              WorkingDayOracle& oracle);

// The last day a pending deadline due on it counts as DUE_SOON on `today`:
// `today` + dueSoon, in dueSoon's unit.
absl::StatusOr<absl::CivilDay> DueSoonHorizon(absl::CivilDay today, Limit due_soon,
                                              WorkingDayOracle& oracle);

enum class DeadlineState { kOpen, kDueSoon, kOverdue, kMet, kMissed };

// The state of a pending deadline on `today` with its DUE_SOON horizon.
DeadlineState PendingStateOn(absl::CivilDay today, absl::CivilDay due, absl::CivilDay horizon);

// The state of a deadline on `today`, given the day its event happened (if it did).
// DUE_SOON is set by the supervision scanner, which knows working days; here a
// pending deadline is OPEN until its due date has passed, then OVERDUE.
DeadlineState StateOn(absl::CivilDay today, absl::CivilDay due,
                      std::optional<absl::CivilDay> event_day);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_DOMAIN_DEADLINE_POLICY_H_
