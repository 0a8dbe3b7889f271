#include "services/intake/service/key_rotation.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace petition::intake {

KeyRotationReport RotateKeys(CaseStore& store, int batch_size) {
  KeyRotationReport report;
  if (batch_size < 1) {
    report.status = absl::InvalidArgumentError("the batch size must be at least 1");
    return report;
  }
  std::string after_case_id;
  int after_ordinal = -1;
  while (true) {
    absl::StatusOr<ResealBatch> batch =
        store.ResealPetitioners(after_case_id, after_ordinal, batch_size);
    if (!batch.ok()) {
      report.status = batch.status();
      break;
    }
    if (batch->resealed == 0) break;
    report.resealed += batch->resealed;
    ++report.batches;
    after_case_id = batch->last_case_id;
    after_ordinal = batch->last_ordinal;
    log::Info("key rotation batch committed",
              {{"resealed", absl::StrCat(report.resealed)}, {"lastCaseId", after_case_id}});
    if (batch->resealed < batch_size) break;
  }
  absl::StatusOr<SealCounts> counts = store.CountSeals();
  if (counts.ok()) {
    report.rows = counts->total;
    report.remaining = counts->other_keys;
  } else if (report.status.ok()) {
    report.status = counts.status();
  }
  return report;
}

std::string KeyRotationReport::Json() const {
  std::string json = absl::StrCat(R"({"resealed":)", resealed, R"(,"batches":)", batches,
                                  R"(,"rows":)", rows, R"(,"remaining":)", remaining);
  if (!status.ok())
    absl::StrAppend(&json, R"(,"error":")", log::JsonEscape(status.ToString()), "\"");
  return json + "}";
}

}  // namespace petition::intake
