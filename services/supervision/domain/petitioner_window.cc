#include "services/supervision/domain/petitioner_window.h"

namespace petition::supervision {

bool IsPetitionerWindow(std::string_view kind) {
  return kind == "REVIEW_WINDOW" || kind == "RECHECK_WINDOW";
}

bool EndsTheMatterWhenLapsed(std::string_view kind) {
  return kind == "REVIEW_WINDOW" || kind == "RECHECK_WINDOW";
}

bool IsWindow(std::string_view kind) { return IsPetitionerWindow(kind) || kind == "OBJECTION"; }

std::string_view ShownState(std::string_view kind, std::string_view stored_state, bool met,
                            absl::CivilDay due_date, absl::CivilDay today) {
  if (met || stored_state == "EXPIRED" || today <= due_date) return stored_state;
  return IsWindow(kind) ? "EXPIRED" : "OVERDUE";
}

}  // namespace petition::supervision
