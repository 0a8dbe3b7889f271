#include "services/supervision/domain/deadline_owner.h"

namespace petition::supervision {

bool CountsAgainstUnits(std::string_view kind) {
  return kind != "APPROVAL" && kind != "REVIEW_WINDOW" && kind != "REVIEW_ANSWER" &&
         kind != "RECHECK_WINDOW" && kind != "RECHECK_ANSWER" && kind != "OBJECTION";
}

}  // namespace petition::supervision
