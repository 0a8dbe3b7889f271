#include "services/supervision/domain/policy_validation.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status.h"

namespace petition::supervision {
namespace {

constexpr int kMaxDays = 366;
constexpr int kMaxDueSoonDays = 30;

absl::Status CheckLimit(const std::string& field, const Limit& limit, int max_days) {
  if (limit.days < 1) return InvalidField(field + ".days", "must be at least 1");
  if (limit.days > max_days) {
    return InvalidField(field + ".days", absl::StrCat("must be at most ", max_days));
  }
  if (limit.unit != DayUnit::kCalendarDays && limit.unit != DayUnit::kWorkingDays) {
    return InvalidField(field + ".unit", "must be CALENDAR_DAYS or WORKING_DAYS");
  }
  return absl::OkStatus();
}

std::string Describe(const Limit& limit) {
  return absl::StrCat(limit.days,
                      limit.unit == DayUnit::kWorkingDays ? " WORKING_DAYS" : " CALENDAR_DAYS");
}

}  // namespace

int ShortestCalendarSpan(const Limit& limit) { return limit.days; }

int LongestCalendarSpan(const Limit& limit) {
  if (limit.unit == DayUnit::kCalendarDays) return limit.days;
  const int weeks = (limit.days + 4) / 5;  // ceil(N / 5) weekends at most
  return limit.days + 2 * weeks;
}

bool LongerThan(const Limit& a, const Limit& b) {
  if (a.unit == b.unit) return a.days > b.days;
  return ShortestCalendarSpan(a) > LongestCalendarSpan(b);
}

absl::Status ValidatePolicy(const DeadlinePolicy& policy) {
  absl::TimeZone zone;
  if (policy.time_zone.empty() || !absl::LoadTimeZone(policy.time_zone, &zone)) {
    return InvalidField("timeZone", "is not a known IANA time zone");
  }
  struct Check {
    const char* field;
    const Limit* limit;
    int max_days;
  };
  const Check checks[] = {
      {"acceptance", &policy.acceptance, kMaxDays},
      {"handling.SIMPLE", &policy.handling_simple, kMaxDays},
      {"handling.ORDINARY", &policy.handling_ordinary, kMaxDays},
      {"handling.COMPLEX", &policy.handling_complex, kMaxDays},
      {"extensionMax", &policy.extension_max, kMaxDays},
      {"reviewWindow", &policy.review_window, kMaxDays},
      {"reviewAnswer", &policy.review_answer, kMaxDays},
      {"recheckWindow", &policy.recheck_window, kMaxDays},
      {"recheckAnswer", &policy.recheck_answer, kMaxDays},
      {"objection", &policy.objection, kMaxDays},
      {"dueSoon", &policy.due_soon, kMaxDueSoonDays},
      {"orderResponse.REMINDER", &policy.order_response.reminder, kMaxDays},
      {"orderResponse.ORDER", &policy.order_response.order, kMaxDays},
      {"orderResponse.LISTED", &policy.order_response.listed, kMaxDays},
      {"orderResponse.SUMMONS", &policy.order_response.summons, kMaxDays},
  };
  for (const Check& c : checks) {
    if (absl::Status s = CheckLimit(c.field, *c.limit, c.max_days); !s.ok()) return s;
  }
  // SIMPLE <= ORDINARY <= COMPLEX; each pair, since "certainly longer" is
  // not transitive across units.
  const Limit& simple = policy.handling_simple;
  const Limit& ordinary = policy.handling_ordinary;
  const Limit& complex = policy.handling_complex;
  if (LongerThan(simple, ordinary)) {
    return InvalidField("handling.SIMPLE",
                        absl::StrCat("the fast track (", Describe(simple),
                                     ") must not be longer than ordinary handling "
                                     "(handling.ORDINARY, ",
                                     Describe(ordinary), ")"));
  }
  if (LongerThan(ordinary, complex)) {
    return InvalidField(
        "handling.ORDINARY",
        absl::StrCat(Describe(ordinary), " must not be longer than handling.COMPLEX (",
                     Describe(complex), "): SIMPLE <= ORDINARY <= COMPLEX"));
  }
  if (LongerThan(simple, complex)) {
    return InvalidField(
        "handling.SIMPLE",
        absl::StrCat(Describe(simple), " must not be longer than handling.COMPLEX (",
                     Describe(complex), "): SIMPLE <= ORDINARY <= COMPLEX"));
  }
  for (size_t i = 0; i < policy.extendable.size(); ++i) {
    const std::string field = absl::StrCat("extendable[", i, "]");
    const std::string& c = policy.extendable[i];
    if (c != "SIMPLE" && c != "ORDINARY" && c != "COMPLEX") {
      return InvalidField(field, "must be SIMPLE, ORDINARY or COMPLEX");
    }
    for (size_t j = 0; j < i; ++j) {
      if (policy.extendable[j] == c) return InvalidField(field, "is listed twice");
    }
  }
  return ValidateApprovalPolicy(policy.approval);
}

}  // namespace petition::supervision
