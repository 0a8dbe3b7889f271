#include "services/intake/domain/case_lifecycle.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/utf8.h"

namespace petition::intake {
namespace {

using Violations = std::vector<std::pair<std::string, std::string>>;

constexpr size_t kMaxText = 4000;
constexpr size_t kMaxLine = 200;
constexpr int kMaxHandlingUnits = 10;

bool Blank(const std::string& s) {
  for (unsigned char c : s) {
    if (!absl::ascii_isspace(c)) return false;
  }
  return true;
}

void CheckText(const std::string& value, const char* field, size_t max, bool required,
               Violations& v) {
  if (required && Blank(value)) {
    v.emplace_back(field, "is required");
  } else if (Utf8Length(value) > max) {
    v.emplace_back(field, absl::StrCat("must be at most ", max, " characters"));
  }
}

absl::Status Result(const Violations& v) { return v.empty() ? absl::OkStatus() : InvalidFields(v); }

absl::Status Refuse(v1::CaseStatus current, v1::Step step) {
  return absl::FailedPreconditionError(absl::StrCat("the case is ", v1::CaseStatus_Name(current),
                                                    ": ", v1::Step_Name(step), " is not allowed"));
}

}  // namespace

bool IsFinal(v1::CaseStatus status) {
  // OBJECTED: the transfer went back to the county with the objection (A23);
  // the county decides on it, not the township (a changed push is refused:
  // CountyStore::Push), so nothing more happens to the case here.
  return status == v1::DECLINED || status == v1::CONCLUDED || status == v1::WITHDRAWN ||
         status == v1::FINAL || status == v1::OBJECTED;
}

absl::StatusOr<v1::CaseStatus> NextStatus(v1::CaseStatus current, v1::Step step, bool rated) {
  switch (step) {
    case v1::ACCEPT:
      if (current == v1::REGISTERED) return v1::ACCEPTED;
      break;
    case v1::DECLINE:
      if (current == v1::REGISTERED) return v1::DECLINED;
      break;
    case v1::OBJECT:
      // Before the township decides on the case itself: accepting or
      // declining it uses up the right to object (CheckObjectable says
      // which cases may be objected to at all).
      if (current == v1::REGISTERED) return v1::OBJECTED;
      break;
    case v1::SUBMIT_OPINION:
    case v1::SUBMIT_FOR_APPROVAL:
    case v1::APPROVE_OPINION:
      if (current == v1::ACCEPTED) return v1::ACCEPTED;
      break;
    case v1::ANSWER:
      if (current == v1::ACCEPTED) return v1::ANSWERED;
      break;
    case v1::DELIVER:
      if (current == v1::ANSWERED) return v1::ANSWERED;
      break;
    case v1::REQUEST_REVIEW:
      if (current == v1::ANSWERED) return v1::REVIEW_REQUESTED;
      break;
    case v1::DECIDE_REVIEW:
      // The status an outcome leads to is the review chain's
      // (StatusAfterDecision); the step is allowed here.
      if (current == v1::REVIEW_REQUESTED) return v1::REVIEW_DECIDED;
      break;
    case v1::REQUEST_RECHECK:
      // From ANSWERED only after a review decision (CheckRecheckable).
      if (current == v1::REVIEW_DECIDED || current == v1::ANSWERED) return v1::RECHECK_REQUESTED;
      break;
    case v1::DECIDE_RECHECK:
      if (current == v1::RECHECK_REQUESTED) return v1::FINAL;
      break;
    case v1::FINALIZE:
      if (current == v1::ANSWERED || current == v1::REVIEW_DECIDED) return v1::FINAL;
      break;
    case v1::CONCLUDE:
      if (current == v1::ANSWERED || current == v1::REVIEW_REQUESTED) return v1::CONCLUDED;
      break;
    case v1::WITHDRAW:
      if (current != v1::CASE_STATUS_UNSPECIFIED && !IsFinal(current)) return v1::WITHDRAWN;
      break;
    case v1::REVIEW_REPORT:
      // The principal leader's review of a county case's report changes no
      // status; whether a result waits for it is the feedback's to say.
      if (current != v1::CASE_STATUS_UNSPECIFIED && current != v1::REGISTERED &&
          current != v1::ACCEPTED) {
        return current;
      }
      break;
    case v1::RATE:
      if (rated) {
        return absl::AlreadyExistsError(
            absl::StrCat("the case is ", v1::CaseStatus_Name(current), ": it is already rated"));
      }
      if (current == v1::ANSWERED || current == v1::REVIEW_REQUESTED || current == v1::CONCLUDED ||
          current == v1::REVIEW_DECIDED || current == v1::RECHECK_REQUESTED ||
          current == v1::FINAL) {
        return current;
      }
      break;
    default:
      break;
  }
  return Refuse(current, step);
}

bool ValidStepId(const std::string& id) { return IsValidPrincipalId(id); }

absl::Status ValidateAccept(const v1::AcceptCaseRequest& request) {
  Violations v;
  const auto& units = request.handling_unit_ids();
  if (units.empty()) {
    v.emplace_back("handlingUnitIds", "at least one handling unit is required");
  } else if (units.size() > kMaxHandlingUnits) {
    v.emplace_back("handlingUnitIds", absl::StrCat("at most ", kMaxHandlingUnits, " entries"));
  } else {
    std::set<std::string> seen;
    for (int i = 0; i < units.size(); ++i) {
      if (!ValidStepId(units[i])) {
        v.emplace_back(absl::StrCat("handlingUnitIds[", i, "]"), "is not a valid id");
      } else if (!seen.insert(units[i]).second) {
        v.emplace_back(absl::StrCat("handlingUnitIds[", i, "]"), "is listed twice");
      }
    }
  }
  if (request.complexity() == v1::COMPLEXITY_UNSPECIFIED ||
      !v1::Complexity_IsValid(request.complexity())) {
    v.emplace_back("complexity", "must be SIMPLE, ORDINARY or COMPLEX");
  }
  if (!ValidStepId(request.leader_id())) {
    v.emplace_back("leaderId", "the receiving leader's official id is required");
  }
  // The leader's instruction (批示) is optional text: the notice prints it.
  CheckText(request.instruction(), "instruction", kMaxText, /*required=*/false, v);
  return Result(v);
}

absl::Status ValidateDecline(const v1::DeclineCaseRequest& request) {
  Violations v;
  if (request.route() == v1::DECLINE_ROUTE_UNSPECIFIED ||
      !v1::DeclineRoute_IsValid(request.route())) {
    v.emplace_back("route",
                   "must be OTHER_AUTHORITY, LITIGATION, ARBITRATION, ADMINISTRATIVE_REVIEW, "
                   "DISCIPLINE_INSPECTION or FINAL_DECISION");
  }
  // The notice names where to go: an authority, or the court, tribunal or
  // organ of the legal channel. A matter settled for good (A36) goes
  // nowhere: the notice names the final case instead.
  CheckText(request.authority(), "authority", kMaxLine,
            /*required=*/request.route() != v1::FINAL_DECISION, v);
  CheckText(request.reason(), "reason", kMaxText, /*required=*/true, v);
  return Result(v);
}

absl::Status ValidateOpinion(const v1::SubmitOpinionRequest& request) {
  Violations v;
  if (!ValidStepId(request.unit_id())) v.emplace_back("unitId", "a unit id is required");
  if (request.outcome() == v1::OUTCOME_UNSPECIFIED || !v1::Outcome_IsValid(request.outcome())) {
    v.emplace_back("outcome", "must be UPHELD, EXPLAINED or NOT_UPHELD");
  }
  CheckText(request.facts(), "facts", kMaxText, /*required=*/true, v);
  CheckText(request.basis(), "basis", kMaxText, /*required=*/true, v);
  CheckText(request.decision(), "decision", kMaxText, /*required=*/true, v);
  return Result(v);
}

absl::Status ValidateWithdraw(const v1::WithdrawCaseRequest& request) {
  Violations v;
  CheckText(request.reason(), "reason", kMaxText, /*required=*/true, v);
  return Result(v);
}

absl::Status ValidateRate(const v1::RateCaseRequest& request) {
  Violations v;
  if (request.rating() == v1::RATING_UNSPECIFIED || !v1::Rating_IsValid(request.rating())) {
    v.emplace_back("rating", "must be SATISFIED, BASICALLY_SATISFIED or DISSATISFIED");
  }
  CheckText(request.comment(), "comment", kMaxText, /*required=*/false, v);
  return Result(v);
}

absl::Status ValidateDeliver(const v1::DeliverCaseRequest& request) {
  Violations v;
  if (request.delivered_on().empty()) {
    v.emplace_back("deliveredOn", "is required (YYYY-MM-DD)");
  } else if (!ParseDate(request.delivered_on()).ok()) {
    v.emplace_back("deliveredOn", "is not a date YYYY-MM-DD");
  }
  if (request.method() == v1::DELIVERY_METHOD_UNSPECIFIED ||
      !v1::DeliveryMethod_IsValid(request.method())) {
    v.emplace_back("method", "must be IN_PERSON, POST or ELECTRONIC");
  }
  // Delivery by post is proven by the receipt (回执).
  CheckText(request.receipt_number(), "receiptNumber", kMaxLine,
            /*required=*/request.method() == v1::POST, v);
  return Result(v);
}

absl::Status ValidateObject(const v1::ObjectCaseRequest& request) {
  Violations v;
  CheckText(request.reason(), "reason", kMaxText, /*required=*/true, v);
  CheckText(request.competent_authority(), "competentAuthority", kMaxLine, /*required=*/true, v);
  return Result(v);
}

absl::Status CheckObjectable(const v1::Case& current) {
  // Decided: only a transfer (转送). A23 gives the objection against a
  // transfer outside the receiving body's remit; an assignment (交办) is the
  // county's order to handle the matter and report the result, so the
  // township raises a doubt about it with the county, not by objecting. A
  // township's own case has no transferring body to object to.
  switch (current.source()) {
    case v1::COUNTY_TRANSFER:
      return absl::OkStatus();
    case v1::COUNTY_ASSIGNMENT:
      return FailedPreconditionField(
          "source",
          "the case is a county assignment (交办): only a county transfer (转送) may be "
          "objected to (A23)");
    default:
      return FailedPreconditionField(
          "source",
          "the case is the township's own: only a county transfer (转送) may be "
          "objected to (A23)");
  }
}

absl::Status CheckDelivery(const v1::Case& current, absl::CivilDay delivered_on,
                           absl::CivilDay answered_day, absl::CivilDay today) {
  if (!current.delivered_on().empty()) {
    return FailedPreconditionField(
        "deliveredOn",
        absl::StrCat("the answer was already delivered on ", current.delivered_on()));
  }
  if (delivered_on < answered_day) {
    return InvalidField("deliveredOn",
                        absl::StrCat("is before the answer (", FormatDate(answered_day),
                                     "): only a written answer is delivered"));
  }
  if (delivered_on > today) {
    return InvalidField("deliveredOn", absl::StrCat("is after today (", FormatDate(today), ")"));
  }
  return absl::OkStatus();
}

}  // namespace petition::intake
