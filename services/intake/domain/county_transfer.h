// Cases the county passes down (上级转送/交办) and the result fed back to it
// (办结后反馈): what a push must hold, which results go back, what the county
// receives, how it is signed, and which answers of the county end the retries.
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_COUNTY_TRANSFER_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_COUNTY_TRANSFER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "petition/v1/intake.pb.h"
#include "services/intake/domain/registration.h"

namespace petition::intake {

// A push validated and turned into the case it registers: the case fields
// checked as a registration's (registration.h: every violation by JSON field
// path), `kind` and `dueDate` checked, source COUNTY_TRANSFER or
// COUNTY_ASSIGNMENT, county_case_id set, received by the calling machine
// (`registrar`). Ids and the query code are left to the caller.
struct TransferCase {
  v1::Case c;
  std::string due_date;  // "YYYY-MM-DD" or ""
};
absl::StatusOr<TransferCase> BuildTransferCase(const v1::PushTransferRequest& push,
                                               const std::string& registrar, absl::Time now,
                                               absl::TimeZone zone,
                                               const RegistrationLimits& limits = {});

// The county's id: 1-128 of A-Z a-z 0-9 _ . : @ -, and not "." or ".." (it is
// a path segment, and those two are path steps to any URL normaliser).
bool IsValidCountyCaseId(std::string_view id);
// What an invalid one is told (the countyCaseId field's violation).
inline constexpr char kCountyCaseIdRule[] = "must be 1-128 of A-Z a-z 0-9 _ . : @ -, not . or ..";

bool IsCountyCase(const v1::Case& c);
v1::TransferKind KindOfSource(v1::CaseSource source);

// The statuses the county hears about: a decision it must know of
// (DECLINED, ANSWERED, CONCLUDED, WITHDRAWN), the township's objection to a
// transfer (OBJECTED, A23: the county decides on it), and a petitioner's
// request for a review (REVIEW_REQUESTED: 复查 is the body one level up's,
// A35) or a recheck (RECHECK_REQUESTED: 复核, one level further up, A36,
// through the county).
bool FeedsBack(v1::CaseStatus status);

// Whether `c` moving into `status` sends the county a result: a county
// case's results (FeedsBack); and a review or recheck request of any case, the
// township's own included (the county then receives its caseId and no
// countyCaseId): the county is the reviewing body of every township case.
bool SendsToCounty(const v1::Case& c, v1::CaseStatus status);

// Whether a result in `status` waits for the township's principal leader
// (主要领导) to review the handling unit's report before the office feeds it
// back (S2 §6: 办结后...书面报告交主要领导审核后,由办公室反馈), when the
// policy asks for the review (`review_policy`). The reports of the
// township's handling wait: DECLINED, ANSWERED, CONCLUDED. A withdrawal is
// the petitioner's act, not a report: it goes at once (after any result of
// the case still waiting: the county hears them in order); so does a review
// or recheck request (REVIEW_REQUESTED, RECHECK_REQUESTED), the
// petitioner's too. So does an objection (OBJECTED): it is no report of
// handling (S2 §6 reviews the handling unit's report of a concluded matter),
// and it is time-critical: the county must hear it while the matter can
// still go to the competent authority.
bool AwaitsPrincipalReview(v1::CaseStatus status, bool review_policy);

// The result of `stored` (a case just moved to a status it sends to the
// county, SendsToCounty; its last history entry the step that did it) as the
// county receives it. A township case's has no countyCaseId and no kind; a
// review request's note is the petitioner's reason; an objection's note is
// its reason, and `objection` carries the reason and the competent authority.
v1::CountyFeedback BuildFeedback(const v1::Case& stored, const std::string& due_date,
                                 const std::string& delivery_id);

// The value of the X-Signature header: "sha256=" and the lower-case hex
// HMAC-SHA256 of the body under the shared secret.
std::string FeedbackSignature(std::string_view secret, std::string_view body);

// What an attempt's HTTP answer means: 2xx delivered; a 4xx other than 408
// (timeout) and 429 (too many requests) is a refusal that retrying cannot
// cure (parked for an operator); anything else, or no answer at all (0), is
// tried again later.
enum class FeedbackVerdict { kDelivered, kRetry, kPark };
FeedbackVerdict VerdictOf(int http_status);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_COUNTY_TRANSFER_H_
