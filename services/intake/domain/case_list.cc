#include "services/intake/domain/case_list.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/dates.h"
#include "common/migrations.h"
#include "common/status.h"
#include "services/intake/domain/case_lifecycle.h"
#include "services/intake/domain/identity_document.h"

namespace petition::intake {
namespace {

constexpr char kTokenVersion[] = "c1";

absl::Status BadToken() { return InvalidField("pageToken", "is not a page token of this list"); }

}  // namespace

absl::StatusOr<CaseListQuery> ParseCaseListRequest(const v1::ListCasesRequest& request,
                                                   absl::TimeZone zone, absl::Time now) {
  std::vector<std::pair<std::string, std::string>> v;
  CaseListQuery q;
  if (request.status() != v1::CASE_STATUS_UNSPECIFIED) {
    if (!v1::CaseStatus_IsValid(request.status())) {
      v.emplace_back("status", "is not a case status");
    } else {
      q.status = v1::CaseStatus_Name(request.status());
    }
  }
  if (request.category() != v1::CATEGORY_UNSPECIFIED) {
    if (!v1::Category_IsValid(request.category())) {
      v.emplace_back("category", "is not a category");
    } else {
      q.category = v1::Category_Name(request.category());
    }
  }
  if (!request.unit_id().empty()) {
    if (!ValidStepId(request.unit_id())) {
      v.emplace_back("unitId", "is not a valid id");
    } else {
      q.unit_id = request.unit_id();
    }
  }
  std::optional<absl::CivilDay> from, to;
  if (!request.received_from().empty()) {
    auto d = ParseDate(request.received_from());
    if (!d.ok()) {
      v.emplace_back("receivedFrom", "must be a date YYYY-MM-DD");
    } else {
      from = *d;
      q.received_from = absl::FromCivil(*d, zone);
    }
  }
  if (!request.received_to().empty()) {
    auto d = ParseDate(request.received_to());
    if (!d.ok()) {
      v.emplace_back("receivedTo", "must be a date YYYY-MM-DD");
    } else {
      to = *d;
      q.received_before = absl::FromCivil(*d + 1, zone);
    }
  }
  if (from && to && *from > *to) v.emplace_back("receivedTo", "is before receivedFrom");
  if (!request.petitioner_id_number().empty()) {
    const std::string id = NormalizeIdentityNumber(request.petitioner_id_number());
    if (!IsIdentityNumberOfAnyType(id, absl::ToCivilDay(now, zone))) {
      v.emplace_back("petitionerIdNumber", "is not a valid identity document number");
    } else {
      q.id_number = id;
    }
  }
  if (request.page_size() < 0 || request.page_size() > kMaxCasePageSize) {
    v.emplace_back("pageSize", absl::StrCat("must be between 1 and ", kMaxCasePageSize));
  } else if (request.page_size() > 0) {
    q.page_size = request.page_size();
  }
  if (!v.empty()) return InvalidFields(v);
  // The token is bound to the filters (never to the page size): a token of
  // another list is refused rather than silently skipping into it.
  q.filter_key = Sha256Hex(absl::StrCat(q.status, "\n", q.unit_id, "\n", q.category, "\n",
                                        request.received_from(), "\n", request.received_to(), "\n",
                                        q.id_number))
                     .substr(0, 16);
  if (!request.page_token().empty()) {
    std::string raw;
    if (!absl::WebSafeBase64Unescape(request.page_token(), &raw)) return BadToken();
    std::vector<std::string> parts = absl::StrSplit(raw, '|');
    int64_t micros = 0;
    if (parts.size() != 4 || parts[0] != kTokenVersion || parts[1] != q.filter_key ||
        !absl::SimpleAtoi(parts[2], &micros) || parts[3].empty() || parts[3].size() > 64) {
      return BadToken();
    }
    q.after = CaseListPosition{absl::FromUnixMicros(micros), parts[3]};
  }
  return q;
}

std::string CasePageToken(const CaseListQuery& query, const CaseListPosition& last) {
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenVersion, "|", query.filter_key, "|",
                                                absl::ToUnixMicros(last.received_at), "|",
                                                last.case_id));
}

}  // namespace petition::intake
