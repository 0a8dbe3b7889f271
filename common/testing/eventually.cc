#include "common/testing/eventually.h"

#include "absl/time/clock.h"

namespace petition::testing {

bool Eventually(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

}  // namespace petition::testing
