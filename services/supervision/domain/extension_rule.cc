#include "services/supervision/domain/extension_rule.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates.h"
#include "common/status.h"

namespace petition::supervision {

absl::Status CheckNotPastDue(absl::CivilDay handling_due, absl::CivilDay today) {
  if (today <= handling_due) return absl::OkStatus();
  return FailedPreconditionField(
      "dueDate", absl::StrCat("the HANDLING deadline passed on ", FormatDate(handling_due),
                              ": an extension is granted on or before its due date"));
}

absl::Status CheckExtension(const DeadlinePolicy& policy, std::string_view complexity,
                            absl::CivilDay handling_due, absl::CivilDay today, int days) {
  if (!IsExtendable(policy, complexity)) {
    return FailedPreconditionField(
        "complexity",
        absl::StrCat("a case of complexity ",
                     complexity.empty() ? std::string("unknown") : std::string(complexity),
                     " may not be extended (the policy's extendable: ",
                     policy.extendable.empty() ? "none" : absl::StrJoin(policy.extendable, ", "),
                     ")"));
  }
  if (absl::Status s = CheckNotPastDue(handling_due, today); !s.ok()) return s;
  if (days < 1 || days > policy.extension_max.days) {
    return InvalidField("days", absl::StrCat("must be 1..", policy.extension_max.days,
                                             " (the policy's extensionMax)"));
  }
  return absl::OkStatus();
}

}  // namespace petition::supervision
