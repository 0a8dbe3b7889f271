// Rotating the key that seals petitioners' identity (intake --rotate_keys;
// README, "Rotating the PII key"): every petitioner row sealed under another
// key than the keyring's current one is opened and sealed again under the
// current key, with its look-up hash recomputed under that key, `batch_size`
// rows per transaction. Each batch commits on its own, so a rotation stopped
// half-way (a crash, a row that does not open) keeps what it did, and running
// it again continues with the rows still under an old key.
#ifndef PETITION_SERVICES_INTAKE_SERVICE_KEY_ROTATION_H_
#define PETITION_SERVICES_INTAKE_SERVICE_KEY_ROTATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "services/intake/store/case_store.h"

namespace petition::intake {

struct KeyRotationReport {
  int64_t resealed = 0;  // rows re-sealed by this run
  int batches = 0;       // transactions committed
  int64_t rows = 0;      // petitioner rows at the end
  // Rows still under another key at the end: 0 unless the rotation stopped,
  // or a process with another current key sealed rows meanwhile (give every
  // intake the new keyring first, then rotate).
  int64_t remaining = 0;
  // OK, or why the rotation stopped (the batches before it are committed).
  absl::Status status;

  // One JSON object: {"resealed":..,"batches":..,"rows":..,"remaining":..,"error":".."}.
  std::string Json() const;
};

KeyRotationReport RotateKeys(CaseStore& store, int batch_size);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_SERVICE_KEY_ROTATION_H_
