// The SQL of the petitioner's public view (GET /v1/lookup/{queryCode}): finds
// a case by the keyed hash of its query code (migration 0008) and reads only
// what the view may show. Petitioners are never loaded, so never opened.
#ifndef PETITION_SERVICES_INTAKE_STORE_LOOKUP_STORE_H_
#define PETITION_SERVICES_INTAKE_STORE_LOOKUP_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg_pool.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

struct LookupDocumentRow {
  v1::DocumentKind kind = v1::DOCUMENT_KIND_UNSPECIFIED;
  std::string title;
  absl::Time issued_at;
};

// What the public view is made of: nothing else is read.
struct LookupRow {
  std::string case_id;
  v1::CaseStatus status = v1::CASE_STATUS_UNSPECIFIED;
  absl::Time received_at;
  std::vector<std::string> handling_unit_ids;
  std::vector<std::string> reported_unit_ids;  // who must not learn of it (A30)
  v1::Rating rating = v1::RATING_UNSPECIFIED;
  // The steps of the case, oldest first, and when each happened.
  std::vector<std::pair<v1::Step, absl::Time>> steps;
  std::vector<LookupDocumentRow> documents;
};

class LookupStore {
 public:
  static const std::vector<PgStatement>& Statements();

  explicit LookupStore(PgPool* pool) : pool_(pool) {}

  // The case whose query code is `code` (already upper case), NOT_FOUND for
  // any other code. The database finds the row by the keyed hash of the code;
  // the code stored on the row found is then compared with `code` in constant
  // time, so no step of the look-up takes longer for a closer guess.
  absl::StatusOr<LookupRow> Find(const std::string& code, const TxOptions& tx_options = {});

 private:
  PgPool* pool_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_STORE_LOOKUP_STORE_H_
