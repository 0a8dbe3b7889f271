// Pages of scheduling's lists: pageSize 0 means 100, more than 500 is
// INVALID_ARGUMENT; the page token is the last id of the page before
// (web-safe base64), so a list continues after that row.
#ifndef PETITION_SERVICES_SCHEDULING_SERVICE_PAGING_H_
#define PETITION_SERVICES_SCHEDULING_SERVICE_PAGING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "common/ids.h"
#include "common/status.h"
#include "services/scheduling/store/directory_store.h"

namespace petition::scheduling {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 500;

// `id_prefix` non-empty: the token must hold an id of that kind ("plan",
// "rec", "appt"); empty: any principal-shaped id.
inline absl::StatusOr<Page> ParsePage(int32_t page_size, const std::string& token,
                                      const std::string& id_prefix = "") {
  Page page;
  if (page_size < 0 || page_size > kMaxPageSize) {
    return InvalidField("pageSize", "must be between 0 and 500");
  }
  page.size = page_size == 0 ? kDefaultPageSize : page_size;
  if (token.empty()) return page;
  if (!absl::WebSafeBase64Unescape(token, &page.after) ||
      !(id_prefix.empty() ? IsValidPrincipalId(page.after) : IsValidId(page.after, id_prefix))) {
    return InvalidField("pageToken", "is not a page token of this list");
  }
  return page;
}

// Trims the one extra row a store returns and makes the next page's token.
template <typename T, typename IdOf>
std::string NextPageToken(std::vector<T>& rows, const Page& page, IdOf id_of) {
  if (static_cast<int>(rows.size()) <= page.size) return "";
  rows.resize(page.size);
  return absl::WebSafeBase64Escape(id_of(rows.back()));
}

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_SERVICE_PAGING_H_
