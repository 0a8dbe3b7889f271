#include "services/intake/domain/county_transfer.h"

#include <utility>
#include <vector>

#include "common/crypto.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/status.h"

namespace petition::intake {

bool IsValidCountyCaseId(std::string_view id) {
  // The principal id alphabet: no '/', no space, nothing to escape in a path;
  // and not "." or "..", which a normalising proxy resolves as path steps.
  return IsValidPrincipalId(id) && id != "." && id != "..";
}

absl::StatusOr<TransferCase> BuildTransferCase(const v1::PushTransferRequest& push,
                                               const std::string& registrar, absl::Time now,
                                               absl::TimeZone zone,
                                               const RegistrationLimits& limits) {
  std::vector<std::pair<std::string, std::string>> violations;
  if (!IsValidCountyCaseId(push.county_case_id())) {
    violations.emplace_back("countyCaseId", kCountyCaseIdRule);
  }
  if (push.kind() != v1::TRANSFER && push.kind() != v1::ASSIGNMENT) {
    violations.emplace_back("kind", "is required (TRANSFER or ASSIGNMENT)");
  }
  if (!push.due_date().empty() && !ParseDate(push.due_date()).ok()) {
    violations.emplace_back("dueDate", "is not a date YYYY-MM-DD");
  }
  // The case fields: the registration's rules, one home.
  v1::RegisterCaseRequest form;
  form.set_channel(push.channel());
  if (push.has_received_at()) *form.mutable_received_at() = push.received_at();
  *form.mutable_petitioners() = push.petitioners();
  form.set_headcount(push.headcount());
  form.set_category(push.category());
  *form.mutable_reported_unit_ids() = push.reported_unit_ids();
  form.set_subject(push.subject());
  form.set_content(push.content());
  form.set_urgent(push.urgent());
  auto c = BuildRegisteredCase(form, Registrar{registrar, false}, now, zone, limits);
  if (!c.ok()) {
    petition::v1::ErrorDetails details = GetErrorDetails(c.status());
    for (const petition::v1::FieldViolation& v : details.violations()) {
      violations.emplace_back(v.field(), v.reason());
    }
    if (details.violations_size() == 0) return c.status();
  }
  if (!violations.empty()) return InvalidFields(violations);
  TransferCase t;
  t.c = *std::move(c);
  t.c.set_source(push.kind() == v1::TRANSFER ? v1::COUNTY_TRANSFER : v1::COUNTY_ASSIGNMENT);
  t.c.set_county_case_id(push.county_case_id());
  t.due_date = push.due_date();
  return t;
}

bool IsCountyCase(const v1::Case& c) {
  return c.source() == v1::COUNTY_TRANSFER || c.source() == v1::COUNTY_ASSIGNMENT;
}

v1::TransferKind KindOfSource(v1::CaseSource source) {
  switch (source) {
    case v1::COUNTY_TRANSFER:
      return v1::TRANSFER;
    case v1::COUNTY_ASSIGNMENT:
      return v1::ASSIGNMENT;
    default:
      return v1::TRANSFER_KIND_UNSPECIFIED;
  }
}

bool FeedsBack(v1::CaseStatus status) {
  return status == v1::DECLINED || status == v1::ANSWERED || status == v1::CONCLUDED ||
         status == v1::WITHDRAWN || status == v1::REVIEW_REQUESTED ||
         status == v1::RECHECK_REQUESTED || status == v1::OBJECTED;
}

bool SendsToCounty(const v1::Case& c, v1::CaseStatus status) {
  // The petitioner's requests go up whoever's the case: the county reviews
  // (复查) and passes a recheck (复核) one level further up.
  if (status == v1::REVIEW_REQUESTED || status == v1::RECHECK_REQUESTED) return true;
  return IsCountyCase(c) && FeedsBack(status);
}

bool AwaitsPrincipalReview(v1::CaseStatus status, bool review_policy) {
  // The petitioner's own acts (a withdrawal, a review request) are not the
  // township's report: nothing for the principal leader to review. Nor is an
  // objection (A23): it reports no handling, and its 5 working days leave no
  // time to wait; the county must hear it at once.
  return review_policy && FeedsBack(status) && status != v1::WITHDRAWN &&
         status != v1::REVIEW_REQUESTED && status != v1::RECHECK_REQUESTED &&
         status != v1::OBJECTED;
}

v1::CountyFeedback BuildFeedback(const v1::Case& stored, const std::string& due_date,
                                 const std::string& delivery_id) {
  v1::CountyFeedback f;
  f.set_delivery_id(delivery_id);
  f.set_county_case_id(stored.county_case_id());
  f.set_case_id(stored.case_id());
  f.set_kind(KindOfSource(stored.source()));
  f.set_status(stored.status());
  if (stored.history_size() > 0) {
    const v1::CaseStep& last = stored.history(stored.history_size() - 1);
    *f.mutable_occurred_at() = last.at();
    if (stored.status() == v1::DECLINED || stored.status() == v1::WITHDRAWN ||
        stored.status() == v1::REVIEW_REQUESTED || stored.status() == v1::RECHECK_REQUESTED) {
      f.set_note(last.note());
    }
  }
  *f.mutable_received_at() = stored.received_at();
  f.set_due_date(due_date);
  if (!stored.answer_opinion_id().empty()) {
    *f.mutable_answered_at() = stored.answered_at();
    for (const v1::Opinion& o : stored.opinions()) {
      if (o.opinion_id() != stored.answer_opinion_id()) continue;
      f.set_outcome(o.outcome());
      f.set_handling_unit_id(o.unit_id());
      f.set_facts(o.facts());
      f.set_basis(o.basis());
      f.set_decision(o.decision());
    }
  }
  if (stored.status() == v1::DECLINED) {
    f.set_decline_route(stored.decline_route());
    f.set_decline_authority(stored.decline_authority());
  }
  if (stored.status() == v1::OBJECTED) {
    // What the county needs to decide on the objection: why the matter is
    // outside the township's remit, and who is competent.
    *f.mutable_objection() = stored.objection();
    f.set_note(stored.objection().reason());
  }
  return f;
}

std::string FeedbackSignature(std::string_view secret, std::string_view body) {
  return "sha256=" + HexEncode(HmacSha256(secret, body));
}

FeedbackVerdict VerdictOf(int http_status) {
  if (http_status >= 200 && http_status < 300) return FeedbackVerdict::kDelivered;
  if (http_status >= 400 && http_status < 500 && http_status != 408 && http_status != 429) {
    return FeedbackVerdict::kPark;
  }
  return FeedbackVerdict::kRetry;
}

}  // namespace petition::intake
