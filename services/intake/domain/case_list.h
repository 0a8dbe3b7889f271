// The filters and pages of GET /v1/cases: validated into a query the store
// runs; page tokens are keyset positions (received_at, case_id) bound to the
// filters they were made for, so a page is stable under inserts.
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_CASE_LIST_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_CASE_LIST_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

inline constexpr int kDefaultCasePageSize = 50;
inline constexpr int kMaxCasePageSize = 500;

// Where the previous page ended.
struct CaseListPosition {
  absl::Time received_at;
  std::string case_id;
};

struct CaseListQuery {
  std::string status;                         // CaseStatus name, "" for any
  std::string unit_id;                        // a handling unit, "" for any
  std::string category;                       // Category name, "" for any
  std::optional<absl::Time> received_from;    // inclusive
  std::optional<absl::Time> received_before;  // exclusive (the day after receivedTo)
  std::string id_number;                      // normalised; "" for any
  int page_size = kDefaultCasePageSize;
  std::optional<CaseListPosition> after;
  std::string filter_key;  // what the page token is bound to
};

// INVALID_ARGUMENT naming the field for a bad filter, page size or token.
absl::StatusOr<CaseListQuery> ParseCaseListRequest(const v1::ListCasesRequest& request,
                                                   absl::TimeZone zone, absl::Time now);

// The token of the page after `last` for `query`.
std::string CasePageToken(const CaseListQuery& query, const CaseListPosition& last);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_CASE_LIST_H_
