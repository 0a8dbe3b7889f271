#include "services/supervision/domain/deadline_policy.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status.h"

namespace petition::supervision {

absl::StatusOr<WorkingDayResult> ComputeDueDate(absl::CivilDay start, Limit limit,
                                                int extension_days, bool roll_to_working_day,
                                                WorkingDayOracle& oracle) {
  if (limit.days < 1) return absl::InvalidArgumentError("a limit must be at least 1 day");
  if (extension_days < 0) return absl::InvalidArgumentError("an extension cannot be negative");
  const int total = limit.days + extension_days;
  if (limit.unit == DayUnit::kWorkingDays) return oracle.AddWorkingDays(start, total);
  const absl::CivilDay end = start + total;
  if (!roll_to_working_day) return WorkingDayResult{end, false};
  // The first working day on or after `end` is the first working day after the day before it.
  return oracle.AddWorkingDays(end - 1, 1);
}

namespace {

absl::Status CheckLimit(const char* field, const Limit& limit, int min_days, int max_days) {
  if (limit.days < min_days || limit.days > max_days) {
    return InvalidField(absl::StrCat(field, ".days"),
                        absl::StrCat("must be ", min_days, "..", max_days));
  }
  if (limit.unit != DayUnit::kCalendarDays && limit.unit != DayUnit::kWorkingDays) {
    return InvalidField(absl::StrCat(field, ".unit"), "must be CALENDAR_DAYS or WORKING_DAYS");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Validate(const DeadlinePolicy& policy) {
  absl::TimeZone zone;
  if (policy.time_zone.empty() || !absl::LoadTimeZone(policy.time_zone, &zone)) {
    return InvalidField("timeZone", "is not a known IANA time zone");
  }
  struct Check {
    const char* field;
    const Limit* limit;
    int min_days;
    int max_days;
  };
  const Check checks[] = {
      {"acceptance", &policy.acceptance, 1, 366},
      {"handling.SIMPLE", &policy.handling_simple, 1, 366},
      {"handling.ORDINARY", &policy.handling_ordinary, 1, 366},
      {"handling.COMPLEX", &policy.handling_complex, 1, 366},
      {"extensionMax", &policy.extension_max, 0, 366},
      {"reviewWindow", &policy.review_window, 1, 366},
      {"dueSoon", &policy.due_soon, 0, 30},
  };
  for (const Check& c : checks) {
    if (absl::Status s = CheckLimit(c.field, *c.limit, c.min_days, c.max_days); !s.ok()) return s;
  }
  return ValidateApprovalPolicy(policy.approval);
}

absl::StatusOr<Limit> HandlingLimit(const DeadlinePolicy& policy, std::string_view complexity) {
  if (complexity == "SIMPLE") return policy.handling_simple;
  if (complexity == "ORDINARY") return policy.handling_ordinary;
  if (complexity == "COMPLEX") return policy.handling_complex;
  return InvalidField("complexity", "must be SIMPLE, ORDINARY or COMPLEX");
}

absl::StatusOr<WorkingDayResult> ExtendedDueDate(absl::CivilDay start, Limit limit, int days,
                                                 Limit extension_max, bool roll_to_working_day,
                                                 WorkingDayOracle& oracle) {
  if (days < 1 || days > extension_max.days) {
    return InvalidField(
        "days", absl::StrCat("must be 1..", extension_max.days, " (the policy's extensionMax)"));
  }
  if (extension_max.unit == limit.unit) {
    return ComputeDueDate(start, limit, days, roll_to_working_day, oracle);
  }
  // Units differ: the unextended due date (not rolled), then E in the
  // extension's unit, rolled at the end.
  absl::CivilDay base = start + limit.days;
  bool provisional = false;
  if (limit.unit == DayUnit::kWorkingDays) {
    auto b = oracle.AddWorkingDays(start, limit.days);
    if (!b.ok()) return b.status();
    base = b->date;
    provisional = b->provisional;
  }
  auto extended =
      ComputeDueDate(base, Limit{days, extension_max.unit}, 0, roll_to_working_day, oracle);
  if (!extended.ok()) return extended.status();
  extended->provisional = extended->provisional || provisional;
  return extended;
}

absl::StatusOr<absl::CivilDay> DueSoonHorizon(absl::CivilDay today, Limit due_soon,
                                              WorkingDayOracle& oracle) {
  if (due_soon.days <= 0) return today;
  if (due_soon.unit == DayUnit::kCalendarDays) return today + due_soon.days;
  auto r = oracle.AddWorkingDays(today, due_soon.days);
  if (!r.ok()) return r.status();
  return r->date;
}

DeadlineState PendingStateOn(absl::CivilDay today, absl::CivilDay due, absl::CivilDay horizon) {
  if (today > due) return DeadlineState::kOverdue;
  if (due <= horizon) return DeadlineState::kDueSoon;
  return DeadlineState::kOpen;
}

DeadlineState StateOn(absl::CivilDay today, absl::CivilDay due,
                      std::optional<absl::CivilDay> event_day) {
  if (event_day.has_value())
    return *event_day <= due ? DeadlineState::kMet : DeadlineState::kMissed;
  return today > due ? DeadlineState::kOverdue : DeadlineState::kOpen;
}

}  // namespace petition::supervision
